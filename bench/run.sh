#!/usr/bin/env bash
# Benchmarks three HTTP systems side by side on this machine, in one run, with the same load settings:
#   mesh      our stack: a Consul dev agent, two push-service nodes, main-gateway (deploy/run-local.sh)
#   nest      the NestJS stack: an @nestjs/platform-express app whose handler does send('fetchLatestNews')
#             to a Nest TCP microservice serving the same items (bench/nest/, main-gateway's nest-peer)
#   baseline  Spring WebFlux on Reactor Netty returning the gateway's response bytes from memory
# For each: a discarded warm-up and ROUNDS saturation rounds with wrk (req/s; the systems take turns
# round by round), then a constant-rate run
# with vegeta (p50/p99/p99.9), with errors, CPU seconds per 10k requests and resident memory of every
# process. Writes bench/results.json and bench/RESULTS.md (bench/target/run/ with --smoke, so a smoke
# run never overwrites committed figures).
#
#   bench/run.sh            full run (35 minutes in the committed run, up to 50 with the side parts' warm-up steps: the systems and the transport, freshness, scale, warm start, tracing, traffic, JMH)
#   bench/run.sh --smoke    seconds-long runs, for CI: checks the harness works, says nothing about speed
#
# Then the TCP transport alone: our TcpClient and a Nest ClientProxy against the same push-service node,
# TRANSPORT_CONCURRENCY requests in flight on one connection. Then discovery freshness (bench/freshness/:
# nodes taken out in Consul and put back, time until the gateway stops and starts routing to them) and
# scale (bench/scale/: the gateway's CPU per request and memory with 1 to 16 lightweight nodes); their
# settings are at the top of their scripts. Then warm start (bench/warmstart/: fresh gateways on the warm
# nodes, time to ready and to the Consul check's first passing, and the rate 0-5 s after it against the rate at 90 s, per JDK, with
# and without a class-data archive or AOT cache), tracing cost (bench/tracing/: off, 10 %, 100 %) and what
# traffic control costs the gateway with every rule off (bench/traffic/: against the gateway built from before
# it, in the same rounds; and with some rules on). Last, the JMH microbenchmarks of the codec and node selection
# (bench/jmh/run-jmh.sh, into the results too), and chart.png beside RESULTS.md (bench/chart.py).
#
# Settings (environment): CONNECTIONS (64), THREADS (2), WARMUP (30s), DURATION (20s), ROUNDS (3),
# RATE (constant rate in req/s; default a quarter of the slowest system's saturation), RATE_DURATION (20s),
# TRANSPORT_REQUESTS (100000), TRANSPORT_CONCURRENCY (64),
# JAVA_OPTS (-Xmx256m -Xms64m -Xmn48m -XX:+UseSerialGC, for every JVM: the deploy/systemd default), BENCH_PORT_BASE (first of 49 loopback ports; default 23000).
# Needs java, ./mvnw (builds the jars when missing), node/npm, curl, python3, wrk (Debian's package),
# vegeta (on PATH, or built once with `go install` into ~/.cache/consul-mesh/bin) and matplotlib for
# /usr/bin/python3 (Debian's python3-matplotlib).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SMOKE=false
[ "${1:-}" = "--smoke" ] && SMOKE=true
if $SMOKE; then
  CONNECTIONS=${CONNECTIONS:-16} WARMUP=${WARMUP:-1s} DURATION=${DURATION:-2s} ROUNDS=${ROUNDS:-1}
  RATE_DURATION=${RATE_DURATION:-2s} RATE=${RATE:-100} TRANSPORT_REQUESTS=${TRANSPORT_REQUESTS:-2000}
  OUT=bench/target/run
else
  # The warm-up is long: on two shared cores a JVM's JIT needs tens of seconds under load to settle.
  CONNECTIONS=${CONNECTIONS:-64} WARMUP=${WARMUP:-30s} DURATION=${DURATION:-20s} ROUNDS=${ROUNDS:-3}
  RATE_DURATION=${RATE_DURATION:-20s} RATE=${RATE:-} TRANSPORT_REQUESTS=${TRANSPORT_REQUESTS:-100000}
  OUT=bench
