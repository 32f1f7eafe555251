#!/usr/bin/env bash
# Runs the whole mesh on this machine: a Consul dev agent with its web UI, two push-service nodes and
# the gateway, all on loopback, and any service of your own you add. Builds what it needs on first
# use, waits until every part passes its Consul health check, then prints the URLs. The processes
# keep running in the background.
#
#   deploy/run-local.sh [--service SPEC]...   start (or say what is already running)
#   deploy/run-local.sh stop                  stop everything this script started (SIGTERM, graceful)
#   deploy/run-local.sh status                show what runs
#
# Your own service: describe it once in deploy/services/NAME.conf (as deploy.sh reads it: JAR, KIND,
# PORT, CONSUL_SERVICE, and LOCAL_ARGS, the arguments that put one instance on {host}:{port}; see
# deploy/services/push-service.conf), then add it to the run with
#   --service NAME                   one instance on the description's PORT, its JAR
#   --service NAME:3101,3102         one instance per port
#   --service NAME=path/to.jar:3101  another jar (relative to where you run this script)
# or the same specs, space-separated, in LOCAL_SERVICES. Each instance gets its own free port for
# {admin_port} (its actuator). tcp services start after Consul with push-service, http ones with the
# gateway once every tcp node passes; every instance must pass in Consul as CONSUL_SERVICE. Its log: .run/logs/NAME-N.log.
#
# Settings (environment): MESH_HOST (127.0.0.1), CONSUL_HTTP_PORT (8500), GATEWAY_PORT (3000),
# GATEWAY_MANAGEMENT_PORT (9000),
# PUSH_TCP_PORTS ("3001 3002"), PUSH_HTTP_PORTS ("8081 8082"), CONSUL_INTERNAL_PORTS ("18300 18301 18302"),
# JAVA_OPTS (-Xmx256m -Xms64m -Xmn48m -XX:+UseSerialGC, as deploy/systemd/*.env), MALLOC_ARENA_MAX (2),
# LOCAL_SERVICES (services of your own, as --service takes them).
set -euo pipefail
CALLER_DIR=$PWD
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=deploy/service-descriptions.sh
. deploy/service-descriptions.sh

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

# The services this run starts, in start order once sorted by kind, with their instances' ports.
local_services=() added_services=()
declare -A local_ports=() local_admin_ports=()

run_service() { # name, ports, admin ports (space-separated, one per instance)
  local name=$1
  [[ " ${local_services[*]} " != *" $name "* ]] || fail "$name is already part of the run (push-service and main-gateway" \
    "take their ports from PUSH_TCP_PORTS, GATEWAY_PORT, ...; a service of yours once)"
  local_services+=("$name") local_ports[$name]=$2 local_admin_ports[$name]=$3
}

