#!/usr/bin/env bash
# Discovery freshness against a running mesh (bench/run.sh calls it; deploy/run-local.sh's mesh works too):
# trials that take a push-service node out in Consul (maintenance mode, or deregistration) and put it back,
# timing when the gateway stops and starts routing to it (bench/freshness/FreshnessBench.java says how).
#
#   bench/freshness/freshness.sh RUN LIBS CONSUL_URL GATEWAY_URL MANAGEMENT_URL GATEWAY_LOG REQUEST_PATH SMOKE
#
# RUN: the run directory (writes RUN/raw/freshness.jsonl, RUN/raw/freshness.settings, RUN/logs/freshness.log);
# LIBS: the folder of the gateway's jars (BOOT-INF/lib of main-gateway.jar); GATEWAY_LOG: the gateway's log
# file; SMOKE: true or false.
# Settings (environment): FRESHNESS_TRIALS (maintenance trials: 50, smoke 2), FRESHNESS_DEREGISTER_TRIALS
# (20, smoke 1), FRESHNESS_POLLERS (threads polling /actuator/mesh: 2), FRESHNESS_POLL_PAUSE_MS (pause of
# each poller between its polls: 2), FRESHNESS_TRAFFIC_PERIOD_MS (5), JAVA_OPTS (-Xmx256m).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -eq 8 ] || { echo "usage: $0 RUN LIBS CONSUL_URL GATEWAY_URL MANAGEMENT_URL GATEWAY_LOG REQUEST_PATH SMOKE" >&2; exit 2; }
RUN=$1 LIBS=$2 CONSUL_URL=$3 GATEWAY_URL=$4 MANAGEMENT_URL=$5 GATEWAY_LOG=$6 REQUEST_PATH=$7 SMOKE=$8
if [ "$SMOKE" = true ]; then
  TRIALS=${FRESHNESS_TRIALS:-2} DEREGISTER_TRIALS=${FRESHNESS_DEREGISTER_TRIALS:-1}
else
  TRIALS=${FRESHNESS_TRIALS:-50} DEREGISTER_TRIALS=${FRESHNESS_DEREGISTER_TRIALS:-20}
fi
POLLERS=${FRESHNESS_POLLERS:-2}
POLL_PAUSE_MS=${FRESHNESS_POLL_PAUSE_MS:-2}
TRAFFIC_PERIOD_MS=${FRESHNESS_TRAFFIC_PERIOD_MS:-5}
JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
CLASSES=bench/target/freshness/classes
mkdir -p "$RUN/raw" "$RUN/logs"

say() { echo "bench: freshness: $*"; }

if [ ! -f "$CLASSES/FreshnessBench.class" ] || [ bench/freshness/FreshnessBench.java -nt "$CLASSES/FreshnessBench.class" ] \
   || [ -n "$(find "$LIBS" -newer "$CLASSES/FreshnessBench.class" -print -quit)" ]; then
  rm -rf "$CLASSES"; mkdir -p "$CLASSES"
  javac -d "$CLASSES" -cp "$LIBS/*" bench/freshness/FreshnessBench.java
fi

cat > "$RUN/raw/freshness.settings" <<SETTINGS
maintenance_trials $TRIALS
deregister_trials $DEREGISTER_TRIALS
pollers $POLLERS
poll_pause_ms $POLL_PAUSE_MS
traffic_period_ms $TRAFFIC_PERIOD_MS
SETTINGS

say "$TRIALS maintenance and $DEREGISTER_TRIALS deregistration trial(s) against $GATEWAY_URL"
# In the background and waited for, so that a signal to this script stops the program at once (trap).
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$LIBS/*:$CLASSES" FreshnessBench "$CONSUL_URL" "$GATEWAY_URL" "$MANAGEMENT_URL" "$GATEWAY_LOG" \
  push-service "$REQUEST_PATH" "$TRIALS" "$DEREGISTER_TRIALS" "$POLLERS" "$POLL_PAUSE_MS" "$TRAFFIC_PERIOD_MS" \
  > "$RUN/raw/freshness.jsonl" 2> "$RUN/logs/freshness.log" &
BENCH_PID=$!
trap 'kill -TERM "$BENCH_PID" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
status=0
wait "$BENCH_PID" || status=$?
tail -n 1 "$RUN/logs/freshness.log" | sed 's/^/bench: /'
exit "$status"
