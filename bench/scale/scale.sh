#!/usr/bin/env bash
# Scale: the gateway's CPU per request and its memory with 1, 2, 4, 8 and 16 nodes. The nodes are
# lightweight servers of the project's own transport, all in one JVM (bench/scale/ScaleNodes.java),
# registered in Consul as service push-scale; a gateway of its own (main-gateway.jar, JAVA_OPTS, started
# here and stopped at the end) calls them, so that its memory and CPU belong to this phase alone.
# For each size: wait until the gateway has exactly that many nodes in rotation, a warm-up at the fixed
# rate (discarded), then the fixed rate with vegeta while the gateway's CPU ticks are read before and after;
# the sizes going up, then coming down, then up again... one way per pass. Each size's figure is the
# median of its passes (bench/report.py).
#
#   bench/scale/scale.sh RUN LIBS HOST CONSUL_PORT GATEWAY_PORT MANAGEMENT_PORT REQUEST_PATH SMOKE VEGETA ITEMS
#
# RUN: the run directory (writes RUN/raw/scale.*, RUN/logs/scale-*.log); LIBS: the folder of the gateway's
# jars (BOOT-INF/lib of main-gateway.jar); GATEWAY_PORT, MANAGEMENT_PORT: two free loopback ports for the
# phase's gateway; SMOKE: true or false; VEGETA: the vegeta binary; ITEMS: the JSON array of news items
# the real nodes serve (when RUN/body.json holds the real nodes' answer to REQUEST_PATH, the answer through
# the scale nodes must be the same JSON).
# Settings (environment): SCALE_SIZES ("1 2 4 8 16", smoke "1 2"), SCALE_RATE (req/s, 500; smoke 100),
# SCALE_STEADY_CHUNK (seconds: 10, smoke 2) and SCALE_STEADY_MAX (chunks: 18, smoke 1): the fresh gateway is
# first driven at the rate in chunks until it is steady — its JIT compiled for under 2% of a chunk (jstat)
# and its CPU per request moved by under 5% from the chunk before — or the maximum is reached; SCALE_WARMUP (5s, smoke 1s, before each size), SCALE_DURATION (15s per pass, smoke 3s), SCALE_PASSES (4: sizes up, down, up, down; 1: up only, the
# smoke default), JAVA_OPTS (-Xmx256m, for the gateway and the nodes' JVM).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -eq 10 ] || { echo "usage: $0 RUN LIBS HOST CONSUL_PORT GATEWAY_PORT MANAGEMENT_PORT REQUEST_PATH SMOKE VEGETA ITEMS" >&2; exit 2; }
RUN=$1 LIBS=$2 HOST=$3 CONSUL_PORT=$4 GATEWAY_PORT=$5 MANAGEMENT_PORT=$6 REQUEST_PATH=$7 SMOKE=$8 VEGETA=$9 ITEMS=${10}
if [ "$SMOKE" = true ]; then
  SIZES=${SCALE_SIZES:-1 2} RATE=${SCALE_RATE:-100} STEADY_CHUNK=${SCALE_STEADY_CHUNK:-2} STEADY_MAX=${SCALE_STEADY_MAX:-1}
  WARMUP=${SCALE_WARMUP:-1s} DURATION=${SCALE_DURATION:-3s} PASSES=${SCALE_PASSES:-1}
else
  SIZES=${SCALE_SIZES:-1 2 4 8 16} RATE=${SCALE_RATE:-500} STEADY_CHUNK=${SCALE_STEADY_CHUNK:-10} STEADY_MAX=${SCALE_STEADY_MAX:-18}
  WARMUP=${SCALE_WARMUP:-5s} DURATION=${SCALE_DURATION:-15s} PASSES=${SCALE_PASSES:-4}
fi
JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
SERVICE=push-scale
RAW=$RUN/raw
CLASSES=bench/target/scale/classes
MESH_URL="http://$HOST:$MANAGEMENT_PORT/actuator/mesh"
mkdir -p "$RAW" "$RUN/logs"

say() { echo "bench: scale: $*"; }
fail() { echo "bench: scale: $*" >&2; exit 1; }

