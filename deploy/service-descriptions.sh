# shellcheck shell=bash
# Service descriptions (deploy/services/<name>.conf), read by deploy.sh and run-local.sh: sourced by
# both, so a service is described once and both scripts read it the same way. Needs bash 4.
#
# A description is KEY=VALUE lines (# starts a comment; a value may be in double quotes). Read, never
# run: a description cannot execute anything on the machine that deploys.
#   JAR             the jar, relative to the repository's root or absolute (required)
#   KIND            tcp (a node the mesh's TCP transport calls) or http (an entry, e.g. a gateway) (required)
#   PORT            the port it listens on and registers in Consul (required)
#   CONSUL_SERVICE  the name it registers in Consul (default: the service's name)
#   LOCAL_ARGS      run-local.sh's arguments for one instance: {host}, {port}, {admin_port} are replaced
#
# The caller sets ROOT (the repository's root) before sourcing this file.

SERVICES_DIR="$ROOT/deploy/services"

declare -A service_jar=() service_kind=() service_port=() service_consul_name=() service_local_args=()

# The names of the described services, one a line, sorted.
known_services() {
  local file
  for file in "$SERVICES_DIR"/*.conf; do
    [ -f "$file" ] && basename "$file" .conf
  done
}

# "push-service, main-gateway" for an error message.
known_services_list() {
  known_services | paste -sd, - | sed 's/,/, /g'
}

is_described_service() { # name
  [[ "$1" =~ ^[a-z0-9][a-z0-9-]*$ ]] && [ -f "$SERVICES_DIR/$1.conf" ]
}

# Reads deploy/services/NAME.conf into service_jar[NAME], service_kind[NAME], ... (once). On a wrong
# description prints what is wrong, file and line, to stderr and returns 1.
load_service() { # name
  local name=$1 file="$SERVICES_DIR/$1.conf" line line_no=0 key value
  [ -z "${service_kind[$name]:-}" ] || return 0
  if ! is_described_service "$name"; then
    echo "no service description $file (described services: $(known_services_list))" >&2
    return 1
  fi
  local jar="" kind="" port="" consul_name=$name local_args=""
  while IFS= read -r line || [ -n "$line" ]; do
    line_no=$((line_no + 1))
    line="${line#"${line%%[![:space:]]*}"}"
    [[ -z "$line" || "$line" == \#* ]] && continue
    if ! [[ "$line" =~ ^([A-Z_]+)=(.*)$ ]]; then
      echo "$file:$line_no: '$line' is not KEY=VALUE" >&2; return 1
    fi
    key=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
    value="${value%"${value##*[![:space:]]}"}"
    if [[ "$value" =~ ^\"(.*)\"$ ]]; then value=${BASH_REMATCH[1]}; fi
    case "$key" in
      JAR) jar=$value ;;
      KIND) kind=$value ;;
      PORT) port=$value ;;
      CONSUL_SERVICE) consul_name=$value ;;
      LOCAL_ARGS) local_args=$value ;;
      *) echo "$file:$line_no: unknown key $key (JAR, KIND, PORT, CONSUL_SERVICE, LOCAL_ARGS)" >&2; return 1 ;;
    esac
  done < "$file"
  [ -n "$jar" ] || { echo "$file: JAR= is missing (the jar, relative to the repository's root)" >&2; return 1; }
  case "$kind" in tcp|http) ;;
    *) echo "$file: KIND=$kind: tcp (a node called over the mesh's TCP transport) or http (an entry such as a gateway)" >&2; return 1 ;;
  esac
  [[ "$port" =~ ^[0-9]+$ ]] || { echo "$file: PORT=$port is not a port number" >&2; return 1; }
  [[ "$consul_name" =~ ^[A-Za-z0-9][A-Za-z0-9_-]*$ ]] || { echo "$file: CONSUL_SERVICE=$consul_name is not a Consul service name" >&2; return 1; }
  if [[ "$jar" != /* ]]; then jar="$ROOT/$jar"; fi
  # shellcheck disable=SC2034 # read by the scripts that source this file
  service_jar[$name]=$jar service_kind[$name]=$kind service_port[$name]=$port
  # shellcheck disable=SC2034
  service_consul_name[$name]=$consul_name service_local_args[$name]=$local_args
}
