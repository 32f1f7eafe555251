#!/usr/bin/env bash
# Provides a working Consul binary and prints its path as the LAST line of standard output.
# Everything else (progress, warnings) goes to standard error.
#
# Order of preference:
#   1. $CONSUL_BINARY, or `consul` on PATH
#   2. a binary this script cached earlier ($CONSUL_CACHE_DIR, default ~/.cache/consul-mesh)
#   3. a build from Consul's Go module source with the machine's Go toolchain (GOTOOLCHAIN=local), then cached
#   4. only when no Go toolchain exists and CI is unset: the official release archive, checksum-verified
set -euo pipefail

CONSUL_VERSION="${CONSUL_VERSION:-1.22.5}"
CACHE_DIR="${CONSUL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/consul-mesh}"
CACHED="$CACHE_DIR/consul-$CONSUL_VERSION/consul"

log() { echo "consul/install.sh: $*" >&2; }

works() { [ -x "$1" ] && "$1" version >/dev/null 2>&1; }

if [ -n "${CONSUL_BINARY:-}" ]; then
  if works "$CONSUL_BINARY"; then echo "$CONSUL_BINARY"; exit 0; fi
  log "CONSUL_BINARY=$CONSUL_BINARY is not an executable consul binary"; exit 1
fi
if on_path=$(command -v consul 2>/dev/null) && works "$on_path"; then
  echo "$on_path"; exit 0
fi
if works "$CACHED"; then echo "$CACHED"; exit 0; fi

mkdir -p "$(dirname "$CACHED")"
work=$(mktemp -d "${TMPDIR:-/tmp}/consul-build.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

build_from_go_source() {
  export GOTOOLCHAIN=local GOFLAGS=-mod=mod
  local module="github.com/hashicorp/consul@v$CONSUL_VERSION" src
  log "building Consul $CONSUL_VERSION from its Go module source with $(go version) (once; takes a few minutes)"
  src=$(go mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || { log "go mod download $module gave no source folder"; return 1; }
  local needed have
  needed=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$src/go.mod")
  have=$(go env GOVERSION | sed 's/^go//')
  if [ "$(printf '%s\n%s\n' "$needed" "$have" | sort -V | head -n 1)" != "$needed" ]; then
    log "Consul $CONSUL_VERSION needs Go $needed or later; this machine has Go $have."
    log "Options: install Go $needed+, set CONSUL_BINARY to a consul binary, or put consul on PATH."
    return 1
  fi
  cp -r "$src" "$work/src" && chmod -R u+w "$work/src"
  cd "$work/src"
  # The replace lines point into nested modules (api, sdk, ...) that the module download does not
  # contain; without them the required versions of those modules come from the module proxy.
  local replaced
  replaced=$(go mod edit -json | sed -n '/"Replace"/,$p' | sed -n 's/^[[:space:]]*"Path": "\([^"]*\)",*$/\1/p' | sort -u)
  for path in $replaced; do go mod edit -dropreplace="$path"; done
  go build -trimpath -ldflags "-s -w" -o "$work/consul" .
  mv "$work/consul" "$CACHED"
}

download_release() {
  local os arch zip base
  os=$(uname -s | tr '[:upper:]' '[:lower:]')
  case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
  base="https://releases.hashicorp.com/consul/$CONSUL_VERSION"
  zip="consul_${CONSUL_VERSION}_${os}_${arch}.zip"
  log "no Go toolchain: downloading the official Consul $CONSUL_VERSION release archive"
  curl -fsSL -o "$work/$zip" "$base/$zip"
  curl -fsSL -o "$work/SHA256SUMS" "$base/consul_${CONSUL_VERSION}_SHA256SUMS"
  (cd "$work" && grep " $zip\$" SHA256SUMS | sha256sum -c - >&2)
  (cd "$work" && unzip -q "$zip" consul)
  mv "$work/consul" "$CACHED"
}

if command -v go >/dev/null 2>&1; then
  (build_from_go_source) || { log "building Consul from source failed (see above)"; exit 1; }
elif [ -z "${CI:-}" ]; then
  download_release || { log "downloading the Consul release archive failed"; exit 1; }
else
  log "no Consul binary found. Options: set CONSUL_BINARY to a consul binary, put consul on PATH,"
  log "install a Go toolchain (Consul $CONSUL_VERSION needs a recent Go) so this script can build it,"
  log "or run outside CI so it may download the official release archive."
  exit 1
fi

works "$CACHED" || { log "the binary at $CACHED does not run"; exit 1; }
version_text=$("$CACHED" version)
log "cached ${version_text%%$'\n'*} at $CACHED"
echo "$CACHED"
