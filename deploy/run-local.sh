#!/usr/bin/env bash
# Runs the whole mesh on this machine: a Consul dev agent with its web UI, two push-service nodes and
# the gateway, all on loopback. Builds what it needs on first use, waits until every part passes its
# Consul health check, then prints the URLs. The processes keep running in the background.
#
#   deploy/run-local.sh          start (or say what is already running)
#   deploy/run-local.sh stop     stop everything this script started (SIGTERM, graceful)
#   deploy/run-local.sh status   show what runs
#
# Settings (environment): MESH_HOST (127.0.0.1), CONSUL_HTTP_PORT (8500), GATEWAY_PORT (3000),
# GATEWAY_MANAGEMENT_PORT (9000),
# PUSH_TCP_PORTS ("3001 3002"), PUSH_HTTP_PORTS ("8081 8082"), CONSUL_INTERNAL_PORTS ("18300 18301 18302"),
# JAVA_OPTS (-Xmx256m -Xms64m -Xmn48m -XX:+UseSerialGC, as deploy/systemd/*.env), MALLOC_ARENA_MAX (2).
set -euo pipefail
cd "$(dirname "$0")/.."

HOST="${MESH_HOST:-127.0.0.1}"
CONSUL_HTTP_PORT="${CONSUL_HTTP_PORT:-8500}"
GATEWAY_PORT="${GATEWAY_PORT:-3000}"
GATEWAY_MANAGEMENT_PORT="${GATEWAY_MANAGEMENT_PORT:-9000}"
read -r -a TCP_PORTS <<< "${PUSH_TCP_PORTS:-3001 3002}"
read -r -a HTTP_PORTS <<< "${PUSH_HTTP_PORTS:-8081 8082}"
JAVA_OPTS="${JAVA_OPTS:--Xmx256m -Xms64m -Xmn48m -XX:+UseSerialGC}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# The dev agent's serf and server RPC ports (used by Consul itself, on the same address).
read -r -a CONSUL_INTERNAL_PORTS <<< "${CONSUL_INTERNAL_PORTS:-18300 18301 18302}"
RUN_DIR=".run"
LOG_DIR="$RUN_DIR/logs"
PID_FILE="$RUN_DIR/pids"

say() { echo "run-local: $*"; }
fail() { echo "run-local: $*" >&2; exit 1; }

running_pids() {
  [ -f "$PID_FILE" ] || return 0
  while read -r name pid; do
    if kill -0 "$pid" 2>/dev/null; then echo "$name $pid"; fi
  done < "$PID_FILE"
}

stop_all() {
  [ -f "$PID_FILE" ] || { say "nothing to stop"; return 0; }
  # Stop in reverse start order: gateway and nodes deregister from Consul before Consul stops.
  tac "$PID_FILE" | while read -r name pid; do
    if kill -0 "$pid" 2>/dev/null; then
      say "stopping $name (pid $pid)"
      kill -TERM "$pid"
      for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      if kill -0 "$pid" 2>/dev/null; then say "$name did not stop within 30 s; killing it"; kill -KILL "$pid"; fi
    fi
  done
  rm -f "$PID_FILE"
  say "stopped"
}

