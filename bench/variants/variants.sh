# shellcheck shell=bash
# Variants of the gateway side by side, for the parts that compare settings or builds of it (tracing/, traffic/):
# each variant gets a push-service node and a gateway of its own (fresh JVMs, JAVA_OPTS, no
# profiler), registered in the running mesh's Consul under names of their own (push-PART-LABEL,
# main-gateway-PART-LABEL), the gateway calling that node only. Each gateway is ready once it answers
# REQUEST_PATH with 200 (it found its node in Consul and got an answer from it), is warmed up with wrk
# until its rate settles (bench/lib/warm-up.sh; discarded), then ROUNDS saturation rounds take turns between the variants, the order rotating each round,
# so that what else the machine does weighs on each alike.
#
# Sourced by a part's script (which has `set -euo pipefail`):
#   source bench/variants/variants.sh
#   variants_setup PART RUN HOST CONSUL_PORT FIRST_PORT REQUEST_PATH
#   variant LABEL GATEWAY_JAR NODE_JAR GATEWAY_ARGS NODE_ARGS     (once per variant; ARGS split at spaces)
#   variants_start; variants_warm_up; variants_rounds; variants_memory
# variants_setup sets the EXIT trap: every process started through variants_start (and any given to
# variants_track) is stopped on exit, also on failure: the gateways first, then the nodes (SIGTERM, so
# they deregister), then the tracked ones. Variant i (from 0) takes ports FIRST_PORT + 4i to FIRST_PORT + 4i + 3:
# the gateway's http and management ports, the node's tcp and http ports.
# Settings (environment, read by variants_setup): WARMUP (the first stretch of the warm-up) and DURATION
# (wrk's -d), WARMUP_MAX (the warm-up's 10 s steps at most: 0s for none), ROUNDS, CONNECTIONS (64),
# THREADS (2), JAVA_OPTS (-Xmx256m -Xms64m -Xmn48m -XX:+UseSerialGC).
# Writes RUN/raw/PART.settings, PART.variants (the labels in order), PART.LABEL.info, per round
# PART.warm-up (each warm-up step), PART.LABEL.wrk.ROUND with PART.LABEL.cpu-before.ROUND and cpu-after (gateway=TICKS node=TICKS, utime+stime
# from /proc), PART.LABEL.memory (the gateway's VmRSS/VmHWM in kB after the rounds); logs in
# RUN/logs/PART-{gateway,node}-LABEL.log.

variants_setup() { # PART RUN HOST CONSUL_PORT FIRST_PORT REQUEST_PATH
  V_PART=$1 V_RUN=$2 V_HOST=$3 V_CONSUL_PORT=$4 V_FIRST_PORT=$5 V_REQUEST_PATH=$6
  V_RAW=$V_RUN/raw
  V_WARMUP=${WARMUP:?} V_WARMUP_MAX=${WARMUP_MAX:?} V_DURATION=${DURATION:?} V_ROUNDS=${ROUNDS:?}
  V_CONNECTIONS=${CONNECTIONS:-64} V_THREADS=${THREADS:-2}
  V_JAVA_OPTS=${JAVA_OPTS:--Xmx256m -Xms64m -Xmn48m -XX:+UseSerialGC}
  V_LABELS=() V_TRACKED=() V_STARTED=()
  declare -gA V_GATEWAY_JAR V_NODE_JAR V_GATEWAY_ARGS V_NODE_ARGS V_PORT V_GATEWAY_PID V_NODE_PID
  mkdir -p "$V_RAW" "$V_RUN/logs"
  trap variants_stop EXIT
  trap 'exit 130' INT TERM
}

variants_say() { echo "bench: $V_PART: $*"; }
variants_fail() { echo "bench: $V_PART: $*" >&2; exit 1; }

