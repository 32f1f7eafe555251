#!/usr/bin/env bash
# Tracing cost: the gateway's requests per second with tracing off (the shipped default), sampled at 10 %
# and at 100 %, in one run. Each setting gets a gateway and a push-service node of its own (fresh JVMs,
# JAVA_OPTS, no profiler), both with that setting, registered in the running mesh's Consul under a service
# name of their own (push-trace-SETTING, main-gateway-trace-SETTING); the traced ones export to
# span_sink.py, a local stand-in for Zipkin's collector that accepts and counts the spans, so the export
# path runs as it would against Zipkin. Each gateway is warmed up with wrk (discarded), then ROUNDS
# saturation rounds take turns between the settings (the order rotates each round), median reported.
#
#   bench/tracing/tracing.sh RUN HOST CONSUL_PORT FIRST_PORT REQUEST_PATH SMOKE
#
# RUN: the run directory (writes RUN/raw/tracing.*, RUN/logs/tracing-*.log); FIRST_PORT: the first of 13
# free loopback ports (the sink, then per setting the gateway's http and management ports and the node's
# tcp and http ports); SMOKE: true or false.
# Settings (environment): TRACING_WARMUP (15s, smoke 1s, per gateway), TRACING_DURATION (10s, smoke 2s),
# TRACING_ROUNDS (3, smoke 1), CONNECTIONS (64), THREADS (2), JAVA_OPTS (-Xmx256m -Xms64m -Xmn48m -XX:+UseSerialGC).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -eq 6 ] || { echo "usage: $0 RUN HOST CONSUL_PORT FIRST_PORT REQUEST_PATH SMOKE" >&2; exit 2; }
RUN=$1 HOST=$2 CONSUL_PORT=$3 FIRST_PORT=$4 REQUEST_PATH=$5 SMOKE=$6
if [ "$SMOKE" = true ]; then
  WARMUP=${TRACING_WARMUP:-1s} DURATION=${TRACING_DURATION:-2s} ROUNDS=${TRACING_ROUNDS:-1}
else
  WARMUP=${TRACING_WARMUP:-15s} DURATION=${TRACING_DURATION:-10s} ROUNDS=${TRACING_ROUNDS:-3}
fi
CONNECTIONS=${CONNECTIONS:-64} THREADS=${THREADS:-2}
JAVA_OPTS=${JAVA_OPTS:--Xmx256m -Xms64m -Xmn48m -XX:+UseSerialGC}
RAW=$RUN/raw
SETTINGS=(off 10 100)
SINK_PORT=$FIRST_PORT
mkdir -p "$RAW" "$RUN/logs"

say() { echo "bench: tracing: $*"; }
fail() { echo "bench: tracing: $*" >&2; exit 1; }

for port in $(seq "$FIRST_PORT" $((FIRST_PORT + 12))); do
  ! (exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null || fail "port $port on $HOST is in use"
done

PIDS=()
cleanup() { # the gateways first, then the nodes (SIGTERM: they deregister), then the sink
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

declare -A GATEWAY_PORT GATEWAY_PID NODE_PID
tracing_args() { # setting -> the arguments of both services
  case "$1" in
    off) echo "" ;; # the shipped default: management.tracing.export.enabled=false
    *) echo "--management.tracing.export.enabled=true --management.tracing.sampling.probability=$(awk -v p="$1" 'BEGIN {print p / 100}')" \
         "--management.tracing.export.zipkin.endpoint=http://$HOST:$SINK_PORT/$1/api/v2/spans" ;;
  esac
}