add_service() { # NAME[=JAR][:PORT[,PORT...]], from --service or LOCAL_SERVICES
  local spec=$1 name jar ports port admin_ports=""
  [[ "$spec" =~ ^([a-z0-9][a-z0-9-]*)(=([^:]+))?(:([0-9]+(,[0-9]+)*))?$ ]] \
    || fail "service '$spec': expected NAME, NAME:PORT[,PORT...] or NAME=JAR:PORT[,PORT...] (see the top of this script)"
  name=${BASH_REMATCH[1]} jar=${BASH_REMATCH[3]} ports=${BASH_REMATCH[5]}
  load_service "$name" || fail "service '$spec': describe it in deploy/services/$name.conf (deploy/README.md, 'A service of your own')"
  if [ -n "$jar" ]; then
    if [[ "$jar" != /* ]]; then jar="$CALLER_DIR/$jar"; fi
    service_jar[$name]=$jar
  fi
  ports=${ports:-${service_port[$name]}}
  for port in ${ports//,/ }; do admin_ports+="0 "; done   # 0: any free port
  run_service "$name" "${ports//,/ }" "$admin_ports"
  added_services+=("$name")
}

# The processes of the service's instances: NAME-1, NAME-2 ... for the nodes of a tcp service and for an
# http service with several instances, NAME for the only instance of an http service (main-gateway).
instance_name() { # name, index, count
  if [ "${service_kind[$1]}" = http ] && [ "$3" = 1 ]; then echo "$1"; else echo "$1-$(($2 + 1))"; fi
}

# Starts every instance of a service with the arguments of its description's LOCAL_ARGS.
start_service() { # name
  local name=$1 i port admin process jar local_args args=() ports admins
  read -r -a ports <<< "${local_ports[$name]}"
  read -r -a admins <<< "${local_admin_ports[$name]}"
  jar=${service_jar[$name]#"$ROOT/"}
  for i in "${!ports[@]}"; do
    port=${ports[$i]} admin=${admins[$i]:-0}
    process=$(instance_name "$name" "$i" "${#ports[@]}")
    if [ "${service_kind[$name]}" = tcp ]; then
      say "starting $name node $((i + 1)) on TCP $HOST:$port"
    else
      say "starting $process on http://$HOST:$port"
    fi
    local_args=${service_local_args[$name]//\{host\}/$HOST}
    local_args=${local_args//\{port\}/$port}
    local_args=${local_args//\{admin_port\}/$admin}
    read -r -a args <<< "$local_args"
    # shellcheck disable=SC2086
    start_process "$process" "$LOG_DIR/$process.log" java $JAVA_OPTS -jar "$jar" "${common[@]}" "${args[@]}"
  done
}

wait_for_service() { # name
  local name=$1 count what noun=instances
  count=$(wc -w <<< "${local_ports[$name]}")
  if [ "${service_kind[$name]}" = tcp ]; then noun=nodes; fi
  case "$count" in
    1) what="$name" ;;
    2) what="both $name $noun" ;;
    *) what="all $count $name $noun" ;;
  esac
  wait_for "$what passing in Consul" 120 passing_at_least "${service_consul_name[$name]}" "$count"
}

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
  local name port
  for port in "$CONSUL_HTTP_PORT" "${CONSUL_INTERNAL_PORTS[@]}" \
      $(for name in "${local_services[@]}"; do echo "${local_ports[$name]} ${local_admin_ports[$name]}"; done); do
    [ "$port" != 0 ] || continue
    port_free "$port" || fail "port $port on $HOST is in use; free it or choose other ports (see the top of this script)"
  done

  local consul
  consul=$(bash consul/install.sh | tail -n 1) || fail "no Consul binary (see consul/install.sh's message above)"

  if [ ! -f push-service/target/push-service.jar ] || [ ! -f main-gateway/target/main-gateway.jar ] \
     || [ -n "$(find pom.xml ./*/pom.xml ./*/src/main -newer main-gateway/target/main-gateway.jar -print -quit 2>/dev/null)" ]; then
    say "building the jars (./mvnw -DskipTests package)"
    ./mvnw -B -q -DskipTests package
  fi
  for name in "${local_services[@]}"; do
    [ -f "${service_jar[$name]}" ] || fail "${service_jar[$name]} (the jar of $name) is missing: build it first"
  done

  mkdir -p "$LOG_DIR"
  say "starting Consul dev agent on $HOST:$CONSUL_HTTP_PORT"
  start_process consul "$LOG_DIR/consul.log" "$consul" agent -dev -config-file=consul/config/dev.hcl \
    -bind "$HOST" -client "$HOST" -http-port "$CONSUL_HTTP_PORT" \
    -server-port "${CONSUL_INTERNAL_PORTS[0]}" -serf-lan-port "${CONSUL_INTERNAL_PORTS[1]}" \
    -serf-wan-port "${CONSUL_INTERNAL_PORTS[2]}"
  wait_for "Consul electing itself leader" 60 consul_has_leader

  # The nodes of tcp services first, passing in Consul, then the http entries that call them: an entry warms
  # up on its routes before it reports ready, and with no node in Consul yet every warm-up call fails fast.
  local common=(--spring.cloud.consul.host="$HOST" --spring.cloud.consul.port="$CONSUL_HTTP_PORT") ordered kind
  for kind in tcp http; do
    ordered=()
    for name in "${local_services[@]}"; do
      if [ "${service_kind[$name]}" = "$kind" ]; then ordered+=("$name"); fi
    done
    for name in "${ordered[@]}"; do start_service "$name"; done
    for name in "${ordered[@]}"; do wait_for_service "$name"; done
  done

  cat <<MSG

The mesh is running:
  news through the gateway   curl 'http://$HOST:$GATEWAY_PORT/fetchLatestNews'
  Consul UI                  http://$HOST:$CONSUL_HTTP_PORT/ui/dc1/services
  gateway health             http://127.0.0.1:$GATEWAY_MANAGEMENT_PORT/actuator/health
  nodes as the gateway sees  http://127.0.0.1:$GATEWAY_MANAGEMENT_PORT/actuator/mesh (as a page: .../actuator/mesh/page)
  logs                       $LOG_DIR/
MSG
  local addresses
  for name in "${added_services[@]}"; do
    addresses=""
    for port in ${local_ports[$name]}; do addresses+=" $HOST:$port"; done
    printf '  %-26s %s\n' "$name" "${service_kind[$name]}$addresses"
  done
  echo "Stop it with: deploy/run-local.sh stop"
}

action=start
requested=()
read -r -a requested <<< "${LOCAL_SERVICES:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --service) requested+=("${2:?--service NAME[=JAR][:PORT[,PORT...]]}"); shift ;;
    --service=*) requested+=("${1#--service=}") ;;
    start|stop|status) action=$1 ;;
    *) fail "unknown argument '$1' (start, stop, status, --service NAME[=JAR][:PORT,...])" ;;
  esac
  shift
done

case "$action" in
  start)
    load_service push-service || exit 1
    load_service main-gateway || exit 1
    run_service push-service "${TCP_PORTS[*]}" "${HTTP_PORTS[*]}"
    run_service main-gateway "$GATEWAY_PORT" "$GATEWAY_MANAGEMENT_PORT"
    for spec in "${requested[@]}"; do add_service "$spec"; done
    start_all ;;
  stop) stop_all ;;
  status) if [ -n "$(running_pids)" ]; then running_pids; else say "not running"; fi ;;
esac