variant() { # LABEL GATEWAY_JAR NODE_JAR GATEWAY_ARGS NODE_ARGS
  [ -f "$2" ] || variants_fail "variant $1: no gateway jar at $2"
  [ -f "$3" ] || variants_fail "variant $1: no node jar at $3"
  V_PORT[$1]=$((V_FIRST_PORT + 4 * ${#V_LABELS[@]}))
  V_LABELS+=("$1")
  V_GATEWAY_JAR[$1]=$2 V_NODE_JAR[$1]=$3 V_GATEWAY_ARGS[$1]=$4 V_NODE_ARGS[$1]=$5
}

variants_track() { V_TRACKED+=("$@"); } # more processes of the part, stopped last

variants_stop() {
  local pid
  for pid in "${V_STARTED[@]}" "${V_TRACKED[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${V_STARTED[@]}" "${V_TRACKED[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}

variants_start() { # every node and gateway at once, then waits until each gateway answers (at most 180 s)
  local label port last=$((V_FIRST_PORT + 4 * ${#V_LABELS[@]} - 1)) gateway_args node_args ok pid
  for port in $(seq "$V_FIRST_PORT" "$last"); do
    ! (exec 3<>"/dev/tcp/$V_HOST/$port") 2>/dev/null || variants_fail "port $port on $V_HOST is in use"
  done
  {
    echo "warmup $V_WARMUP"; echo "warmup_max $V_WARMUP_MAX"; echo "duration $V_DURATION"; echo "rounds $V_ROUNDS"
    echo "wrk -t$V_THREADS -c$V_CONNECTIONS"; echo "java_opts $V_JAVA_OPTS"
  } > "$V_RAW/$V_PART.settings"
  echo "${V_LABELS[*]}" > "$V_RAW/$V_PART.variants"
  for label in "${V_LABELS[@]}"; do
    port=${V_PORT[$label]}
    read -r -a gateway_args <<< "${V_GATEWAY_ARGS[$label]}"
    read -r -a node_args <<< "${V_NODE_ARGS[$label]}"
    {
      echo "gateway_jar ${V_GATEWAY_JAR[$label]}"; echo "node_jar ${V_NODE_JAR[$label]}"
      echo "gateway_args ${gateway_args[*]}"; echo "node_args ${node_args[*]}"
    } > "$V_RAW/$V_PART.$label.info"
    variants_say "$label: starting a push-service node (tcp $((port + 2))) and a gateway (http $port)"
    # shellcheck disable=SC2086
    java $V_JAVA_OPTS -jar "${V_NODE_JAR[$label]}" --spring.cloud.consul.host="$V_HOST" \
      --spring.cloud.consul.port="$V_CONSUL_PORT" --push.tcp.host="$V_HOST" --push.tcp.port=$((port + 2)) \
      --push.tcp.advertised-host="$V_HOST" --server.address="$V_HOST" --server.port=$((port + 3)) \
      --mesh.registration.service-name="push-$V_PART-$label" "${node_args[@]}" \
      > "$V_RUN/logs/$V_PART-node-$label.log" 2>&1 &
    V_NODE_PID[$label]=$!
    # shellcheck disable=SC2086
    java $V_JAVA_OPTS -jar "${V_GATEWAY_JAR[$label]}" --spring.cloud.consul.host="$V_HOST" \
      --spring.cloud.consul.port="$V_CONSUL_PORT" --server.address="$V_HOST" --server.port="$port" \
      --management.server.port=$((port + 1)) --mesh.registration.advertised-host="$V_HOST" \
      --mesh.registration.service-name="main-gateway-$V_PART-$label" --gateway.news.service="push-$V_PART-$label" \
      "${gateway_args[@]}" > "$V_RUN/logs/$V_PART-gateway-$label.log" 2>&1 &
    V_GATEWAY_PID[$label]=$!
    V_STARTED=("${V_GATEWAY_PID[$label]}" "${V_STARTED[@]}" "${V_NODE_PID[$label]}")
  done
  for label in "${V_LABELS[@]}"; do
    ok=false
    for _ in $(seq 1 900); do
      if curl -fsS -o /dev/null "http://$V_HOST:${V_PORT[$label]}$V_REQUEST_PATH" 2>/dev/null; then ok=true; break; fi
      for pid in "${V_GATEWAY_PID[$label]}" "${V_NODE_PID[$label]}"; do
        kill -0 "$pid" 2>/dev/null || { tail -n 30 "$V_RUN"/logs/"$V_PART"-*-"$label".log >&2; variants_fail "a JVM of variant $label stopped"; }
      done
      sleep 0.2
    done
    $ok || variants_fail "the gateway of variant $label did not answer within 180 s (see $V_RUN/logs/$V_PART-gateway-$label.log)"
  done
}

variants_url() { echo "http://$V_HOST:${V_PORT[$1]}$V_REQUEST_PATH"; }

# shellcheck source=bench/lib/warm-up.sh
source bench/lib/warm-up.sh

variants_warm_up() {
  local label
  for label in "${V_LABELS[@]}"; do
    THREADS=$V_THREADS CONNECTIONS=$V_CONNECTIONS \
      warm_up_until_steady "$label" "$(variants_url "$label")" "$V_WARMUP" "$V_WARMUP_MAX" "$V_RAW/$V_PART.warm-up"
    variants_say "$label: warmed up with wrk -t$V_THREADS -c$V_CONNECTIONS ($V_WARMUP + $WARMED_STEPS_SECONDS s of steps; discarded)"
  done
}

variants_cpu_ticks() { # LABEL -> gateway=TICKS node=TICKS
  awk '{printf "%s=%d ", FILENAME == ARGV[1] ? "gateway" : "node", $14 + $15} END {print ""}' \
    "/proc/${V_GATEWAY_PID[$1]}/stat" "/proc/${V_NODE_PID[$1]}/stat"
}

variants_rounds() {
  local round k label n=${#V_LABELS[@]} out
  for round in $(seq 1 "$V_ROUNDS"); do
    for k in $(seq 0 $((n - 1))); do
      label=${V_LABELS[$(((round - 1 + k) % n))]}
      out=$V_RAW/$V_PART.$label
      variants_cpu_ticks "$label" > "$out.cpu-before.$round"
      wrk -t"$V_THREADS" -c"$V_CONNECTIONS" -d"$V_DURATION" "$(variants_url "$label")" > "$out.wrk.$round"
      variants_cpu_ticks "$label" > "$out.cpu-after.$round"
      variants_say "round $round of $V_ROUNDS, $label: $(awk '/Requests\/sec/ {print $2}' "$out.wrk.$round") req/s"
    done
  done
}

variants_memory() {
  local label
  for label in "${V_LABELS[@]}"; do
    awk '/^VmRSS/{r=$2} /^VmHWM/{h=$2} END{print r "/" h}' "/proc/${V_GATEWAY_PID[$label]}/status" > "$V_RAW/$V_PART.$label.memory"
  done
}