python3 bench/tracing/span_sink.py "$HOST" "$SINK_PORT" > "$RUN/logs/tracing-sink.log" 2>&1 &
SINK_PID=$!
i=0
for setting in "${SETTINGS[@]}"; do
  base=$((FIRST_PORT + 1 + 4 * i)); i=$((i + 1))
  GATEWAY_PORT[$setting]=$base
  say "starting a push-service node (tcp $((base + 2))) and a gateway (http $base), tracing $setting"
  read -r -a traced <<< "$(tracing_args "$setting")"
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar push-service/target/push-service.jar --spring.cloud.consul.host="$HOST" \
    --spring.cloud.consul.port="$CONSUL_PORT" --push.tcp.host="$HOST" --push.tcp.port=$((base + 2)) \
    --push.tcp.advertised-host="$HOST" --server.address="$HOST" --server.port=$((base + 3)) \
    --mesh.registration.service-name="push-trace-$setting" "${traced[@]}" \
    > "$RUN/logs/tracing-node-$setting.log" 2>&1 &
  NODE_PID[$setting]=$!
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar main-gateway/target/main-gateway.jar --spring.cloud.consul.host="$HOST" \
    --spring.cloud.consul.port="$CONSUL_PORT" --server.address="$HOST" --server.port="$base" \
    --management.server.port=$((base + 1)) --mesh.registration.advertised-host="$HOST" \
    --mesh.registration.service-name="main-gateway-trace-$setting" --gateway.news.service="push-trace-$setting" \
    "${traced[@]}" > "$RUN/logs/tracing-gateway-$setting.log" 2>&1 &
  GATEWAY_PID[$setting]=$!
  PIDS=("${GATEWAY_PID[$setting]}" "${PIDS[@]}" "${NODE_PID[$setting]}")
done
PIDS+=("$SINK_PID")
for setting in "${SETTINGS[@]}"; do
  ok=false
  for _ in $(seq 1 900); do
    if curl -fsS -o /dev/null "http://$HOST:${GATEWAY_PORT[$setting]}$REQUEST_PATH" 2>/dev/null; then ok=true; break; fi
    for pid in "${GATEWAY_PID[$setting]}" "${NODE_PID[$setting]}"; do
      kill -0 "$pid" 2>/dev/null || { tail -n 30 "$RUN"/logs/tracing-*-"$setting".log >&2; fail "a JVM of setting $setting stopped"; }
    done
    sleep 0.2
  done
  $ok || fail "the gateway with tracing $setting did not answer within 180 s (see $RUN/logs/tracing-gateway-$setting.log)"
done

cat > "$RAW/tracing.settings" <<SETTINGS
warmup $WARMUP
duration $DURATION
rounds $ROUNDS
wrk -t$THREADS -c$CONNECTIONS
java_opts $JAVA_OPTS
SETTINGS

cpu_ticks() { awk '{printf "%d ", $14 + $15}' "/proc/${GATEWAY_PID[$1]}/stat" "/proc/${NODE_PID[$1]}/stat"; echo; }
for setting in "${SETTINGS[@]}"; do
  say "$setting: warm-up $WARMUP with wrk -t$THREADS -c$CONNECTIONS (discarded)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "http://$HOST:${GATEWAY_PORT[$setting]}$REQUEST_PATH" > /dev/null
done
curl -fsS "http://$HOST:$SINK_PORT/counts" > "$RAW/tracing.sink-before.json"
for round in $(seq 1 "$ROUNDS"); do
  # The order rotates: off 10 100, then 10 100 off, ...
  for k in 0 1 2; do
    setting=${SETTINGS[$(((round - 1 + k) % 3))]}
    cpu_ticks "$setting" > "$RAW/tracing.$setting.cpu-before.$round"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "http://$HOST:${GATEWAY_PORT[$setting]}$REQUEST_PATH" > "$RAW/tracing.$setting.wrk.$round"
    cpu_ticks "$setting" > "$RAW/tracing.$setting.cpu-after.$round"
    say "round $round of $ROUNDS, tracing $setting: $(awk '/Requests\/sec/ {print $2}' "$RAW/tracing.$setting.wrk.$round") req/s"
  done
done
sleep 1.5 # Brave's reporter sends what it holds every second
curl -fsS "http://$HOST:$SINK_PORT/counts" > "$RAW/tracing.sink-after.json"
for setting in "${SETTINGS[@]}"; do
  awk '/^VmRSS/{r=$2} /^VmHWM/{h=$2} END{print r "/" h}' "/proc/${GATEWAY_PID[$setting]}/status" > "$RAW/tracing.$setting.memory"
done
say "done; stopping its gateways and nodes"
