#!/usr/bin/env bash
# The steps deploy.sh runs ON a target host: it sends this file over SSH (`bash -s -- COMMAND ...`),
# as root or through sudo. Needs bash, coreutils, curl and systemd on the host.
#
#   install STAGE                 put the files of a staged folder in place, create users and folders,
#                                 reload systemd and enable the units listed in STAGE/units
#   restart UNIT                  systemctl restart UNIT (mesh-service@NAME first stops and removes the
#                                 NAME.service an earlier deploy.sh installed for that service)
#   leader                        the Raft leader the local Consul agent knows ("" when none)
#   wait-consul server|client S   wait up to S seconds until the local Consul agent is healthy
#   wait-service NAME UNIT S      wait up to S seconds until the instances of the Consul service NAME
#                                 registered with the local agent pass their checks (UNIT: for the hint)
set -euo pipefail

CONSUL_HTTP="http://127.0.0.1:8500"

say() { echo "  [$(hostname)] $*"; }
fail() { echo "  [$(hostname)] $*" >&2; exit 1; }

# Replaces a file in one rename, so a running process (a JVM reading its jar) keeps the old file.
put() { # source, destination, mode, owner:group
  install -m "$3" -o "${4%%:*}" -g "${4##*:}" "$1" "$2.new"
  mv -f "$2.new" "$2"
}

ensure_user() { # name, home
  id -u "$1" >/dev/null 2>&1 && return 0
  useradd --system --user-group --home-dir "$2" --no-create-home --shell /usr/sbin/nologin "$1"
  say "created system user $1"
}

