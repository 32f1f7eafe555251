#!/usr/bin/env bash
# Simulated servers for MultiHostDeployIT, on one machine: each "host" is a network namespace with
# its own address (10.77.X.N/24, X picked per run), plugged into a bridge that lives in a namespace of
# its own; a veth from this machine's namespace to the bridge (10.77.X.1) lets the test reach them.
# Each host also has its own host name (UTS namespace) and file system view (a mount namespace with
# copy-on-write overlays on /etc, /opt, /usr/local, /var/lib and a private /run), runs Debian's sshd
# on port 22 of its address, and has the systemctl stand-in of this folder in place of /usr/bin/systemctl
# (systemd is not PID 1 here). Everything is named cm<run id>-..., so runs never collide.
#
#   hosts.sh check                     exit 0 when hosts can be made here; else say why, exit 2
#   hosts.sh up RUN_DIR NAME=N ...     make hosts NAME at 10.77.X.N; prints "host NAME ADDRESS" lines
#                                      and "ssh-options ..." (the client key and known hosts of the run)
#   hosts.sh exec RUN_DIR NAME CMD...  run CMD on host NAME (its network, mounts and host name)
#   hosts.sh link RUN_DIR NAME up|down plug host NAME's cable in or pull it out (its port on the bridge)
#   hosts.sh down RUN_DIR              end every process on the hosts, delete namespaces, links, RUN_DIR
#   hosts.sh boot RUN_DIR NAME         (internal) a host's first process: its mounts, then sshd
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SSHD=/usr/sbin/sshd

fail() { echo "hosts.sh: $*" >&2; exit 1; }

check() {
  local tool
  [ "$(id -u)" = 0 ] || { echo "not root: network namespaces need root"; return 2; }
  for tool in ip unshare nsenter setpriv ssh ssh-keygen systemd-analyze mount; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed"; return 2; }
  done
  [ -x "$SSHD" ] || { echo "$SSHD is not installed (Debian's openssh-server)"; return 2; }
  # what the units and deploy/on-host.sh run on the hosts, which share this machine's programs
  [ -x /usr/bin/java ] || { echo "/usr/bin/java is missing (the service units run it)"; return 2; }
  command -v curl >/dev/null || { echo "curl is not installed (deploy/on-host.sh asks the local Consul agent with it)"; return 2; }
  local probe="cmcheck$$"
  ip netns add "$probe" 2>/dev/null || { echo "cannot create a network namespace (ip netns add failed)"; return 2; }
  ip netns del "$probe"
  grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || true
  grep -qw overlay /proc/filesystems || { echo "the kernel has no overlay file system"; return 2; }
}

run_id() { cat "$1/id"; }
ns() { echo "cm$(run_id "$1")-$2"; }
host_pid() { cat "$1/hosts/$2/pid"; }

pick_subnet() {
  local octet
  for _ in $(seq 1 50); do
    octet=$(( (RANDOM % 200) + 20 ))
    # not on any route or address of this machine, nor taken by another run
    if ! ip -4 route show | grep -q "^10\.77\.$octet\." && ! ip -4 addr show | grep -q "inet 10\.77\.$octet\."; then
      echo "10.77.$octet"; return 0
    fi
  done
  fail "no free 10.77.X.0/24 subnet"
}