fi
THREADS=${THREADS:-2}
TRANSPORT_CONCURRENCY=${TRANSPORT_CONCURRENCY:-64}
TRANSPORT_LIMIT=${TRANSPORT_LIMIT:-180}
WARMUP_MAX=${WARMUP_MAX:-120s}
JAVA_OPTS=${JAVA_OPTS:--Xmx256m -Xms64m -Xmn48m -XX:+UseSerialGC}
# A smoke run checks the harness, not speed: its JVMs warm up before readiness for 2 s, not up to 10.
if $SMOKE; then JAVA_OPTS="$JAVA_OPTS -Dmesh.warm-up.max-duration=2s"; fi
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
HOST=127.0.0.1
BASE=${BENCH_PORT_BASE:-23000}
RUN=bench/target/run
RAW=$RUN/raw
VEGETA_VERSION=v12.13.0

say() { echo "bench: $*"; }
fail() { echo "bench: $*" >&2; exit 1; }

for tool in java node npm curl python3 wrk; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (wrk: apt-get install wrk)"
done
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null || fail "matplotlib is not installed for /usr/bin/python3 (apt-get install python3-matplotlib)"
VEGETA=$(command -v vegeta || true)
if [ -z "$VEGETA" ]; then
  VEGETA=$HOME/.cache/consul-mesh/bin/vegeta
  if [ ! -x "$VEGETA" ]; then
    command -v go >/dev/null || fail "vegeta is not installed and there is no Go toolchain to build it"
    say "building vegeta $VEGETA_VERSION with go install (once)"
    GOBIN=$(dirname "$VEGETA") go install "github.com/tsenart/vegeta/v12@$VEGETA_VERSION"
  fi
fi

rm -rf "$RUN"; mkdir -p "$RAW" "$RUN/logs"