install_stage() {
  local stage=$1 file
  [ -f "$stage/units" ] || fail "$stage is not a staged deployment (no units file)"
  command -v curl >/dev/null || fail "curl is missing on this host: deploy.sh waits for Consul's checks with it"
  ensure_user consul /var/lib/consul
  ensure_user consul-mesh /opt/consul-mesh
  install -d -m 755 /etc/consul.d /etc/consul-mesh /opt/consul-mesh
  install -d -m 750 -o consul -g consul /var/lib/consul

  if [ -f "$stage/bin/consul" ]; then put "$stage/bin/consul" /usr/local/bin/consul 755 root:root; fi
  [ -x /usr/local/bin/consul ] || fail "/usr/local/bin/consul is missing: deploy without --no-consul-binary, or install Consul there"
  for file in "$stage"/consul.d/*.hcl; do put "$file" "/etc/consul.d/$(basename "$file")" 640 root:consul; done
  for file in "$stage"/env/*.env; do
    case "$(basename "$file")" in
      consul.env) put "$file" "/etc/consul-mesh/consul.env" 640 root:consul ;;
      *) put "$file" "/etc/consul-mesh/$(basename "$file")" 640 root:consul-mesh ;;
    esac
  done
  for file in "$stage"/jars/*.jar; do
    [ -e "$file" ] || continue
    put "$file" "/opt/consul-mesh/$(basename "$file")" 644 root:root
  done
  for file in "$stage"/systemd/*.service; do put "$file" "/etc/systemd/system/$(basename "$file")" 644 root:root; done
  systemctl daemon-reload
  # shellcheck disable=SC2046
  systemctl enable --quiet $(cat "$stage/units")
  say "installed $(tr '\n' ' ' < "$stage/units")"
  rm -rf "$stage"
}

# Before the template unit mesh-service@.service, deploy.sh installed one unit per service
# (push-service.service): it would hold the service's port, so it goes when the new unit first starts,
# on this host's turn in the rolling restart. A unit deploy.sh did not write is left alone.
restart_unit() { # unit
  local unit=$1 old
  if [[ "$unit" == mesh-service@* ]]; then
    old="/etc/systemd/system/${unit#mesh-service@}.service"
    if [ -f "$old" ] && grep -q 'Installed by deploy/deploy.sh' "$old"; then
      systemctl disable --now --quiet "$(basename "$old")" || true
      rm -f "$old"
      systemctl daemon-reload
      say "replaced $(basename "$old") (an earlier deploy.sh's unit) by $unit"
    fi
  fi
  systemctl restart "$unit"
}

leader() {
  local answer
  answer=$(curl -fsS -m 3 "$CONSUL_HTTP/v1/status/leader" 2>/dev/null) || answer='""'
  answer=${answer//\"/}
  echo "$answer"
}

# GET on the local agent: prints "<http status> <body>" (status 000 when it does not answer).
agent_get() { # path, [curl options...]
  local path=$1; shift
  curl -sS -m 5 -o /tmp/consul-mesh-answer.$$ -w '%{http_code}' "$@" "$CONSUL_HTTP$path" 2>/dev/null || true
  echo " $(tr -d '\n' < /tmp/consul-mesh-answer.$$ 2>/dev/null | cut -c1-400)"
  rm -f /tmp/consul-mesh-answer.$$
}

# Until the condition holds or the time is up; on time-out prints the last state and fails.
wait_until() { # what, seconds, condition function
  local what=$1 seconds=$2 condition=$3 start=$SECONDS
  while ! "$condition"; do
    if (( SECONDS - start >= seconds )); then
      fail "not $what within $seconds s; last state: $last_state. Look at: journalctl -u $unit -n 50"
    fi
    sleep 1
  done
  say "$what after $(( SECONDS - start )) s"
}

last_state="(not asked yet)"
unit=consul

# A server is healthy when it knows a leader and Autopilot reports every server healthy (this one
# included), twice over at least 3 s: Autopilot refreshes server health every few seconds, so a
# report from just before the restart cannot pass for the server being back. A rolling restart then
# never takes down a second server before the first is back.
healthy_since=""
consul_server_ready() {
  local answer
  if [ -z "$(leader)" ]; then
    last_state="this server knows no leader yet"; healthy_since=""; return 1
  fi
  answer=$(agent_get /v1/operator/autopilot/health)
  last_state="autopilot health: $answer"
  if [ "${answer%% *}" != 200 ]; then healthy_since=""; return 1; fi
  healthy_since=${healthy_since:-$SECONDS}
  (( SECONDS - healthy_since >= 3 ))
}

# A client is healthy when it reaches a leader, its node's serfHealth passes, and every check
# registered with it (the services on this host) passes again.
consul_client_ready() {
  local node answer passing='"Status": *"passing"' not_passing='"Status": *"(critical|warning)"'
  [ -n "$(leader)" ] || { last_state="no leader known to the local agent (has it joined the servers?)"; return 1; }
  node=$(curl -fsS -m 5 "$CONSUL_HTTP/v1/agent/self" | sed -n 's/.*"NodeName": *"\([^"]*\)".*/\1/p') || return 1
  answer=$(agent_get "/v1/health/node/$node" -G --data-urlencode 'filter=CheckID == "serfHealth"')
  last_state="serfHealth of node $node: $answer"
  [ "${answer%% *}" = 200 ] && [[ $answer =~ $passing ]] || return 1
  answer=$(agent_get /v1/agent/checks)
  last_state="checks registered with this agent: $answer"
  [ "${answer%% *}" = 200 ] && ! [[ $answer =~ $not_passing ]]
}

service_name=""
# The agent's own view of the service on this host: 200 when every instance passes, 503 critical,
# 429 warning, 404 when nothing of that name is registered here (yet).
service_ready() {
  local answer
  answer=$(agent_get "/v1/agent/health/service/name/$service_name")
  last_state="$service_name on this agent: $answer"
  [ "${answer%% *}" = 200 ]
}

case "${1:-}" in
  install) install_stage "${2:?staged folder}" ;;
  restart) restart_unit "${2:?unit}" ;;
  leader) leader ;;
  wait-consul)
    case "${2:-}" in
      server) wait_until "Consul server healthy (autopilot)" "${3:-180}" consul_server_ready ;;
      client) wait_until "Consul client joined, serfHealth and local checks passing" "${3:-180}" consul_client_ready ;;
      *) fail "wait-consul server|client SECONDS" ;;
    esac ;;
  wait-service)
    service_name=${2:?service name}; unit=${3:?unit}
    wait_until "$service_name passing in Consul" "${4:-180}" service_ready ;;
  *) fail "unknown command '${1:-}' (install, restart, leader, wait-consul, wait-service)" ;;
esac
