#!/usr/bin/env bash
# Warm start: how soon a freshly started gateway serves at its settled rate, with the nodes and Consul of
# a running mesh already warm. For each variant a FRESH gateway JVM (main-gateway.jar, JAVA_OPTS, no
# profiler, its shipped settings: warm-up before readiness on) is started; from the process start three
# moments are taken, polled every 50 ms: its first 200 answer, its readiness (/actuator/health/readiness
# 200 on its management port) and its Consul check's first passing. From that last moment, when callers
# start sending it traffic, wrk drives it without pause in windows of WINDOW seconds; the figure is the req/s
# of the window that starts EARLY seconds after the check passed (the first one, by default) against the last
# window's (about 90 s after it).
# Variants: the default `java` plain (the fat jar, as deployed) and with an AppCDS archive; the newer JDK
# (WARMSTART_NEW_JAVA) plain and with its AOT cache, only where that JDK exists. The archive and the cache
# come from a training run of their own (start, TRAIN_REQUESTS requests, SIGTERM: the JVM writes them at
# exit) and are used on the extracted jar (`java -Djarmode=tools -jar main-gateway.jar extract`): the JDK
# archives classes from jars on the class path only, not from jars nested in another.
#
#   bench/warmstart/warm-start.sh RUN HOST CONSUL_PORT GATEWAY_PORT MANAGEMENT_PORT REQUEST_PATH SMOKE
#
# RUN: the run directory (writes RUN/raw/warmstart.*, RUN/logs/warmstart-*.log); GATEWAY_PORT,
# MANAGEMENT_PORT: two free loopback ports for the fresh gateways (registered as main-gateway-warmstart);
# SMOKE: true or false. The archives stay in bench/target/warmstart/ (never committed).
# Settings (environment): WARMSTART_WINDOW (seconds: 5, smoke 2), WARMSTART_WINDOWS (19, smoke 5),
# WARMSTART_EARLY (seconds after the check passed of the early window: 0), WARMSTART_VARIANTS
# (which of plain cds new new-aot: all, smoke "plain cds"), WARMSTART_NEW_JAVA
# (/usr/lib/jvm/temurin-25-jdk-amd64/bin/java), WARMSTART_TRAIN_REQUESTS (500), CONNECTIONS (64), THREADS (2),
# JAVA_OPTS (-Xmx256m -Xms64m -Xmn48m -XX:+UseSerialGC). Run alone, against a running mesh (Consul and the
# push-service nodes, e.g. deploy/run-local.sh): bench/warmstart/run-alone.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -eq 7 ] || { echo "usage: $0 RUN HOST CONSUL_PORT GATEWAY_PORT MANAGEMENT_PORT REQUEST_PATH SMOKE" >&2; exit 2; }
RUN=$1 HOST=$2 CONSUL_PORT=$3 GATEWAY_PORT=$4 MANAGEMENT_PORT=$5 REQUEST_PATH=$6 SMOKE=$7
if [ "$SMOKE" = true ]; then
  WINDOW=${WARMSTART_WINDOW:-2} WINDOWS=${WARMSTART_WINDOWS:-5} EARLY=${WARMSTART_EARLY:-0}
  VARIANTS=${WARMSTART_VARIANTS:-plain cds}
else
  WINDOW=${WARMSTART_WINDOW:-5} WINDOWS=${WARMSTART_WINDOWS:-19} EARLY=${WARMSTART_EARLY:-0}
  VARIANTS=${WARMSTART_VARIANTS:-plain cds new new-aot}