# Ports: mesh (Consul http + 3 internal, gateway http + management, 2 node tcp + 2 node http), nest (2), baseline (1).
CONSUL_HTTP=$BASE; CONSUL_INTERNAL="$((BASE + 1)) $((BASE + 2)) $((BASE + 3))"
GATEWAY=$((BASE + 4)); GATEWAY_MGMT=$((BASE + 5)); NODE_TCP="$((BASE + 6)) $((BASE + 7))"; NODE_HTTP="$((BASE + 8)) $((BASE + 9))"
NEST_HTTP=$((BASE + 10)); NEST_TCP=$((BASE + 11)); BARE=$((BASE + 12))
# BASE+20 and BASE+21: the scale phase's gateway (http, management); bench/scale/scale.sh checks them. Its nodes take free ports.
# BASE+22 and BASE+23: the warm-start gateways; BASE+24 to BASE+36: the tracing part; BASE+37 to BASE+48: the traffic
# part (their scripts check them).
for port in $(seq "$BASE" $((BASE + 12))); do
  ! (exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null || fail "port $port on $HOST is in use; set BENCH_PORT_BASE to a free range"
done

# Every process started here is stopped on exit, also on failure.
OWN_PIDS=()
MESH_STARTED=false
cleanup() {
  local pid
  for pid in "${OWN_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${OWN_PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if $MESH_STARTED; then deploy/run-local.sh stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() { # name, command... (logs in $RUN/logs/name.log)
  local name=$1; shift
  "$@" > "$RUN/logs/$name.log" 2>&1 &
  LAST_PID=$!
  OWN_PIDS+=("$LAST_PID")
}

wait_http() { # url, seconds
  for _ in $(seq 1 $(($2 * 5))); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  for log in "$RUN"/logs/*.log; do echo "--- $log" >&2; tail -n 15 "$log" >&2; done
  fail "$1 did not answer within $2 s"
}

# --- builds
if [ ! -f push-service/target/push-service.jar ] || [ ! -f main-gateway/target/main-gateway.jar ]; then
  say "building the jars (./mvnw -B -q -DskipTests package)"
  "$ROOT/mvnw" -B -q -DskipTests package
fi
for dir in main-gateway/src/test/nest-peer bench/nest; do
  [ -d "$dir/node_modules" ] || { say "npm ci in $dir"; (cd "$dir" && npm ci --no-audit --no-fund >/dev/null); }
done
JAVA_BENCH_DIR=bench/target/baseline
if [ ! -f "$JAVA_BENCH_DIR/classes/BareNewsServer.class" ] || [ bench/baseline/BareNewsServer.java -nt "$JAVA_BENCH_DIR/classes/BareNewsServer.class" ] \
   || [ bench/transport/TransportBench.java -nt "$JAVA_BENCH_DIR/classes/BareNewsServer.class" ] \
   || [ main-gateway/target/main-gateway.jar -nt "$JAVA_BENCH_DIR/classes/BareNewsServer.class" ]; then
  say "compiling the baseline and the transport client against the gateway's own libraries"
  rm -rf "$JAVA_BENCH_DIR"; mkdir -p "$JAVA_BENCH_DIR/classes"
  (cd "$JAVA_BENCH_DIR" && unzip -q -o "$ROOT/main-gateway/target/main-gateway.jar" 'BOOT-INF/lib/*')
  javac -d "$JAVA_BENCH_DIR/classes" -cp "$JAVA_BENCH_DIR/BOOT-INF/lib/*" bench/baseline/BareNewsServer.java bench/transport/TransportBench.java
fi
JAVA_BENCH_CP="$JAVA_BENCH_DIR/BOOT-INF/lib/*:$JAVA_BENCH_DIR/classes"

# --- our stack
# The mesh's JVMs record JFR from their start, in memory, and the profiles are dumps of the last
# seconds: a recording started in a running JVM deoptimizes its compiled code (the gateway served a
# fifth of its rate for the next minute), so it would profile a JVM that is not the one measured.
MESH_JFR="-XX:StartFlightRecording=name=bench,settings=profile,maxage=5m"
say "starting the mesh (Consul, two push-service nodes, main-gateway; $JAVA_OPTS each JVM, with JFR recording)"
MESH_STARTED=true
# GATEWAY_NEWS_EXPOSE_NODE: the freshness part reads which node answered (X-Push-Node, off by default)
MESH_HOST=$HOST CONSUL_HTTP_PORT=$CONSUL_HTTP CONSUL_INTERNAL_PORTS=$CONSUL_INTERNAL GATEWAY_PORT=$GATEWAY \
  GATEWAY_MANAGEMENT_PORT=$GATEWAY_MGMT PUSH_TCP_PORTS=$NODE_TCP PUSH_HTTP_PORTS=$NODE_HTTP JAVA_OPTS="$JAVA_OPTS $MESH_JFR" \
  GATEWAY_NEWS_EXPOSE_NODE=true \
  deploy/run-local.sh > "$RUN/logs/run-local.log" 2>&1 || { cat "$RUN/logs/run-local.log" >&2; fail "the mesh did not start"; }
MESH_PIDS=$(awk '{printf "%s=%s ", $1, $2}' .run/pids)

# One request for every system: a fixed page, so every answer holds the same items.
LATEST=$(date +%s%3N)
PATH_QUERY="/fetchLatestNews?limit=20&latestTime=$LATEST"
curl -fsS "http://$HOST:$GATEWAY$PATH_QUERY" -o "$RUN/body.json"

# The same items for the Nest microservice: every page the gateway serves.
python3 - "$HOST:$GATEWAY" "$RUN/items.json" <<'PY'
import json, sys, urllib.request
base, out = sys.argv[1], sys.argv[2]
items, query = [], "limit=100"
while True:
    page = json.load(urllib.request.urlopen(f"http://{base}/fetchLatestNews?{query}"))
    items += page["items"]
    nxt = page.get("next")
    if not nxt:
        break
    query = f"limit=100&latestTime={nxt['latestTime']}&beforeId={nxt['beforeId']}"
json.dump(items, open(out, "w"))
PY

# --- the NestJS stack
say "starting the NestJS stack (news microservice on TCP $NEST_TCP, HTTP app on $NEST_HTTP)"
start nest-news-service node main-gateway/src/test/nest-peer/news-service.mjs --standalone \
  --items "$RUN/items.json" --host $HOST --port $NEST_TCP
NEST_TCP_PID=$LAST_PID
for _ in $(seq 1 300); do
  grep -q "listening on" "$RUN/logs/nest-news-service.log" && break
  kill -0 "$NEST_TCP_PID" 2>/dev/null || { cat "$RUN/logs/nest-news-service.log" >&2; fail "the Nest news microservice stopped"; }
  sleep 0.2
done
grep -q "listening on" "$RUN/logs/nest-news-service.log" || fail "the Nest news microservice did not listen within 60 s"
start nest-http-gateway node bench/nest/http-gateway.mjs --host $HOST --port $NEST_HTTP --upstream-port $NEST_TCP
NEST_HTTP_PID=$LAST_PID
wait_http "http://$HOST:$NEST_HTTP$PATH_QUERY" 60
curl -fsS "http://$HOST:$NEST_HTTP$PATH_QUERY" -o "$RUN/body-nest.json"
python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$RUN/body.json" "$RUN/body-nest.json" \
  || fail "the NestJS stack's answer differs from the gateway's ($RUN/body.json, $RUN/body-nest.json); the comparison would be unfair"

# --- the bare baseline
say "starting the bare baseline on $BARE"
# shellcheck disable=SC2086
start baseline java $JAVA_OPTS -cp "$JAVA_BENCH_CP" BareNewsServer $HOST $BARE "$RUN/body.json"
BARE_PID=$LAST_PID
wait_http "http://$HOST:$BARE$PATH_QUERY" 60

cat > "$RUN/systems" <<SYS
mesh http://$HOST:$GATEWAY $MESH_PIDS
nest http://$HOST:$NEST_HTTP nest-http-gateway=$NEST_HTTP_PID nest-news-service=$NEST_TCP_PID
baseline http://$HOST:$BARE baseline=$BARE_PID
SYS

cpu_ticks() { # name=pid ... -> "name=ticks ..."
  local entry
  for entry in "$@"; do
    echo -n "${entry%%=*}=$(awk '{print $14 + $15}' "/proc/${entry#*=}/stat") "
  done
  echo
}
memory() { # name=pid ... -> "name=rssKb/hwmKb ..."
  local entry
  for entry in "$@"; do
    echo -n "${entry%%=*}=$(awk '/^VmRSS/{r=$2} /^VmHWM/{h=$2} END{print r "/" h}' "/proc/${entry#*=}/status") "
  done
  echo
}

echo "load_start $(cut -d' ' -f1-3 /proc/loadavg)" > "$RUN/machine"
echo "nproc $(nproc)" >> "$RUN/machine"
echo "clk_tck $(getconf CLK_TCK)" >> "$RUN/machine"

# --- saturation. Rounds take turns between the systems, so that what else this shared machine does
# at the time weighs on each system alike.
# Warm-up, discarded: at least WARMUP, then 10 s steps until the rate settles, at most WARMUP_MAX in all
# (bench/lib/warm-up.sh; none in a smoke run).
# shellcheck source=bench/lib/warm-up.sh
source bench/lib/warm-up.sh
warm_up() { # name url
  local limit=$WARMUP_MAX
  $SMOKE && limit=0s
  warm_up_until_steady "$1" "$2$PATH_QUERY" "$WARMUP" "$limit" "$RUN/warm-up"
  $SMOKE || say "$1: warmed up ($WARMUP + ${WARMED_STEPS_SECONDS} s; last step $(tail -n 1 "$RUN/warm-up" | awk '{print $(NF-1)}') req/s)"
}
while read -r name url _; do
  say "$name: warm-up of at least $WARMUP with wrk -t$THREADS -c$CONNECTIONS (discarded)"
  warm_up "$name" "$url"
done < "$RUN/systems"
for round in $(seq 1 "$ROUNDS"); do
  while read -r name url pids; do
    # shellcheck disable=SC2086
    set -- $pids
    cpu_ticks "$@" > "$RAW/$name.cpu-saturation-before.$round"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url$PATH_QUERY" > "$RAW/$name.wrk.$round"
    cpu_ticks "$@" > "$RAW/$name.cpu-saturation-after.$round"
    grep 'Requests/sec' "$RAW/$name.wrk.$round" | sed "s/^/bench: round $round of $ROUNDS, $name: /"
  done < "$RUN/systems"
done
while read -r name _ pids; do
  # shellcheck disable=SC2086
  set -- $pids
  memory "$@" > "$RAW/$name.memory"
done < "$RUN/systems"

# One more round of the gateway, after the measured ones; its JFR data (recorded from the start) is dumped:
# where its CPU goes at saturation.
mkdir -p "$OUT/profiles"
GATEWAY_PID=$(awk '$1 == "main-gateway" {print $2}' .run/pids)
say "mesh: profiled round ($DURATION, JFR) for $OUT/profiles/"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "http://$HOST:$GATEWAY$PATH_QUERY" > "$RAW/mesh.wrk.profiled"
jcmd "$GATEWAY_PID" JFR.dump name=bench maxage="$DURATION" filename="$ROOT/$RAW/gateway-saturation.jfr" > /dev/null
python3 bench/profile.py "$RAW/gateway-saturation.jfr" \
  "main-gateway at saturation (wrk -t$THREADS -c$CONNECTIONS -d$DURATION; $(awk '/Requests\/sec/{print $2}' "$RAW/mesh.wrk.profiled") req/s in this round)" \
  > "$OUT/profiles/gateway-saturation.txt"

if [ -z "$RATE" ]; then
  RATE=$(python3 - "$RAW" <<'PY'
import glob, re, sys
best = {}
for f in glob.glob(sys.argv[1] + "/*.wrk.*"):
    name = f.split("/")[-1].split(".")[0]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", open(f).read()).group(1))
    best.setdefault(name, []).append(rps)
slowest = min(sorted(v)[len(v) // 2] for v in best.values())
print(max(50, int(slowest / 4 / 50) * 50))
PY
)
fi
echo "$RATE" > "$RUN/rate"

# --- constant rate
while read -r name url pids; do
  # shellcheck disable=SC2086
  set -- $pids
  say "$name: $RATE req/s for $RATE_DURATION with vegeta"
  cpu_ticks "$@" > "$RAW/$name.cpu-rate-before.1"
  echo "GET $url$PATH_QUERY" | "$VEGETA" attack -rate="$RATE/s" -duration="$RATE_DURATION" -timeout=10s -max-workers=512 \
    | "$VEGETA" encode --to csv > "$RAW/$name.vegeta.csv"
  cpu_ticks "$@" > "$RAW/$name.cpu-rate-after.1"
done < "$RUN/systems"
# --- the TCP transport alone: our TcpClient and Nest's ClientProxy against the same push-service node
read -r NODE1_TCP _ <<< "$NODE_TCP"
say "transport: $TRANSPORT_REQUESTS requests, $TRANSPORT_CONCURRENCY in flight on one connection, to the node on $NODE1_TCP"
# shellcheck disable=SC2086
# Each client gets at most TRANSPORT_LIMIT seconds; one that does not finish is reported as such.
# Our client runs with JFR; the node is profiled while each client runs (it serves both, so it caps both).
NODE1_PID=$(awk '$1 == "push-service-1" {print $2}' .run/pids)
cpu_ticks "push-service-1=$NODE1_PID" > "$RAW/transport.node-cpu.before-mesh"
TRANSPORT_STARTED=$(date +%s)
TRANSPORT_WARMUP=15
$SMOKE && TRANSPORT_WARMUP=1
# shellcheck disable=SC2086
timeout "$TRANSPORT_LIMIT" java $JAVA_OPTS -XX:StartFlightRecording=settings=profile,filename="$RAW/transport-client.jfr" \
  -Dwarmup.seconds="$TRANSPORT_WARMUP" -cp "$JAVA_BENCH_CP" TransportBench $HOST "$NODE1_TCP" "$TRANSPORT_REQUESTS" \
  "$TRANSPORT_CONCURRENCY" "$LATEST" 2>/dev/null | grep '^{' > "$RAW/transport.mesh.json" || say "transport: our client failed or ran out of time"
jcmd "$NODE1_PID" JFR.dump name=bench maxage="$(($(date +%s) - TRANSPORT_STARTED + 1))s" \
  filename="$ROOT/$RAW/node-under-mesh-client.jfr" > /dev/null
cpu_ticks "push-service-1=$NODE1_PID" > "$RAW/transport.node-cpu.after-mesh"
cpu_ticks "push-service-1=$NODE1_PID" > "$RAW/transport.node-cpu.before-nest"
timeout "$TRANSPORT_LIMIT" node bench/nest/transport-client.mjs --host $HOST --port "$NODE1_TCP" --requests "$TRANSPORT_REQUESTS" \
  --concurrency "$TRANSPORT_CONCURRENCY" --latest-time "$LATEST" > "$RAW/transport.nest.json" || say "transport: the Nest client failed or ran out of time"
cpu_ticks "push-service-1=$NODE1_PID" > "$RAW/transport.node-cpu.after-nest"
python3 bench/profile.py "$RAW/transport-client.jfr" "our TcpClient, one connection, $TRANSPORT_CONCURRENCY in flight (TransportBench)" \
  > "$OUT/profiles/transport-client.txt"
python3 bench/profile.py "$RAW/node-under-mesh-client.jfr" "push-service node serving our TcpClient's requests" \
  > "$OUT/profiles/transport-node.txt"
cat "$RAW/transport.mesh.json" "$RAW/transport.nest.json" | sed 's/^/bench: transport: /'
# --- discovery freshness and scale (each script says how it measures)
JAVA_OPTS=$JAVA_OPTS bench/freshness/freshness.sh "$RUN" "$JAVA_BENCH_DIR/BOOT-INF/lib" "http://$HOST:$CONSUL_HTTP" "http://$HOST:$GATEWAY" "http://$HOST:$GATEWAY_MGMT" .run/logs/main-gateway.log "$PATH_QUERY" "$SMOKE" || say "freshness: failed (see $RUN/logs/freshness.log)"
JAVA_OPTS=$JAVA_OPTS bench/scale/scale.sh "$RUN" "$JAVA_BENCH_DIR/BOOT-INF/lib" $HOST "$CONSUL_HTTP" $((BASE + 20)) $((BASE + 21)) "$PATH_QUERY" "$SMOKE" "$VEGETA" "$RUN/items.json" || say "scale: failed (see $RUN/logs/scale-*.log)"
# --- warm start (fresh gateways on the warm nodes, per JDK and archive), tracing cost (off, 10 %, 100 %) and
# traffic control with every rule off (before, rules-off, rules-on); their JVMs record no JFR, so their memory
# is also the gateway's without a profiler
JAVA_OPTS=$JAVA_OPTS CONNECTIONS=$CONNECTIONS THREADS=$THREADS bench/warmstart/warm-start.sh "$RUN" $HOST "$CONSUL_HTTP" \
  $((BASE + 22)) $((BASE + 23)) "$PATH_QUERY" "$SMOKE" || say "warm start: failed (see $RUN/logs/warmstart-*.log)"
JAVA_OPTS=$JAVA_OPTS CONNECTIONS=$CONNECTIONS THREADS=$THREADS bench/tracing/tracing.sh "$RUN" $HOST "$CONSUL_HTTP" \
  $((BASE + 24)) "$PATH_QUERY" "$SMOKE" || say "tracing: failed (see $RUN/logs/tracing-*.log)"
JAVA_OPTS=$JAVA_OPTS CONNECTIONS=$CONNECTIONS THREADS=$THREADS bench/traffic/traffic.sh "$RUN" $HOST "$CONSUL_HTTP" \
  $((BASE + 37)) "$PATH_QUERY" "$SMOKE" || say "traffic: failed (see $RUN/logs/traffic-*.log)"
echo "load_end $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RUN/machine"

SMOKE_FLAG=()
$SMOKE && SMOKE_FLAG=(--smoke)
JAVA_OPTS=$JAVA_OPTS bench/jmh/run-jmh.sh --json "$RAW/jmh.json" "${SMOKE_FLAG[@]}"

python3 bench/report.py --run "$RUN" --out "$OUT" --java-opts="$JAVA_OPTS" --connections "$CONNECTIONS" \
  --threads "$THREADS" --warmup "$WARMUP" --duration "$DURATION" --rounds "$ROUNDS" --rate-duration "$RATE_DURATION" \
  --request "$PATH_QUERY" --transport-requests "$TRANSPORT_REQUESTS" --transport-concurrency "$TRANSPORT_CONCURRENCY" "${SMOKE_FLAG[@]}"
/usr/bin/python3 bench/chart.py "$OUT/results.json"
say "wrote $OUT/results.json, $OUT/RESULTS.md and $OUT/chart.png"
