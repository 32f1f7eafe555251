#!/usr/bin/env bash
# Traffic control's cost with every rule off (issue 14): the gateway's CPU per request against the gateway
# from before traffic control was merged, in one run. Three variants of bench/variants/variants.sh, each
# a gateway with a push-service node of its own (the current push-service.jar for all three):
#   before     main-gateway built from TRAFFIC_BEFORE_REF (a commit without any traffic rule), its defaults
#   rules-off  the current main-gateway.jar with every traffic rule off: Consul's weights (on by default)
#              off, slow start and hedging off (their defaults, set anyway), no zone, canary or failover
#              datacenter (unset by default)
#   rules-on   the current jar with slow start, a zone preference (the node in the gateway's zone) and a
#              canary rule (a share of calls to instances tagged canary; there are none, so the rest take
#              them) on, and Consul's weights as shipped: for information
# The before jar comes from a temporary `git worktree add --detach` of the ref under RUN, built offline
# with the ref's own ./mvnw (with its bench/jmh) and removed afterwards (also on failure). Before the
# variants, the node selection of one call is measured in both trees with JMH, in turns (selection_before_and_now:
# what the rules, all off, add to a call, apart from every other change since the ref). Each gateway is warmed
# up with wrk until its rate settles (discarded), then ROUNDS saturation rounds take turns between the variants
# (the order rotating).
#
#   bench/traffic/traffic.sh RUN HOST CONSUL_PORT FIRST_PORT REQUEST_PATH SMOKE
#
# RUN: the run directory (writes RUN/raw/traffic.* as variants.sh says, traffic.before: the ref built
# or why before did not run, and traffic.selection.{before,now}.ROUND.json: JMH's results; logs in RUN/logs/traffic-*.log); FIRST_PORT: the first of 12 free loopback
# ports (4 per variant); SMOKE: true or false. Smoke builds no before jar and runs rules-off and rules-on.
# Settings (environment): TRAFFIC_BEFORE_REF (9502bfc), TRAFFIC_WARMUP (15s, smoke 1s, per gateway, then 10 s steps until the rate settles, at most
# TRAFFIC_WARMUP_MAX: 120s, smoke 0s),
# TRAFFIC_DURATION (10s, smoke 2s), TRAFFIC_ROUNDS (5, smoke 1), CONNECTIONS (64), THREADS (2),
# JAVA_OPTS (-Xmx256m -Xms64m -Xmn48m -XX:+UseSerialGC).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -eq 6 ] || { echo "usage: $0 RUN HOST CONSUL_PORT FIRST_PORT REQUEST_PATH SMOKE" >&2; exit 2; }
RUN=$1 HOST=$2 CONSUL_PORT=$3 FIRST_PORT=$4 REQUEST_PATH=$5 SMOKE=$6
if [ "$SMOKE" = true ]; then
  WARMUP=${TRAFFIC_WARMUP:-1s} WARMUP_MAX=${TRAFFIC_WARMUP_MAX:-0s} DURATION=${TRAFFIC_DURATION:-2s} ROUNDS=${TRAFFIC_ROUNDS:-1}
else
  WARMUP=${TRAFFIC_WARMUP:-15s} WARMUP_MAX=${TRAFFIC_WARMUP_MAX:-120s} DURATION=${TRAFFIC_DURATION:-10s} ROUNDS=${TRAFFIC_ROUNDS:-5}
fi
# 9502bfc: main as it was when traffic control was merged onto it (0ba305d), no traffic rule.
BEFORE_REF=${TRAFFIC_BEFORE_REF:-9502bfc}
RAW=$RUN/raw
BEFORE_DIR=$RUN/traffic-before
BEFORE_SRC=$BEFORE_DIR/src
BEFORE_JAR=$BEFORE_DIR/main-gateway.jar
GATEWAY_JAR=main-gateway/target/main-gateway.jar
NODE_JAR=push-service/target/push-service.jar
mkdir -p "$RAW" "$RUN/logs"

say() { echo "bench: traffic: $*"; }

remove_before_src() {
  [ -e "$BEFORE_SRC" ] || return 0
  git worktree remove --force "$BEFORE_SRC" 2>/dev/null || rm -rf "$BEFORE_SRC"
  git worktree prune
}