up() {
  local run=$1; shift
  [ $# -gt 0 ] || fail "up RUN_DIR NAME=N ..."
  mkdir -p "$run/hosts" "$run/ssh"
  printf '%06x' $(( (RANDOM << 9 ^ RANDOM) & 0xffffff )) > "$run/id"
  local id net switch subnet spec name octet address dir
  id=$(run_id "$run")
  # From here on, a failure takes down what was made (the folder stays for its logs).
  trap 'echo "hosts.sh: up failed; cleaning up" >&2; down "$run" keep-dir' EXIT
  subnet=$(pick_subnet); echo "$subnet" > "$run/subnet"
  switch=$(ns "$run" net)
  ip netns add "$switch"
  ip -n "$switch" link add br0 type bridge
  ip -n "$switch" link set br0 up
  # This machine's own port on the bridge, so the test reaches the hosts.
  ip link add "cm$id" type veth peer name uplink netns "$switch"
  ip -n "$switch" link set uplink master br0 up
  ip addr add "$subnet.1/24" dev "cm$id"
  ip link set "cm$id" up

  ssh-keygen -q -t ed25519 -N '' -C "multi-host test $id" -f "$run/ssh/id_ed25519"
  cp "$run/ssh/id_ed25519.pub" "$run/ssh/authorized_keys"
  : > "$run/ssh/known_hosts"
  for spec in "$@"; do
    name=${spec%%=*} octet=${spec##*=}
    address="$subnet.$octet" dir="$run/hosts/$name"
    net=$(ns "$run" "$name")
    mkdir -p "$dir"
    echo "$address" > "$dir/address"
    ip netns add "$net"
    ip link add eth0 netns "$net" type veth peer name "p-$name" netns "$switch"
    ip -n "$switch" link set "p-$name" master br0 up
    ip -n "$net" link set lo up
    ip -n "$net" addr add "$address/24" dev eth0
    ip -n "$net" link set eth0 up

    ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$dir/ssh_host_ed25519_key"
    echo "$address $(cut -d' ' -f1,2 "$dir/ssh_host_ed25519_key.pub")" >> "$run/ssh/known_hosts"
    cat > "$dir/sshd_config" <<CONFIG
ListenAddress $address
HostKey $dir/ssh_host_ed25519_key
PidFile none
AuthorizedKeysFile $run/ssh/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
Subsystem sftp /usr/lib/openssh/sftp-server
CONFIG
    setsid ip netns exec "$net" unshare --mount --uts --propagation private -- \
      bash "$HERE/hosts.sh" boot "$run" "$name" > "$dir/boot.log" 2>&1 < /dev/null &
  done
  for spec in "$@"; do
    name=${spec%%=*}; dir="$run/hosts/$name"
    wait_for_sshd "$dir" "$(cat "$dir/address")" || { cat "$dir/boot.log" >&2; fail "sshd on $name did not start"; }
    echo "host $name $(cat "$dir/address")"
  done
  trap - EXIT
  echo "ssh-options -i $run/ssh/id_ed25519 -o UserKnownHostsFile=$run/ssh/known_hosts -o StrictHostKeyChecking=yes -l root"
}

wait_for_sshd() { # host dir, address
  for _ in $(seq 1 100); do
    if [ -s "$1/pid" ] && (exec 3<>"/dev/tcp/$2/22") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

# The host's first process, inside its namespaces: a file system view of its own, then sshd.
boot() {
  local run=$1 name=$2 dir d
  dir="$run/hosts/$name"
  hostname "$name"
  for d in etc opt usr/local var/lib; do
    mkdir -p "$dir/upper/$d" "$dir/work/$d"
    mount -t overlay "host-$name" -o "lowerdir=/$d,upperdir=$dir/upper/$d,workdir=$dir/work/$d" "/$d"
  done
  mount -t tmpfs -o mode=755 "host-$name-run" /run
  mkdir -p /run/sshd
  mount --bind "$HERE/systemctl" /usr/bin/systemctl
  echo $$ > "$dir/pid"
  exec "$SSHD" -D -e -f "$dir/sshd_config"
}

host_exec() {
  local run=$1 name=$2; shift 2
  exec nsenter -t "$(host_pid "$run" "$name")" -m -u -n -- "$@"
}

link() {
  local run=$1 name=$2 state=$3
  case "$state" in up|down) ;; *) fail "link RUN_DIR NAME up|down" ;; esac
  ip -n "$(ns "$run" net)" link set "p-$name" "$state"
}

# The processes in this run's namespaces: made by this run, so the only ones it may signal.
run_pids() { # namespaces...
  local n
  for n in "$@"; do ip netns pids "$n" 2>/dev/null || true; done
}

# Ends what runs in this run's namespaces, SIGTERM first, then deletes them.
down() {
  local run=$1 keep=${2:-} id namespaces pids
  [ -f "$run/id" ] || return 0
  id=$(run_id "$run")
  mapfile -t namespaces < <(ip netns list | awk '{print $1}' | grep "^cm$id-" || true)
  # Every cable back in first: an agent cut off from the others takes long to leave on SIGTERM.
  if ip netns list | awk '{print $1}' | grep -qx "cm$id-net"; then
    ip -n "cm$id-net" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep '^p-' \
      | while read -r port; do ip -n "cm$id-net" link set "$port" up; done
  fi
  mapfile -t pids < <(run_pids "${namespaces[@]}")
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 1 200); do
      mapfile -t pids < <(run_pids "${namespaces[@]}")
      [ ${#pids[@]} -gt 0 ] || break
      sleep 0.1
    done
    # asked again: a pid that ended meanwhile is in no namespace of this run, and is not signalled
    mapfile -t pids < <(run_pids "${namespaces[@]}")
    if [ ${#pids[@]} -gt 0 ]; then
      echo "hosts.sh: ${pids[*]} did not stop within 20 s of SIGTERM; killing them" >&2
      kill -KILL "${pids[@]}" 2>/dev/null || true
    fi
  fi
  for n in "${namespaces[@]}"; do ip netns del "$n" 2>/dev/null || true; done
  ip link del "cm$id" 2>/dev/null || true
  [ "$keep" = keep-dir ] || rm -rf "$run"
}

command=${1:-}; shift || true
case "$command" in
  check) check ;;
  up) up "$@" ;;
  exec) host_exec "$@" ;;
  link) link "$@" ;;
  down) down "$@" ;;
  boot) boot "$@" ;;
  *) fail "unknown command '$command' (check, up, exec, link, down)" ;;
esac
