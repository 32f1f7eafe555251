#!/usr/bin/env bash
# Tracing cost: the gateway's requests per second with tracing off (the shipped default), sampled at 10 %
# and at 100 %, in one run. Each setting is a variant of bench/variants/variants.sh: a gateway and a
# push-service node of its own, both with that setting (services push-tracing-SETTING,
# main-gateway-tracing-SETTING); the traced ones export to span_sink.py, a local stand-in for Zipkin's
# collector that accepts and counts the spans, so the export path runs as it would against Zipkin. Each
# gateway is warmed up with wrk (discarded), then ROUNDS saturation rounds take turns between the settings
# (the order rotates each round), median reported.
#
#   bench/tracing/tracing.sh RUN HOST CONSUL_PORT FIRST_PORT REQUEST_PATH SMOKE
#
# RUN: the run directory (writes RUN/raw/tracing.* as variants.sh says, and tracing.sink-before.json and
# sink-after.json, the sink's counts around the rounds; logs in RUN/logs/tracing-*.log); FIRST_PORT: the
# first of 13 free loopback ports (the sink, then 4 per setting); SMOKE: true or false.
# Settings (environment): TRACING_WARMUP (15s, smoke 1s, per gateway, then 10 s steps until the rate settles, at most
# TRACING_WARMUP_MAX: 120s, smoke 0s), TRACING_DURATION (10s, smoke 2s),
# TRACING_ROUNDS (3, smoke 1), CONNECTIONS (64), THREADS (2), JAVA_OPTS (-Xmx256m -Xms64m -Xmn48m -XX:+UseSerialGC).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -eq 6 ] || { echo "usage: $0 RUN HOST CONSUL_PORT FIRST_PORT REQUEST_PATH SMOKE" >&2; exit 2; }
RUN=$1 HOST=$2 CONSUL_PORT=$3 FIRST_PORT=$4 REQUEST_PATH=$5 SMOKE=$6
if [ "$SMOKE" = true ]; then
  WARMUP=${TRACING_WARMUP:-1s} WARMUP_MAX=${TRACING_WARMUP_MAX:-0s} DURATION=${TRACING_DURATION:-2s} ROUNDS=${TRACING_ROUNDS:-1}
else
  WARMUP=${TRACING_WARMUP:-15s} WARMUP_MAX=${TRACING_WARMUP_MAX:-120s} DURATION=${TRACING_DURATION:-10s} ROUNDS=${TRACING_ROUNDS:-3}
fi
SINK_PORT=$FIRST_PORT
# shellcheck source=bench/variants/variants.sh
source bench/variants/variants.sh
variants_setup tracing "$RUN" "$HOST" "$CONSUL_PORT" $((FIRST_PORT + 1)) "$REQUEST_PATH"

! (exec 3<>"/dev/tcp/$HOST/$SINK_PORT") 2>/dev/null || variants_fail "port $SINK_PORT on $HOST is in use"
python3 bench/tracing/span_sink.py "$HOST" "$SINK_PORT" > "$RUN/logs/tracing-sink.log" 2>&1 &
variants_track $!

GATEWAY_JAR=main-gateway/target/main-gateway.jar NODE_JAR=push-service/target/push-service.jar
variant off "$GATEWAY_JAR" "$NODE_JAR" "" "" # the shipped default: management.tracing.export.enabled=false
for percent in 10 100; do
  traced="--management.tracing.export.enabled=true --management.tracing.sampling.probability=$(awk -v p="$percent" 'BEGIN {print p / 100}')"
  traced+=" --management.tracing.export.zipkin.endpoint=http://$HOST:$SINK_PORT/$percent/api/v2/spans"
  variant "$percent" "$GATEWAY_JAR" "$NODE_JAR" "$traced" "$traced"
done

variants_start
variants_warm_up
curl -fsS "http://$HOST:$SINK_PORT/counts" > "$RUN/raw/tracing.sink-before.json"
variants_rounds
sleep 1.5 # Brave's reporter sends what it holds every second
curl -fsS "http://$HOST:$SINK_PORT/counts" > "$RUN/raw/tracing.sink-after.json"
variants_memory
variants_say "done; stopping its gateways, nodes and sink"