for port in "$GATEWAY_PORT" "$MANAGEMENT_PORT"; do
  ! (exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null || fail "port $port on $HOST is in use"
done

# The nodes answer with push-service's own classes (its query rules and paging), taken from its jar.
PUSH_CLASSES=bench/target/scale/push-service
if [ ! -d "$PUSH_CLASSES/BOOT-INF/classes" ] || [ push-service/target/push-service.jar -nt "$PUSH_CLASSES/BOOT-INF/classes" ]; then
  rm -rf "$PUSH_CLASSES"; mkdir -p "$PUSH_CLASSES"
  (cd "$PUSH_CLASSES" && unzip -q -o "$OLDPWD/push-service/target/push-service.jar" 'BOOT-INF/classes/dev/*')
fi
CLASSPATH_NODES="$LIBS/*:$PUSH_CLASSES/BOOT-INF/classes"
if [ ! -f "$CLASSES/ScaleNodes.class" ] || [ bench/scale/ScaleNodes.java -nt "$CLASSES/ScaleNodes.class" ] \
   || [ -n "$(find "$LIBS" "$PUSH_CLASSES" -newer "$CLASSES/ScaleNodes.class" -print -quit)" ]; then
  rm -rf "$CLASSES"; mkdir -p "$CLASSES"
  javac -d "$CLASSES" -cp "$CLASSPATH_NODES" bench/scale/ScaleNodes.java
fi

# Every process started here is stopped on exit, also on failure: the nodes first (end of their input
# deregisters them; SIGTERM does too), then the gateway.
NODES_PID='' GATEWAY_PID=''
FIFO=$RUN/scale-nodes.in
cleanup() {
  exec 4>&- # the end of the nodes' input: they deregister and stop
  stop_pid "$NODES_PID" 50
  [ -z "$GATEWAY_PID" ] || kill -TERM "$GATEWAY_PID" 2>/dev/null || true
  stop_pid "$GATEWAY_PID" 75
  rm -f "$FIFO"
}
stop_pid() { # pid, how many 0.2 s steps to wait before SIGTERM, and again before SIGKILL
  [ -n "$1" ] || return 0
  for _ in $(seq 1 "$2"); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 "$2"); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$1" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -f "$FIFO"; mkfifo "$FIFO"
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$CLASSPATH_NODES:$CLASSES" ScaleNodes "$HOST" "$CONSUL_PORT" "$SERVICE" "$HOST" "$ITEMS" \
  < "$FIFO" > "$RUN/logs/scale-nodes.log" 2>&1 &
NODES_PID=$!
exec 4> "$FIFO"

say "starting a gateway for $SERVICE on $HOST:$GATEWAY_PORT ($JAVA_OPTS)"
# shellcheck disable=SC2086
java $JAVA_OPTS -jar main-gateway/target/main-gateway.jar --spring.cloud.consul.host="$HOST" \
  --spring.cloud.consul.port="$CONSUL_PORT" --server.address="$HOST" --server.port="$GATEWAY_PORT" \
  --management.server.port="$MANAGEMENT_PORT" --mesh.registration.advertised-host="$HOST" \
  --mesh.registration.service-name=main-gateway-scale --gateway.news.service="$SERVICE" \
  > "$RUN/logs/scale-gateway.log" 2>&1 &
GATEWAY_PID=$!
for _ in $(seq 1 600); do
  curl -fsS -o /dev/null "$MESH_URL" 2>/dev/null && break
  kill -0 "$GATEWAY_PID" 2>/dev/null || { tail -n 30 "$RUN/logs/scale-gateway.log" >&2; fail "the gateway stopped"; }
  sleep 0.2
done

cpu_ticks() { echo "main-gateway=$(awk '{print $14 + $15}' "/proc/$GATEWAY_PID/stat") scale-nodes=$(awk '{print $14 + $15}' "/proc/$NODES_PID/stat")"; }
memory() {
  local pid name out=""
  for name in main-gateway scale-nodes; do
    pid=$GATEWAY_PID; [ "$name" = scale-nodes ] && pid=$NODES_PID
    out+="$name=$(awk '/^VmRSS/{r=$2} /^VmHWM/{h=$2} END{print r "/" h}' "/proc/$pid/status") "
  done
  echo "$out"
}
in_rotation() { # size: the gateway lists exactly SIZE nodes of the service, all healthy (and no other)
  curl -fsS "$MESH_URL" 2>/dev/null | python3 -c '
import json, sys
status = json.load(sys.stdin)["services"].get(sys.argv[1])
size = int(sys.argv[2])
sys.exit(0 if status and status["usable"] == size and status["listed"] == size
         and sum(n["state"] == "healthy" for n in status["nodes"]) == size == len(status["nodes"]) else 1)' "$SERVICE" "$1"
}
attack() { # duration, output
  echo "GET http://$HOST:$GATEWAY_PORT$REQUEST_PATH" | "$VEGETA" attack -rate="$RATE/s" -duration="$1" -timeout=10s \
    -max-workers=512 | "$VEGETA" encode --to csv > "$2"
}

jit_seconds() { # the gateway JVM's total JIT compilation time so far (jstat), or nothing without jstat
  if command -v jstat >/dev/null; then jstat -compiler "$GATEWAY_PID" 2>/dev/null | awk 'NR == 2 {print $4}'; fi
}
warm_until_steady() { # chunks at the rate until the gateway is steady; one line per chunk in raw/scale.steady
  local chunk before jit_before jit requests previous='' now
  for chunk in $(seq 1 "$STEADY_MAX"); do
    before=$(awk '{print $14 + $15}' "/proc/$GATEWAY_PID/stat")
    jit_before=$(jit_seconds)
    attack "${STEADY_CHUNK}s" "$RUN/scale-chunk.csv"
    requests=$(wc -l < "$RUN/scale-chunk.csv")
    now=$(awk -v b="$before" -v r="$requests" '{printf "%.1f", ($14 + $15 - b) * 10000 / (r > 0 ? r : 1)}' "/proc/$GATEWAY_PID/stat")
    jit=$(awk -v a="${jit_before:-0}" -v b="$(jit_seconds)" 'BEGIN {printf "%.2f", b - a}')
    echo "$chunk $requests $now $jit" >> "$RAW/scale.steady"
    say "warm-up chunk $chunk: $now CPU ticks per 10k requests, $jit s of JIT compilation"
    # Steady: the JIT compiled for under 2% of the chunk, and the CPU per request moved by under 5%.
    if [ -n "$previous" ] && awk -v a="$previous" -v b="$now" -v j="$jit" -v c="$STEADY_CHUNK" \
         'BEGIN {d = a - b; if (d < 0) d = -d; exit !(d < 0.05 * a && j < 0.02 * c)}'; then
      break
    fi
    previous=$now
  done
  rm -f "$RUN/scale-chunk.csv"
}

cat > "$RAW/scale.settings" <<SETTINGS
sizes $SIZES
rate $RATE
steady_chunk $STEADY_CHUNK
steady_max $STEADY_MAX
warmup $WARMUP
duration $DURATION
passes $PASSES
java_opts $JAVA_OPTS
SETTINGS

# The passes go up, then down, then up again (1 2 4 8 16 16 8 4 2 1 1 2 ...): a drift over time (the JIT
# still compiling, the machine's other load) weighs on every size alike instead of on the first.
DOWN=$(echo "$SIZES" | tr ' ' '\n' | tac | tr '\n' ' ')
ORDER=""
for p in $(seq 1 "$PASSES"); do
  if [ $((p % 2)) = 1 ]; then ORDER="$ORDER $SIZES"; else ORDER="$ORDER $DOWN"; fi
done
first=true
declare -A pass
for size in $ORDER; do
  pass[$size]=$(( ${pass[$size]:-0} + 1 ))
  p=${pass[$size]}
  echo "$size" >&4
  ok=false
  for _ in $(seq 1 300); do
    # A call makes the gateway watch the service; afterwards it keeps the nodes' connections in use.
    curl -s -o /dev/null "http://$HOST:$GATEWAY_PORT$REQUEST_PATH" || true
    if in_rotation "$size"; then ok=true; break; fi
    sleep 0.2
  done
  $ok || fail "the gateway did not have exactly $size node(s) of $SERVICE in rotation within 60 s (see $MESH_URL)"
  if $first && [ -f "$RUN/body.json" ]; then
    curl -fsS "http://$HOST:$GATEWAY_PORT$REQUEST_PATH" -o "$RUN/body-scale.json"
    python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' \
      "$RUN/body.json" "$RUN/body-scale.json" \
      || fail "the answer through the scale nodes differs from the real nodes' ($RUN/body.json, $RUN/body-scale.json)"
  fi
  if $first; then
    say "$size node(s) in rotation; the fresh gateway at $RATE req/s in chunks of $STEADY_CHUNK s until it is steady"
    warm_until_steady
    first=false
  fi
  say "$size node(s) in rotation (pass $p); warm-up $WARMUP, then $RATE req/s for $DURATION"
  attack "$WARMUP" /dev/null
  curl -fsS "$MESH_URL" > "$RAW/scale.$size.$p.mesh-before.json"
  cpu_ticks > "$RAW/scale.$size.$p.cpu-before"
  attack "$DURATION" "$RAW/scale.$size.$p.vegeta.csv"
  cpu_ticks > "$RAW/scale.$size.$p.cpu-after"
  memory > "$RAW/scale.$size.$p.memory"
  curl -fsS "$MESH_URL" > "$RAW/scale.$size.$p.mesh-after.json"
  in_rotation "$size" || say "warning: the gateway no longer had exactly $size node(s) in rotation after the run"
done
say "done; stopping the nodes (they deregister) and the gateway"
