# shellcheck shell=bash
# Warming a JVM's HTTP service up before it is measured, as every part of the bench does it: wrk for a
# first stretch (discarded), then 10 s steps until a step serves less than 5 % more than the one before
# (a JVM's JIT settles late on two shared cores), at most a limit in all.
#
#   source bench/lib/warm-up.sh
#   warm_up_until_steady NAME URL FIRST LIMIT STEPS_FILE
#
# FIRST: wrk's -d for the first stretch (30s); LIMIT: seconds of steps at most (120s; 0s: no steps, as in a
# smoke run); each step's rate is appended to STEPS_FILE as "NAME warm-up step N s: R req/s". Uses THREADS
# and CONNECTIONS (wrk's -t and -c). Sets WARMED_STEPS_SECONDS to the seconds of steps it ran.
warm_up_until_steady() {
  local name=$1 url=$2 first=$3 limit=${4%s} steps=$5 rps previous=0
  WARMED_STEPS_SECONDS=0
  wrk -t"${THREADS:?}" -c"${CONNECTIONS:?}" -d"$first" "$url" > /dev/null
  while [ "$WARMED_STEPS_SECONDS" -lt "$limit" ]; do
    rps=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d10s "$url" | awk '/Requests\/sec/{printf "%d", $2}')
    WARMED_STEPS_SECONDS=$((WARMED_STEPS_SECONDS + 10))
    echo "$name warm-up step $WARMED_STEPS_SECONDS s: $rps req/s" >> "$steps"
    [ "$rps" -lt $((previous * 105 / 100)) ] && break
    previous=$rps
  done
}
