#!/usr/bin/env bash
# Deploys the mesh to the servers listed in an inventory, over SSH: copies the Consul binary, the
# agent configuration, the jars, the systemd units and each host's environment files, then restarts
# the nodes ONE AT A TIME — Consul servers, Consul clients, the nodes of the tcp services, then the http
# services (gateways) — waiting for each to pass its Consul check before the next. It stops at the
# first node that does not come back.
#
#   deploy/deploy.sh [options] INVENTORY
#
#   --plan                 print what would be done, touch nothing
#   --only consul|apps     restart only the Consul agents, or only the services
#                          (every file is copied either way; the others pick it up at their next restart)
#   --consul-binary PATH   copy this consul binary (default: the one consul/install.sh provides)
#   --no-consul-binary     leave /usr/local/bin/consul on the hosts as it is
#   --timeout SECONDS      how long one node may take to pass its check (default 180)
#
# Inventory: one host per line, `#` starts a comment (see deploy/inventory.example):
#   <ssh target> <address> <role>[,<role>...] [NAME=VALUE ...]
# roles: consul-server, or a service: any name with a description deploy/services/<name>.conf (jar,
# kind, port, Consul name; push-service and main-gateway are shipped) and settings
# deploy/systemd/<name>.env. Every host runs a Consul agent: a server with the role consul-server, a
# client otherwise; each service runs as mesh-service@<name> (deploy/systemd/mesh-service@.service).
# NAME=VALUE pairs go into that host's environment files.
#
# Environment: DEPLOY_SSH_OPTS, more options for ssh (e.g. "-i ~/.ssh/deploy -p 2222"), split on
# spaces. The SSH user is root or may run `sudo -n`. The hosts need bash, curl, java 17+ at
# /usr/bin/java (for the services) and systemd.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEPLOY="$ROOT/deploy"

say() { echo "deploy: $*"; }
fail() { echo "deploy: $*" >&2; exit 1; }
usage() { sed -n '2,29s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }
# shellcheck source=deploy/service-descriptions.sh
. "$DEPLOY/service-descriptions.sh"

plan_only=false only=all timeout=180 consul_binary="" copy_consul=true inventory=""
while [ $# -gt 0 ]; do
  case "$1" in
    --plan) plan_only=true ;;
    --only) only=${2:?--only consul|apps}; shift ;;
    --consul-binary) consul_binary=${2:?--consul-binary PATH}; shift ;;
    --no-consul-binary) copy_consul=false ;;
    --timeout) timeout=${2:?--timeout SECONDS}; shift ;;
    -h|--help) usage ;;
    -*) echo "deploy: unknown option $1" >&2; usage 2 >&2 ;;
    *) [ -z "$inventory" ] || fail "one inventory only (got $inventory and $1)"; inventory=$1 ;;
  esac
  shift
done
[ -n "$inventory" ] || usage 2 >&2
[ -f "$inventory" ] || fail "no inventory file $inventory"
case "$only" in all|consul|apps) ;; *) fail "--only takes consul or apps, not '$only'" ;; esac
[[ "$timeout" =~ ^[0-9]+$ ]] || fail "--timeout takes seconds, not '$timeout'"

