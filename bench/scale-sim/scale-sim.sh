#!/usr/bin/env bash
# Scale simulation (issue 22): NODES lightweight nodes (SimNodes.java: the project's own TcpServer, many
# in one JVM, registered in a real Consul agent with real TCP checks) and CALLERS callers (SimCallers.java:
# one MeshClient each, many in one JVM, each registered among the service's callers when it subsets),
# a steady request rate, and churn: CHURN_PER_MIN nodes a minute killed without deregistering (Consul's
# check finds them) and replaced. Two runs: subsetting on (SUBSET, every caller), then off with
# OFF_CALLERS callers at the same total rate (50 callers x 1,000 connections would not fit in this
# machine's file descriptors). Prints the figures and writes them to OUT (JSON, one line per run).
# Every caller here shares one address: the agent's limit of 200 HTTP connections per client address
# (limits.http_max_conns_per_client; 50 callers keep 100 blocking queries open) is raised to 4096 — on
# separate hosts each caller has its own agent and address. Not part of the test suite or of bench/run.sh.
#
#   bench/scale-sim/scale-sim.sh OUT
#
# Settings (environment): NODES (1000), CALLERS (50), SUBSET (32), OFF_CALLERS (5; 0 skips the run with
# subsetting off), TOTAL_RATE (calls/s of all callers together: 1000), CHURN_PER_MIN (100: 10 % of 1,000),
# WARMUP (s: 30), DURATION (s of churn measured per run: 150), CHECK_INTERVAL_MS (5000), JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -eq 1 ] || { echo "usage: $0 OUT" >&2; exit 2; }
OUT=$1
NODES=${NODES:-1000} CALLERS=${CALLERS:-50} SUBSET=${SUBSET:-32} OFF_CALLERS=${OFF_CALLERS:-5}
TOTAL_RATE=${TOTAL_RATE:-1000} CHURN_PER_MIN=${CHURN_PER_MIN:-100} WARMUP=${WARMUP:-30} DURATION=${DURATION:-150}
CHECK_INTERVAL_MS=${CHECK_INTERVAL_MS:-5000}
JAVA_OPTS=${JAVA_OPTS:--Xmx1g -XX:+UseSerialGC}
SERVICE=sim-news
WORK=bench/target/scale-sim
CLASSES=$WORK/classes
mkdir -p "$WORK" "$CLASSES"
say() { echo "bench: scale-sim: $*"; }
fail() { echo "bench: scale-sim: $*" >&2; exit 1; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The library as built in this tree, and its dependencies.
./mvnw -B -ntp -q -o -pl consul-client-support -am compile
./mvnw -B -ntp -q -o -pl consul-client-support dependency:build-classpath -Dmdep.outputFile="$PWD/$WORK/classpath.txt" >/dev/null
CP="consul-client-support/target/classes:$(cat "$WORK/classpath.txt")"
javac -d "$CLASSES" -cp "$CP" bench/scale-sim/SimNodes.java bench/scale-sim/SimCallers.java
CP="$CP:$CLASSES"

CONSUL=$(bash consul/install.sh | tail -1)
HTTP_PORT=$(free_port) SERF_LAN=$(free_port) SERF_WAN=$(free_port) SERVER_PORT=$(free_port)
DATA=$(mktemp -d "${TMPDIR:-/tmp}/scale-sim-consul.XXXXXX")
CONSUL_PID='' NODES_PID='' CALLERS_PID=''
FIFO=$WORK/nodes.in
CALLERS_FIFO=$WORK/callers.in
cleanup() {
  exec 4>&- 2>/dev/null || true
  exec 5>&- 2>/dev/null || true
  for pid in $CALLERS_PID $NODES_PID; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -TERM "$pid" 2>/dev/null || true
  done
  [ -z "$CONSUL_PID" ] || { kill -TERM "$CONSUL_PID" 2>/dev/null || true; wait "$CONSUL_PID" 2>/dev/null || true; }
  rm -rf "$DATA" "$FIFO" "$CALLERS_FIFO"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$CONSUL" agent -dev -bind 127.0.0.1 -client 127.0.0.1 -node scale-sim -log-level warn -data-dir "$DATA" \
  -hcl "ports { http = $HTTP_PORT, dns = -1, grpc = -1, grpc_tls = -1, serf_lan = $SERF_LAN, serf_wan = $SERF_WAN, server = $SERVER_PORT }" \
  -hcl 'limits { http_max_conns_per_client = 4096 }' \
  > "$WORK/consul.log" 2>&1 &
CONSUL_PID=$!
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$HTTP_PORT/v1/status/leader" 2>/dev/null | grep -q ':' && break
  sleep 0.2
done
say "Consul $("$CONSUL" version | head -1) on 127.0.0.1:$HTTP_PORT (pid $CONSUL_PID)"

rm -f "$FIFO"; mkfifo "$FIFO"
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$CP" SimNodes 127.0.0.1 "$HTTP_PORT" "$SERVICE" "$NODES" "$CHECK_INTERVAL_MS" \
  < "$FIFO" > "$WORK/nodes.out" 2> "$WORK/nodes.log" &
NODES_PID=$!
exec 4> "$FIFO"
for _ in $(seq 1 900); do
  grep -q '^ready' "$WORK/nodes.out" 2>/dev/null && break
  kill -0 "$NODES_PID" 2>/dev/null || { tail -20 "$WORK/nodes.log" >&2; fail "the nodes stopped"; }
  sleep 0.2
done
grep -q '^ready' "$WORK/nodes.out" || fail "the nodes were not all passing in Consul in time"
say "$NODES nodes of $SERVICE passing in Consul (TCP checks every $CHECK_INTERVAL_MS ms)"

: > "$OUT"
run() { # label callers subset
  local label=$1 callers=$2 subset=$3 rate log=$WORK/callers-$1.log out=$WORK/callers-$1.out lines
  rate=$(( TOTAL_RATE / callers ))
  say "$label: $callers callers, subset.size $subset, $rate calls/s each; warm-up ${WARMUP}s, then ${DURATION}s with $CHURN_PER_MIN nodes replaced a minute"
  rm -f "$CALLERS_FIFO"; mkfifo "$CALLERS_FIFO"
  # shellcheck disable=SC2086
  java $JAVA_OPTS -cp "$CP" SimCallers 127.0.0.1 "$HTTP_PORT" "$SERVICE" "$callers" "$subset" "$rate" "$WARMUP" \
    "$DURATION" "$CONSUL_PID" < "$CALLERS_FIFO" > "$out" 2> "$log" &
  CALLERS_PID=$!
  exec 5> "$CALLERS_FIFO"
  for _ in $(seq 1 $(( (WARMUP + 120) * 5 ))); do
    grep -q '^steady' "$out" 2>/dev/null && break
    kill -0 "$CALLERS_PID" 2>/dev/null || { tail -20 "$log" >&2; fail "the callers stopped"; }
    sleep 0.2
  done
  echo mark >&4
  echo "churn $CHURN_PER_MIN" >&4
  for _ in $(seq 1 $(( (DURATION + 120) * 5 ))); do
    grep -q '^measured' "$out" 2>/dev/null && break
    kill -0 "$CALLERS_PID" 2>/dev/null || { tail -20 "$log" >&2; fail "the callers stopped"; }
    sleep 0.2
  done
  lines=$(wc -l < "$WORK/nodes.out")
  echo report >&4
  echo stop-churn >&4
  for _ in $(seq 1 100); do [ "$(wc -l < "$WORK/nodes.out")" -gt "$lines" ] && break; sleep 0.1; done
  exec 5>&- # the callers' input ends: they stop
  wait "$CALLERS_PID" || { tail -20 "$log" >&2; fail "the callers failed"; }
  CALLERS_PID=''
  python3 - "$label" "$(grep '^{' "$out" | tail -1)" "$(tail -1 "$WORK/nodes.out")" >> "$OUT" <<'PY'
import json, sys
label, callers, nodes = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
requests = nodes["requests_per_node"]
connections = nodes["connections_per_node"]
callers.update(label=label, nodes_lived_through=len(requests), requests_per_node_min=min(requests),
               requests_per_node_max=max(requests), requests_per_node_max_over_min=round(max(requests) / max(1, min(requests)), 3),
               connections_per_node_max=max(connections), connections_per_node_mean=round(sum(connections) / len(connections), 2),
               nodes_killed_so_far=nodes["killed"], nodes_started_so_far=nodes["started"])
print(json.dumps(callers))
PY
  tail -1 "$OUT" | sed 's/^/bench: scale-sim: /'
  sleep 5 # the churn's last kills settle before the next run
}

run subset-on "$CALLERS" "$SUBSET"
[ "$OFF_CALLERS" -gt 0 ] && run subset-off "$OFF_CALLERS" 0
say "done; figures in $OUT"