port_free() { ! (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

start_process() { # name, log file, command...
  local name=$1 log=$2; shift 2
  "$@" > "$log" 2>&1 &
  echo "$name $!" >> "$PID_FILE"
}

passing_at_least() { # service, count
  local n
  # Count the "Service" objects, one per instance: checks carry a ServiceID too. Consul pretty-prints for curl.
  n=$(curl -fsS "http://$HOST:$CONSUL_HTTP_PORT/v1/health/service/$1?passing" 2>/dev/null | grep -o '"Service": *{' | wc -l) || return 1
  [ "$n" -ge "$2" ]
}

consul_has_leader() {
  curl -fsS "http://$HOST:$CONSUL_HTTP_PORT/v1/status/leader" 2>/dev/null | grep -q ':'
}

wait_for() { # description, seconds, command...
  local what=$1 seconds=$2; shift 2
  for _ in $(seq 1 $((seconds * 5))); do
    if "$@"; then return 0; fi
    sleep 0.2
  done
  echo "run-local: $what did not happen within $seconds s. Last lines of the logs:" >&2
  for log in "$LOG_DIR"/*.log; do echo "--- $log" >&2; tail -n 15 "$log" >&2; done
  stop_all
  exit 1
}

start_all() {
  if [ -n "$(running_pids)" ]; then
    say "already running:"; running_pids; say "stop it with deploy/run-local.sh stop"; exit 0
  fi
  rm -f "$PID_FILE"
  command -v java >/dev/null || fail "java is not installed (Java 17 or later is needed)"
  command -v curl >/dev/null || fail "curl is not installed"
  for port in "$CONSUL_HTTP_PORT" "${CONSUL_INTERNAL_PORTS[@]}" "$GATEWAY_PORT" "$GATEWAY_MANAGEMENT_PORT" "${TCP_PORTS[@]}" "${HTTP_PORTS[@]}"; do
    port_free "$port" || fail "port $port on $HOST is in use; free it or choose other ports (see the top of this script)"
  done

  local consul
  consul=$(bash consul/install.sh | tail -n 1) || fail "no Consul binary (see consul/install.sh's message above)"

  if [ ! -f push-service/target/push-service.jar ] || [ ! -f main-gateway/target/main-gateway.jar ] \
     || [ -n "$(find pom.xml */pom.xml */src/main -newer main-gateway/target/main-gateway.jar -print -quit 2>/dev/null)" ]; then
    say "building the jars (./mvnw -DskipTests package)"
    ./mvnw -B -q -DskipTests package
  fi

  mkdir -p "$LOG_DIR"
  say "starting Consul dev agent on $HOST:$CONSUL_HTTP_PORT"
  start_process consul "$LOG_DIR/consul.log" "$consul" agent -dev -config-file=consul/config/dev.hcl \
    -bind "$HOST" -client "$HOST" -http-port "$CONSUL_HTTP_PORT" \
    -server-port "${CONSUL_INTERNAL_PORTS[0]}" -serf-lan-port "${CONSUL_INTERNAL_PORTS[1]}" \
    -serf-wan-port "${CONSUL_INTERNAL_PORTS[2]}"
  wait_for "Consul electing itself leader" 60 consul_has_leader

  local common=(--spring.cloud.consul.host="$HOST" --spring.cloud.consul.port="$CONSUL_HTTP_PORT")
  for i in "${!TCP_PORTS[@]}"; do
    say "starting push-service node $((i + 1)) on TCP $HOST:${TCP_PORTS[$i]}"
    # shellcheck disable=SC2086
    start_process "push-service-$((i + 1))" "$LOG_DIR/push-service-$((i + 1)).log" \
      java $JAVA_OPTS -jar push-service/target/push-service.jar "${common[@]}" \
      --push.tcp.host="$HOST" --push.tcp.port="${TCP_PORTS[$i]}" --push.tcp.advertised-host="$HOST" \
      --server.address="$HOST" --server.port="${HTTP_PORTS[$i]}"
  done
  say "starting main-gateway on http://$HOST:$GATEWAY_PORT"
  # shellcheck disable=SC2086
  start_process main-gateway "$LOG_DIR/main-gateway.log" \
    java $JAVA_OPTS -jar main-gateway/target/main-gateway.jar "${common[@]}" \
    --server.address="$HOST" --server.port="$GATEWAY_PORT" --mesh.registration.advertised-host="$HOST" \
    --management.server.port="$GATEWAY_MANAGEMENT_PORT"

  wait_for "both push-service nodes passing in Consul" 120 passing_at_least push-service "${#TCP_PORTS[@]}"
  wait_for "main-gateway passing in Consul" 120 passing_at_least main-gateway 1

  cat <<MSG

The mesh is running:
  news through the gateway   curl 'http://$HOST:$GATEWAY_PORT/fetchLatestNews'
  Consul UI                  http://$HOST:$CONSUL_HTTP_PORT/ui/dc1/services
  gateway health             http://127.0.0.1:$GATEWAY_MANAGEMENT_PORT/actuator/health
  nodes as the gateway sees  http://127.0.0.1:$GATEWAY_MANAGEMENT_PORT/actuator/mesh
  logs                       $LOG_DIR/
Stop it with: deploy/run-local.sh stop
MSG
}

case "${1:-start}" in
  start) start_all ;;
  stop) stop_all ;;
  status) if [ -n "$(running_pids)" ]; then running_pids; else say "not running"; fi ;;
  *) fail "unknown command '$1' (start, stop or status)" ;;
esac