fi
NEW_JAVA=${WARMSTART_NEW_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
TRAIN_REQUESTS=${WARMSTART_TRAIN_REQUESTS:-500}
CONNECTIONS=${CONNECTIONS:-64} THREADS=${THREADS:-2}
JAVA_OPTS=${JAVA_OPTS:--Xmx256m -Xms64m -Xmn48m -XX:+UseSerialGC}
RAW=$RUN/raw
DIR=bench/target/warmstart
JAR=main-gateway/target/main-gateway.jar
EXTRACTED=$DIR/extracted/main-gateway.jar
URL="http://$HOST:$GATEWAY_PORT$REQUEST_PATH"
mkdir -p "$RAW" "$RUN/logs" "$DIR"

say() { echo "bench: warm start: $*"; }
fail() { echo "bench: warm start: $*" >&2; exit 1; }

for port in "$GATEWAY_PORT" "$MANAGEMENT_PORT"; do
  ! (exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null || fail "port $port on $HOST is in use"
done

GATEWAY_PID=''
stop_gateway() { # SIGTERM (graceful: the JVM writes its archive at exit), then SIGKILL after 120 s
  [ -n "$GATEWAY_PID" ] || return 0
  kill -TERM "$GATEWAY_PID" 2>/dev/null || true
  for _ in $(seq 1 600); do kill -0 "$GATEWAY_PID" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$GATEWAY_PID" 2>/dev/null || true
  wait "$GATEWAY_PID" 2>/dev/null || true
  GATEWAY_PID=''
}
trap stop_gateway EXIT
trap 'exit 130' INT TERM

java_version() { # java -> its runtime version, e.g. 17.0.15+6-Debian-1deb12u1
  "$1" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.runtime.version/ {print $2}'
}
java_major() { "$1" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}'; }

now_ms() { date +%s%3N; }

# Starts a gateway (java, jar, extra JVM flags, log name) and waits for its Consul check's first passing; from just
# before the process started: FIRST_ANSWER_MS to its first 200 answer, READY_MS to its readiness answering 200,
# PASSING_MS to its check passing in Consul (each polled every 50 ms). PASSED_AT: the clock (ms) at that moment.
start_gateway() {
  local java=$1 jar=$2 flags=$3 log=$4 started code now
  started=$(now_ms)
  FIRST_ANSWER_MS='' READY_MS='' PASSING_MS=''
  # shellcheck disable=SC2086
  "$java" $JAVA_OPTS $flags -jar "$jar" --spring.cloud.consul.host="$HOST" --spring.cloud.consul.port="$CONSUL_PORT" \
    --server.address="$HOST" --server.port="$GATEWAY_PORT" --management.server.port="$MANAGEMENT_PORT" \
    --mesh.registration.advertised-host="$HOST" --mesh.registration.service-name=main-gateway-warmstart \
    > "$RUN/logs/$log.log" 2>&1 &
  GATEWAY_PID=$!
  while [ $(($(now_ms) - started)) -lt 300000 ]; do
    if [ -z "$FIRST_ANSWER_MS" ]; then
      code=$(curl -s -o /dev/null -w '%{http_code}' "$URL" 2>/dev/null || true)
      [ "$code" != 200 ] || FIRST_ANSWER_MS=$(($(now_ms) - started))
    fi
    if [ -z "$READY_MS" ]; then
      code=$(curl -s -o /dev/null -w '%{http_code}' "http://$HOST:$MANAGEMENT_PORT/actuator/health/readiness" 2>/dev/null || true)
      [ "$code" != 200 ] || READY_MS=$(($(now_ms) - started))
    fi
    # Consul's passing instances of the service: this gateway's port among them.
    if curl -fsS "http://$HOST:$CONSUL_PORT/v1/health/service/main-gateway-warmstart?passing" 2>/dev/null \
        | grep -Eq "\"Port\": *$GATEWAY_PORT([^0-9]|\$)"; then
      now=$(now_ms)
      PASSING_MS=$((now - started)) PASSED_AT=$now
      FIRST_ANSWER_MS=${FIRST_ANSWER_MS:-$PASSING_MS} READY_MS=${READY_MS:-$PASSING_MS}
      return 0
    fi
    kill -0 "$GATEWAY_PID" 2>/dev/null || { tail -n 30 "$RUN/logs/$log.log" >&2; fail "the gateway ($log) stopped"; }
    sleep 0.05
  done
  fail "the gateway ($log) did not pass its Consul check within 300 s (see $RUN/logs/$log.log)"
}

# A training run: start with the flag that writes the archive, TRAIN_REQUESTS requests, SIGTERM.
train() { # java, flag, archive, log name
  local java=$1 flag=$2 archive=$3 log=$4
  rm -f "$archive"
  say "training run for $archive ($TRAIN_REQUESTS requests, then SIGTERM)"
  start_gateway "$java" "$EXTRACTED" "$flag" "$log"
  for _ in $(seq 1 "$TRAIN_REQUESTS"); do echo "url = \"$URL\""; echo "output = /dev/null"; done > "$DIR/train.curl"
  curl -fsS -K "$DIR/train.curl" || say "warning: a training request failed"
  stop_gateway
  [ -s "$archive" ]
}

if [ ! -f "$EXTRACTED" ] || [ "$JAR" -nt "$EXTRACTED" ]; then
  rm -rf "$DIR/extracted"
  java -Djarmode=tools -jar "$JAR" extract --destination "$DIR/extracted" > /dev/null
fi

DEFAULT_MAJOR=$(java_major java)
NEW_MAJOR=''
if [ -x "$NEW_JAVA" ]; then NEW_MAJOR=$(java_major "$NEW_JAVA"); fi
cat > "$RAW/warmstart.settings" <<SETTINGS
window $WINDOW
windows $WINDOWS
early $EARLY
train_requests $TRAIN_REQUESTS
wrk -t$THREADS -c$CONNECTIONS
java_opts $JAVA_OPTS
default_java $(java_version java)
new_java ${NEW_MAJOR:+$(java_version "$NEW_JAVA")}
SETTINGS
: > "$RAW/warmstart.skipped"
: > "$RAW/warmstart.variants"

measure() { # variant id, java, jar, flags, what it is
  local id=$1 java=$2 jar=$3 flags=$4 what=$5 window offset rps first
  say "$id ($what): fresh gateway, then wrk in ${WINDOWS} windows of ${WINDOW} s"
  start_gateway "$java" "$jar" "$flags" "warmstart-$id"
  first=$PASSED_AT
  echo "$id" >> "$RAW/warmstart.variants"
  {
    echo "java $(java_version "$java")"
    echo "what $what"
    echo "flags ${flags:-none}"
    echo "first_answer_ms $FIRST_ANSWER_MS"
    echo "ready_ms $READY_MS"
    echo "passing_ms $PASSING_MS"
    # The library's own line: "warm-up done in N ms (...)".
    echo "warm_up_ms $(sed -n 's/.*warm-up done in \([0-9]*\) ms.*/\1/p' "$RUN/logs/warmstart-$id.log" | head -n 1)"
    # Spring Boot's own line: "Started ... in X seconds (process running for Y)".
    echo "spring_started_s $(sed -n 's/.*process running for \([0-9.]*\)).*/\1/p' "$RUN/logs/warmstart-$id.log" | head -n 1)"
  } > "$RAW/warmstart.$id.info"
  : > "$RAW/warmstart.$id.windows"
  for window in $(seq 1 "$WINDOWS"); do
    offset=$(($(now_ms) - first))
    [ "$window" != 1 ] || echo "load_average $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RAW/warmstart.$id.info"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WINDOW}s" "$URL" > "$RAW/warmstart.$id.wrk.$window"
    rps=$(awk '/Requests\/sec/ {print $2}' "$RAW/warmstart.$id.wrk.$window")
    echo "$window $offset $rps" >> "$RAW/warmstart.$id.windows"
  done
  echo "memory $(awk '/^VmRSS/{r=$2} /^VmHWM/{h=$2} END{print r "/" h}' "/proc/$GATEWAY_PID/status")" >> "$RAW/warmstart.$id.info"
  echo "load_average_end $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RAW/warmstart.$id.info"
  say "$id: first answer after $FIRST_ANSWER_MS ms, ready after $READY_MS ms, Consul check passing after $PASSING_MS ms;" \
    "req/s by window from then: $(awk '{printf "%s ", int($3)}' "$RAW/warmstart.$id.windows")"
  say "$id: $(awk -v early="$EARLY" -v window="$WINDOW" -v passing="$PASSING_MS" '
    $2 / 1000 >= early - 0.5 && e == "" { e = $3; es = $2 / 1000 } { l = $3; ls = $2 / 1000 }
    END { printf "start to passing %.1f s; req/s %.1f-%.1f s after passing %d, at %.0f s %d: %.2fx", passing / 1000, es, es + window, e, ls, l, (l > 0 ? e / l : 0) }' \
    "$RAW/warmstart.$id.windows")"
  stop_gateway
}

for variant in $VARIANTS; do
  case "$variant" in
    plain) measure "jdk$DEFAULT_MAJOR" java "$JAR" '' "JDK $DEFAULT_MAJOR, the fat jar" ;;
    cds)
      if train java "-XX:ArchiveClassesAtExit=$DIR/jdk$DEFAULT_MAJOR.jsa" "$DIR/jdk$DEFAULT_MAJOR.jsa" "warmstart-jdk$DEFAULT_MAJOR-cds-training"; then
        measure "jdk$DEFAULT_MAJOR-cds" java "$EXTRACTED" "-XX:SharedArchiveFile=$DIR/jdk$DEFAULT_MAJOR.jsa -Xlog:cds=info:file=$RUN/logs/warmstart-jdk$DEFAULT_MAJOR-cds.cds.log" \
          "JDK $DEFAULT_MAJOR, extracted jar, AppCDS archive"
      else
        echo "jdk$DEFAULT_MAJOR-cds the training run wrote no archive (see $RUN/logs/warmstart-jdk$DEFAULT_MAJOR-cds-training.log)" >> "$RAW/warmstart.skipped"
      fi ;;
    new|new-aot)
      if [ -z "$NEW_MAJOR" ]; then
        echo "$variant no JDK at $NEW_JAVA (WARMSTART_NEW_JAVA): skipped" >> "$RAW/warmstart.skipped"
        say "no JDK at $NEW_JAVA: $variant skipped"
      elif [ "$variant" = new ]; then
        measure "jdk$NEW_MAJOR" "$NEW_JAVA" "$JAR" '' "JDK $NEW_MAJOR, the fat jar"
      elif train "$NEW_JAVA" "-XX:AOTCacheOutput=$DIR/jdk$NEW_MAJOR.aot" "$DIR/jdk$NEW_MAJOR.aot" "warmstart-jdk$NEW_MAJOR-aot-training"; then
        measure "jdk$NEW_MAJOR-aot" "$NEW_JAVA" "$EXTRACTED" "-XX:AOTCache=$DIR/jdk$NEW_MAJOR.aot" "JDK $NEW_MAJOR, extracted jar, AOT cache"
      else
        echo "jdk$NEW_MAJOR-aot the training run wrote no AOT cache (see $RUN/logs/warmstart-jdk$NEW_MAJOR-aot-training.log)" >> "$RAW/warmstart.skipped"
      fi ;;
    *) fail "unknown variant '$variant' in WARMSTART_VARIANTS (plain cds new new-aot)" ;;
  esac
done
say "done"
