#!/usr/bin/env bash
# The warm-start part of the bench alone (not the whole bench/run.sh): a mesh on loopback (deploy/run-local.sh:
# a Consul dev agent, two push-service nodes, main-gateway), its nodes warmed up through its gateway as run.sh
# warms the systems (bench/lib/warm-up.sh), then bench/warmstart/warm-start.sh for the variants asked (default:
# the plain JDK 17 jar, as the README starts it), then its section with report.py into OUT (default
# bench/warmstart/RESULTS.md, and OUT with .json). Stops everything it started.
#
#   bench/warmstart/run-alone.sh [OUT]
#
# Settings (environment): WARMSTART_VARIANTS (plain), BENCH_PORT_BASE (first of 20 loopback ports: 23000),
# WARMUP (30s: the nodes' warm-up before the first fresh gateway), CONNECTIONS (64), THREADS (2), JAVA_OPTS
# (-Xmx256m -Xms64m -Xmn48m -XX:+UseSerialGC), and warm-start.sh's own.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-bench/warmstart/RESULTS.md}
HOST=127.0.0.1
BASE=${BENCH_PORT_BASE:-23000}
export WARMSTART_VARIANTS=${WARMSTART_VARIANTS:-plain}
export CONNECTIONS=${CONNECTIONS:-64} THREADS=${THREADS:-2}
export JAVA_OPTS=${JAVA_OPTS:--Xmx256m -Xms64m -Xmn48m -XX:+UseSerialGC}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
WARMUP=${WARMUP:-30s}
RUN=bench/target/warmstart-run
say() { echo "bench: warm start alone: $*"; }

for tool in java curl python3 wrk; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 1; }
done
if [ ! -f push-service/target/push-service.jar ] || [ ! -f main-gateway/target/main-gateway.jar ]; then
  say "building the jars (./mvnw -B -q -DskipTests package)"
  ./mvnw -B -q -DskipTests package
fi
rm -rf "$RUN"; mkdir -p "$RUN/raw" "$RUN/logs"
trap 'deploy/run-local.sh stop > /dev/null 2>&1 || true' EXIT
trap 'exit 130' INT TERM

GATEWAY=$((BASE + 4))
say "starting the mesh on ports from $BASE (deploy/run-local.sh)"
MESH_HOST=$HOST CONSUL_HTTP_PORT=$BASE CONSUL_INTERNAL_PORTS="$((BASE + 1)) $((BASE + 2)) $((BASE + 3))" \
  GATEWAY_PORT=$GATEWAY GATEWAY_MANAGEMENT_PORT=$((BASE + 5)) PUSH_TCP_PORTS="$((BASE + 6)) $((BASE + 7))" \
  PUSH_HTTP_PORTS="$((BASE + 8)) $((BASE + 9))" deploy/run-local.sh > "$RUN/logs/run-local.log" 2>&1 \
  || { cat "$RUN/logs/run-local.log" >&2; exit 1; }
PATH_QUERY="/fetchLatestNews?limit=20&latestTime=$(date +%s%3N)"
# shellcheck source=bench/lib/warm-up.sh
source bench/lib/warm-up.sh
say "warming the nodes up through the mesh's gateway (at least $WARMUP, until its rate settles)"
warm_up_until_steady mesh "http://$HOST:$GATEWAY$PATH_QUERY" "$WARMUP" 120s "$RUN/warm-up"
echo "load_start $(cut -d' ' -f1-3 /proc/loadavg)" > "$RUN/machine"
bench/warmstart/warm-start.sh "$RUN" $HOST "$BASE" $((BASE + 10)) $((BASE + 11)) "$PATH_QUERY" false
echo "load_end $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RUN/machine"
python3 bench/report.py warmstart "$RUN" "$OUT"
say "written $OUT"
