#!/usr/bin/env bash
# Runs the JMH microbenchmarks of bench/jmh (the wire codec, node selection) with JMH's GC profiler, so
# every benchmark reports its time per operation and the bytes it allocates per operation
# (gc.alloc.rate.norm). Writes JMH's JSON results, and its console output beside them (.txt), then
# prints the summary: score per benchmark and its allocation rows.
#
#   bench/jmh/run-jmh.sh                 full: the iterations each benchmark class declares: 1 fork,
#                                        3 × 1 s measured after 2 × 1 s warm-up (node selection) or 5 × 1 s
#                                        (codec); about 3¾ minutes on two cores
#   bench/jmh/run-jmh.sh --smoke         seconds: no fork, no warm-up, one 100 ms iteration; checks that
#                                        every benchmark runs, says nothing about speed
#   bench/jmh/run-jmh.sh --json FILE     where the JSON goes (default bench/jmh/target/jmh.json)
#   bench/jmh/run-jmh.sh NodeSelection -p nodes=4,16   anything else is handed to JMH: a benchmark
#                                        regexp, parameters, other profilers (-prof stack), -h for its help;
#                                        -f, -wi, -w, -i, -r given here replace the mode's
#
# The forked JVMs get JAVA_OPTS (default -Xmx256m, as every JVM of bench/run.sh). The module is built
# (./mvnw package of bench/jmh and what it depends on) when its classes are missing or older than the
# sources of the mesh library or of the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/../.."

MODULE=bench/jmh
SMOKE=false
JSON=$MODULE/target/jmh.json
JMH_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) SMOKE=true ;;
    --json) JSON=${2:?--json needs a file}; shift ;;
    *) JMH_ARGS+=("$1") ;;
  esac
  shift
done
JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
LOG=${JSON%.json}.txt

say() { echo "jmh: $*"; }

BUILT=$MODULE/target/classes/META-INF/BenchmarkList
if [ ! -f "$BUILT" ] || [ ! -f "$MODULE/target/jmh.classpath" ] \
   || [ -n "$(find consul-client-support/src/main "$MODULE/src" "$MODULE/pom.xml" -newer "$BUILT" -print -quit)" ]; then
  say "building $MODULE (./mvnw -B -q -DskipTests -pl $MODULE -am package)"
  ./mvnw -B -q -DskipTests -pl "$MODULE" -am package
  touch "$BUILT" # the classes now stand for the sources as they are, even when nothing needed compiling
fi

if $SMOKE; then
  # In-process (the benchmarks run in this JVM): a fork per benchmark costs seconds of JVM start-up each,
  # and a smoke run's figures mean nothing anyway.
  RUN=(-f 0 -wi 0 -i 1 -r 100ms)
  LAUNCHER_OPTS=$JAVA_OPTS
else
  RUN=(-jvmArgs "$JAVA_OPTS")
  LAUNCHER_OPTS=
fi
# JMH refuses an option given twice: one given on the command line replaces the mode's.
given() { local arg; for arg in "${JMH_ARGS[@]}"; do [ "$arg" = "$1" ] && return 0; done; return 1; }
DEFAULTS=("${RUN[@]}")
RUN=()
for ((i = 0; i < ${#DEFAULTS[@]}; i += 2)); do
  given "${DEFAULTS[i]}" || RUN+=("${DEFAULTS[i]}" "${DEFAULTS[i + 1]}")
done
mkdir -p "$(dirname "$JSON")"
say "running the benchmarks ($($SMOKE && echo smoke || echo full): ${RUN[*]} ${JMH_ARGS[*]}); JMH's output in $LOG"
# -foe: a benchmark that throws fails the run instead of being left out of the results.
# shellcheck disable=SC2086
java $LAUNCHER_OPTS -cp "$MODULE/target/classes:$(cat "$MODULE/target/jmh.classpath")" org.openjdk.jmh.Main \
  "${RUN[@]}" -foe true -prof gc -rf json -rff "$JSON" "${JMH_ARGS[@]}" > "$LOG" 2>&1 \
  || { tail -n 40 "$LOG" >&2; say "JMH failed; its output is in $LOG" >&2; exit 1; }
# The summary without the GC profiler's rate, count and time rows: score and bytes allocated per operation.
sed -n '/^Benchmark /,$p' "$LOG" | grep -v -E ':gc\.(alloc\.rate|count|time) ' | grep -v '^Benchmark result is saved'
say "wrote $JSON"