skip_before() { # why
  say "before: not run: $1"
  echo "skipped $1" > "$RAW/traffic.before"
}

# The node selection of one call (JMH's NodeSelectionBenchmark.selectForCall, the same source in both trees:
# the pool's candidates, the balancer's choice, the node's bookkeeping), built before and now, with 2 and 16
# nodes and both balancers, in turns: before, now, now, before. What the rules add there when they are off is
# what they add to a call; the gateway's CPU per request below also holds every other change since the ref.
SELECTION_ARGS=(NodeSelectionBenchmark.selectForCall -p "nodes=2,16" -f 1 -wi 3 -w 1s -i 5 -r 1s)
selection_before_and_now() {
  local round side tree raw=$RAW
  [[ $raw = /* ]] || raw=$PWD/$raw # the before tree's run-jmh.sh works in that tree
  say "selection path: JMH NodeSelectionBenchmark.selectForCall of $BEFORE_REF and of this tree, in turns"
  for round in 1 2; do
    for side in $([ "$round" = 1 ] && echo "before now" || echo "now before"); do
      tree=.
      [ "$side" = before ] && tree=$BEFORE_SRC
      "$tree/bench/jmh/run-jmh.sh" --json "$raw/traffic.selection.$side.$round.json" "${SELECTION_ARGS[@]}" \
        > "$RUN/logs/traffic-selection-$side-$round.log" 2>&1 \
        || { say "selection path: JMH of $side failed (see $RUN/logs/traffic-selection-$side-$round.log)"; return 0; }
    done
  done
}

# --- the before jar (none in smoke)
remove_before_src # a worktree left by a run that was killed
rm -rf "$BEFORE_DIR"
if [ "$SMOKE" = true ]; then
  skip_before "smoke run: the gateway of $BEFORE_REF is not built; rules-off and rules-on only"
elif ! commit=$(git rev-parse --verify --quiet "$BEFORE_REF^{commit}" 2>/dev/null); then
  skip_before "$BEFORE_REF (TRAFFIC_BEFORE_REF) is not in this clone (a shallow clone?); git fetch --unshallow brings it"
else
  say "before: building main-gateway of $BEFORE_REF (${commit:0:12}) in a temporary worktree ($BEFORE_SRC)"
  mkdir -p "$BEFORE_DIR"
  trap remove_before_src EXIT
  trap 'exit 130' INT TERM
  started=$(date +%s) status=0
  git worktree add --detach --quiet "$BEFORE_SRC" "$commit" > "$RUN/logs/traffic-before-build.log" 2>&1 \
    && (cd "$BEFORE_SRC" && ./mvnw -B -o -q -DskipTests package -pl main-gateway,bench/jmh -am) >> "$RUN/logs/traffic-before-build.log" 2>&1 \
    && cp "$BEFORE_SRC/main-gateway/target/main-gateway.jar" "$BEFORE_JAR" || status=$?
  if [ "$status" = 0 ]; then
    { echo "ref $BEFORE_REF"; echo "commit $commit"; echo "subject $(git log -1 --format=%s "$commit")"
      echo "build_seconds $(($(date +%s) - started))"; } > "$RAW/traffic.before"
    selection_before_and_now
  else
    skip_before "the build of $BEFORE_REF failed (exit $status; see $RUN/logs/traffic-before-build.log)"
  fi
  remove_before_src
  trap - EXIT
fi

# --- the variants
# shellcheck source=bench/variants/variants.sh
source bench/variants/variants.sh
variants_setup traffic "$RUN" "$HOST" "$CONSUL_PORT" "$FIRST_PORT" "$REQUEST_PATH"
[ -f "$BEFORE_JAR" ] && variant before "$BEFORE_JAR" "$NODE_JAR" "" ""
variant rules-off "$GATEWAY_JAR" "$NODE_JAR" \
  "--mesh.client.consul-weights=false --mesh.client.slow-start.enabled=false --mesh.client.hedge.enabled=false" ""
variant rules-on "$GATEWAY_JAR" "$NODE_JAR" \
  "--mesh.client.slow-start.enabled=true --mesh.client.zone=zone-a --mesh.client.canary.tag=canary --mesh.client.canary.percent=5" \
  "--mesh.registration.meta.zone=zone-a"
variants_start
variants_warm_up
variants_rounds
variants_memory
say "done; stopping its gateways and nodes"