# --- the inventory ----------------------------------------------------------------------------------
targets=() addresses=() roles=() extras=()
services=() # the services of the inventory, in the order they first appear
line_no=0
while IFS= read -r line || [ -n "$line" ]; do
  line_no=$((line_no + 1))
  line=${line%%#*}
  where="$inventory:$line_no"
  # Words split like a shell does: NAME="a value with spaces" stays one word, without its quotes.
  words=$(xargs -r printf '%s\n' <<< "$line") || fail "$where: unbalanced quotes"
  [ -n "$words" ] || continue
  mapfile -t fields <<< "$words"
  [ ${#fields[@]} -ge 3 ] || fail "$where: expected '<ssh target> <address> <roles> [NAME=VALUE ...]'"
  [[ "${fields[1]}" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] \
    || fail "$where: '${fields[1]}' is not an IPv4 address (the host's address on the cluster's network)"
  IFS=, read -r -a host_roles <<< "${fields[2]}"
  for role in "${host_roles[@]}"; do
    [ "$role" != consul-server ] || continue
    is_described_service "$role" || fail "$where: unknown role '$role': no service description" \
      "deploy/services/$role.conf. Roles: consul-server, or a described service ($(known_services_list))"
    load_service "$role" || fail "$where: role '$role': the description above is wrong"
    [ -f "$DEPLOY/systemd/$role.env" ] \
      || fail "$where: role '$role' has no settings deploy/systemd/$role.env (its environment on the host; may hold comments only)"
    [[ " ${services[*]} " == *" $role "* ]] || services+=("$role")
  done
  for extra in "${fields[@]:3}"; do
    [[ "$extra" =~ ^[A-Za-z_][A-Za-z0-9_]*=[^\"\'\\]*$ ]] || fail "$where: '$extra' is not NAME=VALUE (quotes and backslashes only around it)"
  done
  for known in "${targets[@]}"; do [ "$known" != "${fields[0]}" ] || fail "$where: ${fields[0]} is listed twice"; done
  for known in "${addresses[@]}"; do [ "$known" != "${fields[1]}" ] || fail "$where: address ${fields[1]} is listed twice"; done
  targets+=("${fields[0]}") addresses+=("${fields[1]}") roles+=(",${fields[2]},")
  extras+=("$(printf '%s\n' "${fields[@]:3}")")
done < "$inventory"
[ ${#targets[@]} -gt 0 ] || fail "$inventory lists no host"

has_role() { [[ "${roles[$1]}" == *",$2,"* ]]; }
hosts_with() { local i; for i in "${!targets[@]}"; do if has_role "$i" "$1"; then echo "$i"; fi; done; }
hosts_without() { local i; for i in "${!targets[@]}"; do if ! has_role "$i" "$1"; then echo "$i"; fi; done; }

mapfile -t servers < <(hosts_with consul-server)
mapfile -t clients < <(hosts_without consul-server)
# The order of the services' restarts: the nodes of tcp services before the http entries that call them.
services_by_kind=()
for kind in tcp http; do
  for service in "${services[@]}"; do
    if [ "${service_kind[$service]}" = "$kind" ]; then services_by_kind+=("$service"); fi
  done
done
[ ${#servers[@]} -gt 0 ] || fail "no host has the role consul-server (three are usual)"
if (( ${#servers[@]} % 2 == 0 )); then
  say "warning: ${#servers[@]} Consul servers; an odd number (3 or 5) tolerates as many failures with fewer servers"
fi

# --- what each host gets ---------------------------------------------------------------------------
service_unit() { echo "mesh-service@$1"; } # service: the systemd unit that runs it

host_services() { # host index: its services, in restart order
  local service
  for service in "${services_by_kind[@]}"; do if has_role "$1" "$service"; then echo "$service"; fi; done
}

unit_list() { # host index: the units it runs, in start order
  local service
  echo consul
  for service in $(host_services "$1"); do service_unit "$service"; done
}

# Writes TEMPLATE with NAME=VALUE settings: a line `NAME=...` of the template is replaced, other
# settings are added at the end (systemd reads the last assignment of a name).
write_env() { # template, output, NAME=VALUE...
  local template=$1 out=$2 setting quoted=(); shift 2
  for setting in "$@"; do
    # systemd keeps a value whole between double quotes
    if [[ "$setting" == *[[:space:]]* ]]; then setting="${setting%%=*}=\"${setting#*=}\""; fi
    quoted+=("$setting")
  done
  awk -v settings="$(printf '%s\n' "${quoted[@]}")" '
    BEGIN { n = split(settings, lines, "\n"); for (i = 1; i <= n; i++) if (lines[i] != "") {
              name = substr(lines[i], 1, index(lines[i], "=") - 1); value[name] = lines[i]; order[++count] = name } }
    { name = substr($0, 1, index($0, "=") - 1)
      if ($0 !~ /^#/ && name in value) { print value[name]; done[name] = 1 } else print }
    END { header = 0
          for (i = 1; i <= count; i++) if (!(order[i] in done)) {
            if (!header) { print ""; print "# set for this host by deploy/deploy.sh (inventory)"; header = 1 }
            print value[order[i]] } }' "$template" > "$out"
}

cluster_hcl() {
  local i joins=""
  for i in "${servers[@]}"; do joins+="${joins:+, }\"${addresses[$i]}\""; done
  echo "# Written by deploy/deploy.sh from $(basename "$inventory"): the cluster's Consul servers."
  echo "retry_join = [$joins]"
  echo "bootstrap_expect = ${#servers[@]}"
}

stage_host() { # host index, folder
  local i=$1 dir=$2 unit
  local settings=()
  if [ -n "${extras[$i]}" ]; then mapfile -t settings <<< "${extras[$i]}"; fi
  mkdir -p "$dir"/{bin,consul.d,env,jars,systemd}
  if [ -n "$consul_binary" ]; then cp "$consul_binary" "$dir/bin/consul"; fi
  if has_role "$i" consul-server; then
    cp "$ROOT/consul/config/server.hcl" "$dir/consul.d/consul.hcl"
    cluster_hcl > "$dir/consul.d/cluster.hcl"
  else
    cp "$ROOT/consul/config/client.hcl" "$dir/consul.d/consul.hcl"
    # bootstrap_expect is for servers only: a client refuses to start with it
    cluster_hcl | grep -v '^bootstrap_expect' > "$dir/consul.d/cluster.hcl"
  fi
  unit_list "$i" > "$dir/units"
  cp "$DEPLOY/systemd/consul.service" "$dir/systemd/"
  write_env "$DEPLOY/systemd/consul.env" "$dir/env/consul.env" "CONSUL_BIND_ADDR=${addresses[$i]}" "${settings[@]}"
  for service in $(host_services "$i"); do
    cp "$DEPLOY/systemd/mesh-service@.service" "$dir/systemd/"
    write_env "$DEPLOY/systemd/$service.env" "$dir/env/$service.env" "${settings[@]}"
    # the unit runs /opt/consul-mesh/<service>.jar, whatever the built jar is called
    cp "${service_jar[$service]}" "$dir/jars/$service.jar"
  done
}

describe() { # host index
  echo "${targets[$1]} (${addresses[$1]}): $(unit_list "$1" | tr '\n' ' ')"
}

describe_service() { # service
  local jar=${service_jar[$1]}
  echo "$1: ${service_kind[$1]}, port ${service_port[$1]}, registers as ${service_consul_name[$1]}, ${jar#"$ROOT/"}"
}

say "inventory $inventory:"
for i in "${!targets[@]}"; do
  role=client; if has_role "$i" consul-server; then role=server; fi
  echo "  $(describe "$i")— Consul $role${extras[$i]:+; settings: $(tr '\n' ' ' <<< "${extras[$i]}")}"
done
if [ ${#services[@]} -gt 0 ]; then
  say "services:"
  for service in "${services_by_kind[@]}"; do echo "  $(describe_service "$service")"; done
fi
order="Consul servers, Consul clients"
for service in "${services_by_kind[@]}"; do order+=", $service (${service_kind[$service]})"; done
say "order of restarts: $order;"
say "one host at a time, each waiting up to $timeout s for its Consul check (restarting: $only)"
if $plan_only; then
  say "cluster.hcl for the servers:"; cluster_hcl | sed 's/^/  /'
  exit 0
fi

# --- what this machine needs -----------------------------------------------------------------------
for service in "${services[@]}"; do
  [ -f "${service_jar[$service]}" ] || fail "${service_jar[$service]#"$ROOT/"} (the jar of $service," \
    "deploy/services/$service.conf) is missing: build it, e.g. ./mvnw -B -DskipTests package"
done
if $copy_consul && [ -z "$consul_binary" ]; then
  consul_binary=$(bash "$ROOT/consul/install.sh" | tail -n 1) || fail "no consul binary (see consul/install.sh above)"
fi
if [ -n "$consul_binary" ]; then
  [ -x "$consul_binary" ] || fail "--consul-binary $consul_binary is not an executable file"
  say "Consul binary: $consul_binary ($("$consul_binary" version | head -n 1))"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/consul-mesh-deploy.XXXXXX")
# One SSH connection per host, shared by every command sent to it (each wait polls over it).
# shellcheck disable=SC2206
ssh_opts=(-o BatchMode=yes -o ConnectTimeout=10 -o ServerAliveInterval=10
          -o ControlMaster=auto -o "ControlPath=$work/ssh-%C" -o ControlPersist=120 ${DEPLOY_SSH_OPTS:-})
finish() {
  local target
  for target in "${targets[@]}"; do ssh "${ssh_opts[@]}" -O exit "$target" 2>/dev/null || true; done
  rm -rf "$work"
}
trap finish EXIT
sudo_of=()
on() { # host index, on-host.sh command...: runs deploy/on-host.sh there as root
  local i=$1; shift
  # shellcheck disable=SC2029 # the command line is built here on purpose (words without spaces)
  ssh "${ssh_opts[@]}" "${targets[$i]}" "${sudo_of[$i]}bash -s -- $*" < "$DEPLOY/on-host.sh"
}

declare -A local_sums=()
sha256_of() { # local file, into local_sums once: the jars and the binary go to several hosts
  [ -n "${local_sums[$1]:-}" ] || local_sums[$1]=$(sha256sum "$1" | cut -d' ' -f1)
}

# The big files (binary, jars) that the host already has byte for byte stay out of its stage; says
# which in $unchanged.
drop_unchanged() { # stage folder, "sum  path" lines of the host's installed files
  local stage=$1 installed=$2 file source destination kept=()
  for file in "$stage"/bin/consul "$stage"/jars/*.jar; do
    [ -f "$file" ] || continue
    case "$file" in
      */bin/consul) source=$consul_binary destination=/usr/local/bin/consul ;;
      *) source=${service_jar[$(basename "$file" .jar)]} destination=/opt/consul-mesh/$(basename "$file") ;;
    esac
    sha256_of "$source"
    if grep -qx "${local_sums[$source]}  $destination" <<< "$installed"; then rm "$file"; kept+=("$(basename "$file")"); fi
  done
  unchanged=""
  if [ ${#kept[@]} -gt 0 ]; then unchanged="${kept[*]} already there"; fi
}

# --- copy and install everywhere (nothing restarts yet) --------------------------------------------
for i in "${!targets[@]}"; do
  started=$SECONDS
  user_id=$(ssh "${ssh_opts[@]}" "${targets[$i]}" id -u) || fail "cannot reach ${targets[$i]} over ssh (ssh ${ssh_opts[*]} ${targets[$i]})"
  if [ "$user_id" = 0 ]; then sudo_of[i]=""; else sudo_of[i]="sudo -n "; fi
  stage_host "$i" "$work/$i"
  installed=$(ssh "${ssh_opts[@]}" "${targets[$i]}" "sha256sum /usr/local/bin/consul /opt/consul-mesh/*.jar 2>/dev/null" || true)
  drop_unchanged "$work/$i" "$installed"
  remote=$(ssh "${ssh_opts[@]}" "${targets[$i]}" mktemp -d /tmp/consul-mesh-deploy.XXXXXX)
  say "copying $(du -sm "$work/$i" | cut -f1) MB to ${targets[$i]}:$remote${unchanged:+ ($unchanged)}"
  tar -C "$work/$i" -cf - . | ssh "${ssh_opts[@]}" "${targets[$i]}" tar -xf - -C "$remote"
  on "$i" install "$remote"
  say "${targets[$i]} installed in $(( SECONDS - started )) s"
  rm -rf "${work:?}/$i"
done

# --- restart, one node at a time -------------------------------------------------------------------
restarted=0
roll() { # unit, wait command (without its timeout), host indexes...
  local unit=$1 wait=$2 i started; shift 2
  for i in "$@"; do
    say "restarting $unit on $(describe "$i")"
    started=$SECONDS
    on "$i" restart "$unit"
    on "$i" "$wait $timeout" || fail "$unit on ${targets[$i]} did not pass its check: rollout stopped there"
    say "$unit on ${targets[$i]} passing after $(( SECONDS - started )) s"
    restarted=$((restarted + 1))
  done
}

if [ "$only" != apps ]; then
  have_leader=false
  for i in "${servers[@]}"; do
    if [ -n "$(on "$i" leader)" ]; then have_leader=true; break; fi
  done
  if $have_leader; then
    roll consul "wait-consul server" "${servers[@]}"
  else
    # A new cluster elects its first leader only once bootstrap_expect servers run: start them all.
    say "no Consul leader yet (a new cluster): starting the ${#servers[@]} servers together"
    for i in "${servers[@]}"; do on "$i" restart consul; done
    for i in "${servers[@]}"; do
      on "$i" "wait-consul server $timeout" || fail "Consul server on ${targets[$i]} did not become healthy"
      restarted=$((restarted + 1))
    done
  fi
  roll consul "wait-consul client" "${clients[@]}"
fi
if [ "$only" != consul ]; then
  for service in "${services_by_kind[@]}"; do
    mapfile -t service_hosts < <(hosts_with "$service")
    roll "$(service_unit "$service")" "wait-service ${service_consul_name[$service]} $(service_unit "$service")" "${service_hosts[@]}"
  done
fi
say "done: $restarted node(s) restarted, every one passing its Consul check"
