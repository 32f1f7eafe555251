#!/usr/bin/env bash
# Two builds of the gateway and its node side by side, in one run: this tree's jars (label "this") against
# the jars of another checkout (label "before"), each a variant of bench/variants/variants.sh with a node
# of its own, registered in a Consul dev agent this script starts on free loopback ports. Each gateway is
# warmed up with wrk until its rate settles (discarded), then ROUNDS saturation rounds take turns (the order
# rotating each round). Prints each round, then per build the median req/s, the gateway's and the node's
# CPU per 10,000 requests, and the ratio of this build to the other: what a change moved (bench/CHANGES.md).
# Not part of bench/run.sh or of the test suite.
#
#   bench/builds/builds.sh OTHER_CHECKOUT [RUN]
#
# OTHER_CHECKOUT: a checkout whose main-gateway/target/main-gateway.jar and push-service/target/push-service.jar
# are built (e.g. a git worktree of the commit before the change, `./mvnw -o -DskipTests package` in it);
# this tree's jars are built by the script. RUN: where raw figures and logs go (bench/target/builds).
# Settings (environment): WARMUP (15s), WARMUP_MAX (120s), DURATION (10s), ROUNDS (3), CONNECTIONS (64),
# THREADS (2), JAVA_OPTS (-Xmx256m -Xms64m -Xmn48m -XX:+UseSerialGC), GATEWAY_ARGS (given to both gateways),
# NODE_ARGS (given to both nodes).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 OTHER_CHECKOUT [RUN]" >&2; exit 2; }
OTHER=$1 RUN=${2:-bench/target/builds}
for jar in main-gateway/target/main-gateway.jar push-service/target/push-service.jar; do
  [ -f "$OTHER/$jar" ] || { echo "bench: builds: no $OTHER/$jar: build the other checkout first" >&2; exit 2; }
done
WARMUP=${WARMUP:-15s} WARMUP_MAX=${WARMUP_MAX:-120s} DURATION=${DURATION:-10s} ROUNDS=${ROUNDS:-3}
GATEWAY_ARGS=${GATEWAY_ARGS:-} NODE_ARGS=${NODE_ARGS:-}
HOST=127.0.0.1
mkdir -p "$RUN/raw" "$RUN/logs"
rm -f "$RUN"/raw/builds.*

./mvnw -B -ntp -q -o -DskipTests -pl main-gateway,push-service -am package

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
free_block() { # eight consecutive free ports
  local first port ok
  for _ in $(seq 1 50); do
    first=$(free_port) ok=true
    [ "$first" -lt 60000 ] || continue
    for port in $(seq "$first" $((first + 7))); do
      ! (exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null || { ok=false; break; }
    done
    $ok && { echo "$first"; return; }
  done
  echo "bench: builds: found no 8 free ports in a row" >&2; exit 1
}

CONSUL=$(bash consul/install.sh | tail -1)
CONSUL_PORT=$(free_port)
DATA=$(mktemp -d "${TMPDIR:-/tmp}/builds-consul.XXXXXX")
"$CONSUL" agent -dev -bind 127.0.0.1 -client 127.0.0.1 -node builds -log-level warn -data-dir "$DATA" \
  -hcl "ports { http = $CONSUL_PORT, dns = -1, grpc = -1, grpc_tls = -1, serf_lan = $(free_port), serf_wan = $(free_port), server = $(free_port) }" \
  > "$RUN/logs/builds-consul.log" 2>&1 &
CONSUL_PID=$!
trap 'kill -TERM "$CONSUL_PID" 2>/dev/null; rm -rf "$DATA"' EXIT

# shellcheck source=bench/variants/variants.sh
source bench/variants/variants.sh
variants_setup builds "$RUN" "$HOST" "$CONSUL_PORT" "$(free_block)" "/fetchLatestNews?limit=10"
variants_track "$CONSUL_PID"
trap 'variants_stop; rm -rf "$DATA"' EXIT
for _ in $(seq 1 150); do
  curl -fsS "http://$HOST:$CONSUL_PORT/v1/status/leader" 2>/dev/null | grep -q ':' && break
  kill -0 "$CONSUL_PID" 2>/dev/null || variants_fail "the Consul agent stopped (see $RUN/logs/builds-consul.log)"
  sleep 0.2
done

variant before "$OTHER/main-gateway/target/main-gateway.jar" "$OTHER/push-service/target/push-service.jar" "$GATEWAY_ARGS" "$NODE_ARGS"
variant this main-gateway/target/main-gateway.jar push-service/target/push-service.jar "$GATEWAY_ARGS" "$NODE_ARGS"
variants_start
variants_warm_up
variants_rounds

python3 - "$RUN/raw" "$ROUNDS" <<'PY'
import os, re, statistics, sys
raw, rounds = sys.argv[1], int(sys.argv[2])
hz = os.sysconf("SC_CLK_TCK")
def ticks(path):
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", open(path).read())}
figures = {}
for label in ("before", "this"):
    rates, gateway, node = [], [], []
    for r in range(1, rounds + 1):
        base = f"{raw}/builds.{label}"
        text = open(f"{base}.wrk.{r}").read()
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
        done = int(re.search(r"(\d+) requests in", text).group(1))
        before, after = ticks(f"{base}.cpu-before.{r}"), ticks(f"{base}.cpu-after.{r}")
        rates.append(rate)
        gateway.append((after["gateway"] - before["gateway"]) / hz / done * 10_000)
        node.append((after["node"] - before["node"]) / hz / done * 10_000)
    figures[label] = (statistics.median(rates), statistics.median(gateway), statistics.median(node))
    print(f"bench: builds: {label}: {figures[label][0]:,.0f} req/s (rounds {', '.join(f'{x:,.0f}' for x in rates)}),"
          f" gateway CPU {figures[label][1]:.2f} s and node CPU {figures[label][2]:.2f} s per 10k requests")
(b, bg, bn), (t, tg, tn) = figures["before"], figures["this"]
print(f"bench: builds: this / before: {t / b:.2f}x the req/s, {tg / bg:.2f}x the gateway's CPU per request,"
      f" {tn / bn:.2f}x the node's")
PY
