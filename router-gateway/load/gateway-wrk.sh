#!/usr/bin/env bash
# Load test of the standalone gateway with wrk on loopback, recorded in docs/benchmarks.md.
#
# Starts ENDPOINTS simulated vLLM-like servers (sim-server, no added latency) and a gateway in
# front of them with a 256 MiB heap, then, in the same run, drives wrk with CONNECTIONS
# connections straight at one simulated server ("direct") and at the gateway ("gateway").
# Three peers in front of the same servers are measured in the same run, each forwarding and
# nothing else: Jetty 12's own asynchronous reverse proxy (JettyProxyPeer in router-benchmarks,
# same JVM options and worker count as the gateway), an Armeria (Netty) reverse proxy
# (ArmeriaProxyPeer in router-benchmarks, same JVM options, Armeria's default event loops) and,
# when the nginx binary is installed (apt-get install nginx-light), nginx with upstream keep-alive.
#
#   ./mvnw -B -q package -DskipTests && router-gateway/load/gateway-wrk.sh
#
# It takes about six minutes on two cores, most of it warming the three JVM proxies up.
#
# A last run sends the gateway a model it does not know: answered (404) before any forwarding,
# it is the floor of the gateway's own cost. After each run the CPU time every process used per
# request is printed (from /proc), which is what bounds throughput when the cores are shared.
#
# At the end it prints the live heap of the gateway and of the Jetty peer after a full collection
# (both run with -Xmx256m).
#
# Environment: CONNECTIONS (256), DURATION (20s), WARMUP (30s, for the simulated server and
# nginx; the JVM proxies warm up until their JIT settles, see warm_jvm), MAX_WARMUP_SLICES (30),
# THREADS (2), ENDPOINTS (2), JAR (router-gateway/target/modelrouter.jar),
# BENCH_JAR (router-benchmarks/target/benchmarks.jar), NGINX (nginx, if on the PATH),
# GATEWAY_THREADS (32: the gateway's worker threads; wrk's 256 connections wait in Jetty's queue),
# PROXY_JVM_OPTS (-XX:+UseParallelGC: the JVM options of the gateway and of every JVM peer alike; on
# two shared cores the throughput collector gave the gateway 3 to 14% more requests/s than G1, see
# docs/benchmarks.md; set it empty for the JVM's default collector), PIN (unset: every process
# shares every core; PIN=1 pins wrk and the simulated servers to CPU 0 and the gateway and the
# peers to the other CPUs, with taskset, so that the proxy in front does not take its CPU from the
# load generator and the endpoints; the direct run then has CPU 0 alone), JFR (unset; JFR=1 records
# the gateway with Java Flight Recorder from its warm-up to the end of its run, keeps gateway.jfr
# in the run's folder and prints where its threads parked on a lock for 10 ms or more: a
# recording costs the gateway some throughput, so not for the figures of record).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${JAR:-router-gateway/target/modelrouter.jar}
BENCH_JAR=${BENCH_JAR:-router-benchmarks/target/benchmarks.jar}
NGINX=${NGINX:-$(command -v nginx || true)}
LUA=router-gateway/load/chat.lua
CONNECTIONS=${CONNECTIONS:-256}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-30s}
THREADS=${THREADS:-2}
read -r -a PROXY_JVM_OPTS <<< "${PROXY_JVM_OPTS--XX:+UseParallelGC}"
ENDPOINTS=${ENDPOINTS:-2}
if [ -n "${PIN:-}" ]; then
  LOAD_CPUS=(taskset -c 0)
  PROXY_CPUS=(taskset -c "1-$(( $(nproc) - 1 ))")
else
  LOAD_CPUS=()
  PROXY_CPUS=()
fi
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# Starts a java process in the background on the CPUs CPUS names (its pid goes to LOG.pid), waits for its
# "listening on http://127.0.0.1:PORT" line, prints PORT. Runs in a $(...) subshell, so the
# caller adds the pid to PIDS.
start() {
  local log=$1; shift
  "${CPUS[@]}" java "$@" > "$log" 2>&1 &
  echo $! > "$log.pid"
  for _ in $(seq 1 300); do
    if grep -q '^listening on http://127.0.0.1:' "$log"; then
      grep '^listening on' "$log" | head -1 | sed 's/.*127.0.0.1://'
      return
    fi
    sleep 0.1
  done
  echo "no listening line in $log" >&2; cat "$log" >&2; return 1
}

ports=()
CPUS=("${LOAD_CPUS[@]}")
for i in $(seq 1 "$ENDPOINTS"); do
  # The JDK server behind the simulator closes idle connections above 200 by default; wrk holds 256.
  port=$(start "$WORK/sim$i.log" -Xmx256m -Dsun.net.httpserver.maxIdleConnections=1024 -jar "$JAR" sim-server \
    --port 0 --model bench-chat --latency-ms 0 --capacity 256 --output-tokens 8) || { PIDS+=("$(cat "$WORK/sim$i.log.pid")"); exit 1; }
  PIDS+=("$(cat "$WORK/sim$i.log.pid")")
  ports+=("$port")
done
{
  echo "gateway: {maxInFlight: 4096, maxConnections: 4096, maxThreads: ${GATEWAY_THREADS:-32}}"
  echo "tenants:"
  echo "  - name: bench"
  echo "    keys: [\"sha256:$(printf %s sk-bench | sha256sum | cut -d' ' -f1)\"]"
  echo "    models: [\"*\"]"
  echo "models:"
  echo "  - {name: bench-chat, version: \"1\", operations: [chat]}"
  echo "endpoints:"
  for i in "${!ports[@]}"; do
    echo "  - {id: sim-$i, url: \"http://127.0.0.1:${ports[$i]}\", protocol: openai, server: vllm, serves: [bench-chat]}"
  done
} > "$WORK/gateway.yaml"
CPUS=("${PROXY_CPUS[@]}")
gw=$(start "$WORK/gateway.log" -Xmx256m "${PROXY_JVM_OPTS[@]}" -Xlog:gc:file="$WORK/gc.log" -jar "$JAR" gateway --config "$WORK/gateway.yaml" --port 0) \
  || { PIDS+=("$(cat "$WORK/gateway.log.pid")"); exit 1; }
GW_PID=$(cat "$WORK/gateway.log.pid")
PIDS+=("$GW_PID")
echo "simulated endpoints on ports ${ports[*]}, gateway on $gw (pid $GW_PID), $CONNECTIONS connections${PIN:+, wrk and the simulated servers on CPU 0, the proxies on the others}"

jp=$(start "$WORK/jetty-proxy.log" -Xmx256m "${PROXY_JVM_OPTS[@]}" -Dthreads="${GATEWAY_THREADS:-32}" -cp "$BENCH_JAR" io.modelrouter.benchmarks.http.JettyProxyPeer 0 \
  "$(IFS=,; echo "${ports[*]}")") || { PIDS+=("$(cat "$WORK/jetty-proxy.log.pid")"); exit 1; }
PIDS+=("$(cat "$WORK/jetty-proxy.log.pid")")
ap=$(start "$WORK/armeria-proxy.log" -Xmx256m "${PROXY_JVM_OPTS[@]}" -cp "$BENCH_JAR" io.modelrouter.benchmarks.http.ArmeriaProxyPeer 0 \
  "$(IFS=,; echo "${ports[*]}")") || { PIDS+=("$(cat "$WORK/armeria-proxy.log.pid")"); exit 1; }
PIDS+=("$(cat "$WORK/armeria-proxy.log.pid")")
NGINX_PORT=
if [ -n "$NGINX" ]; then
  NGINX_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  {
    echo "worker_processes 2; daemon off; pid $WORK/nginx.pid; error_log $WORK/nginx-error.log;"
    echo "events { worker_connections 4096; }"
    echo "http { access_log off; client_body_temp_path $WORK; proxy_temp_path $WORK;"
    echo "  upstream sims {"
    for p in "${ports[@]}"; do echo "    server 127.0.0.1:$p;"; done
    echo "    keepalive 256; }"
    echo "  server { listen 127.0.0.1:$NGINX_PORT;"
    echo "    location / { proxy_pass http://sims; proxy_http_version 1.1; proxy_set_header Connection \"\"; } } }"
  } > "$WORK/nginx.conf"
  "${PROXY_CPUS[@]}" "$NGINX" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" > "$WORK/nginx.log" 2>&1 &
  PIDS+=("$!")
  sleep 1
fi
echo "peers: jetty reverse proxy on $jp, armeria reverse proxy on $ap${NGINX_PORT:+, nginx on $NGINX_PORT}"

UNKNOWN_LUA="$WORK/unknown-model.lua"
sed 's/bench-chat/no-such-model/' "$LUA" > "$UNKNOWN_LUA"

# CPU ticks (user + system) of processes so far (pids that have gone count 0).
ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
# Runs wrk on URL with SCRIPT, then prints the CPU microseconds per request of the proxy in front
# (PROXY_PIDS: the gateway or a peer; none for direct), of the simulated servers together, and of
# wrk. Keeps the requests/s in RATE[LABEL].
declare -A RATE P99
measure() {
  local label=$1 script=$2 url=$3; shift 3
  local out g0 s0 s1 sims=("${PIDS[@]:0:$ENDPOINTS}")
  g0=$(ticks "$@"); s0=$(ticks "${sims[@]}")
  out=$({ /usr/bin/time -f 'wrk-cpu %U %S' "${LOAD_CPUS[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$script" "$url"; } 2>&1)
  s1=$(ticks "${sims[@]}")
  echo "$out" | grep -v '^wrk-cpu'
  RATE[$label]=$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')
  P99[$label]=$(echo "$out" | awk '$1 == "99%" { print $2 }')
  echo "$out" | awk -v hz="$(getconf CLK_TCK)" -v g="$(( $(ticks "$@") - g0 ))" -v s="$((s1 - s0))" -v l="$label" '
    / requests in / { n = $1 }
    /^wrk-cpu/ { w = ($2 + $3) * 1e6 }
    END { printf "cpu per request (us): %s %.0f, simulated servers %.0f, wrk %.0f\n", l, g * 1e6 / hz / n, s * 1e6 / hz / n, w / n }'
}

# Milliseconds the JIT compilers of a JVM have worked so far.
jit_ms() { jcmd "$1" PerfCounter.print 2>/dev/null | awk -F= '/^java.ci.totalTime=/ { t = $2 } /^sun.os.hrt.frequency=/ { f = $2 } END { printf "%d\n", t * 1000 / f }'; }
# Warms a JVM proxy up (PID, PORT) until a 10 s slice of load adds less than half a second of JIT
# work, at least 3 and at most MAX_WARMUP_SLICES slices. Under full load the compiler threads get a
# small share of the two cores: after 30 s the gateway, with far more code than a bare proxy, still
# ran at half its speed.
warm_jvm() {
  local pid=$1 port=$2 slice before after
  for slice in $(seq 1 "${MAX_WARMUP_SLICES:-30}"); do
    before=$(jit_ms "$pid")
    "${LOAD_CPUS[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d10s -s "$LUA" "http://127.0.0.1:$port/v1/chat/completions" > /dev/null
    after=$(jit_ms "$pid")
    if [ "$slice" -ge 3 ] && [ $((after - before)) -lt 500 ]; then
      echo "port $port warm after $slice slices of 10 s (JIT: $((after - before)) ms in the last)"
      return
    fi
  done
  echo "port $port: JIT still busy after $slice slices of 10 s ($((after - before)) ms in the last)"
}
echo "== warm-up"
for target in "${ports[0]}" $NGINX_PORT; do
  "${LOAD_CPUS[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$LUA" "http://127.0.0.1:$target/v1/chat/completions" > /dev/null
done
if [ -n "${JFR:-}" ]; then
  jcmd "$GW_PID" JFR.start name=load settings=profile filename="$WORK/gateway.jfr" > /dev/null
fi
warm_jvm "$GW_PID" "$gw"
warm_jvm "$(cat "$WORK/jetty-proxy.log.pid")" "$jp"
warm_jvm "$(cat "$WORK/armeria-proxy.log.pid")" "$ap"
echo "== direct: one simulated endpoint"
measure direct "$LUA" "http://127.0.0.1:${ports[0]}/v1/chat/completions"
echo "== gateway: in front of $ENDPOINTS simulated endpoints"
measure gateway "$LUA" "http://127.0.0.1:$gw/v1/chat/completions" "$GW_PID"
if [ -n "${JFR:-}" ]; then
  jcmd "$GW_PID" JFR.stop name=load > /dev/null
  echo "gateway threads parked 10 ms or more on a lock (JFR, warm-up and run; $WORK/gateway.jfr):"
  # Parks acquiring a lock (not idle waits), by the first frame that names the lock's owner.
  jfr print --events jdk.ThreadPark --stack-depth 10 "$WORK/gateway.jfr" | awk '
    /jdk.ThreadPark/ { site = ""; locked = 0 }
    /duration = / { d = $3; if ($4 == "s") d *= 1000; else if ($4 == "us") d /= 1000 }
    /AbstractQueuedSynchronizer\.acquire|ReentrantLock\$Sync\.lock/ { locked = 1 }
    site == "" && /line:/ && !/java\.util\.concurrent\.locks|LockSupport|AutoLock|Unsafe/ { site = $1 }
    /^}/ && site != "" && locked { n[site]++; t[site] += d }
    END { for (k in n) printf "  %5d parks, %7.0f ms in all: %s\n", n[k], t[k], k }' | sort -rn | head -5
fi
echo "== peer: Jetty's reverse proxy in front of $ENDPOINTS simulated endpoints (forwarding only)"
measure jetty-proxy "$LUA" "http://127.0.0.1:$jp/v1/chat/completions" "$(cat "$WORK/jetty-proxy.log.pid")"
echo "== peer: Armeria (Netty) reverse proxy in front of $ENDPOINTS simulated endpoints (forwarding only)"
measure armeria-proxy "$LUA" "http://127.0.0.1:$ap/v1/chat/completions" "$(cat "$WORK/armeria-proxy.log.pid")"
if [ -n "$NGINX_PORT" ]; then
  echo "== peer: nginx in front of $ENDPOINTS simulated endpoints (forwarding only)"
  NGINX_PIDS=("$(cat "$WORK/nginx.pid")")
  NGINX_PIDS+=($(pgrep -P "${NGINX_PIDS[0]}"))
  measure nginx "$LUA" "http://127.0.0.1:$NGINX_PORT/v1/chat/completions" "${NGINX_PIDS[@]}"
fi
echo "== gateway, unknown model: answered before forwarding (the gateway's own floor)"
measure gateway-floor "$UNKNOWN_LUA" "http://127.0.0.1:$gw/v1/chat/completions" "$GW_PID"
echo "== summary: requests/s, against direct, p99"
for l in direct gateway jetty-proxy armeria-proxy nginx gateway-floor; do
  if [ -n "${RATE[$l]:-}" ]; then
    awk -v l="$l" -v r="${RATE[$l]}" -v d="${RATE[direct]}" -v p="${P99[$l]}" 'BEGIN { printf "%-14s %10.0f  %5.1f%%  %8s\n", l, r, 100 * r / d, p }'
  fi
done
# The live heap of a JVM (PID): a full collection (GC.run), then the heap's used kilobytes
# (GC.heap_info's "used" of each generation, whatever the collector; Metaspace aside), in MiB.
live_heap_mib() {
  jcmd "$1" GC.run > /dev/null || { echo "?"; return; }
  jcmd "$1" GC.heap_info | awk '/Metaspace|class space/ { next }
    /total [0-9]+K, used [0-9]+K/ { for (i = 1; i < NF; i++) if ($i == "used") { u += $(i + 1) + 0 } }
    END { printf "%.1f\n", u / 1024 }'
}
echo "== live heap after a full collection (-Xmx256m, jcmd GC.run then GC.heap_info)"
HEAP_GW=$(live_heap_mib "$GW_PID")
HEAP_JP=$(live_heap_mib "$(cat "$WORK/jetty-proxy.log.pid")")
printf "%-14s %6s MiB\n%-14s %6s MiB\n" gateway "$HEAP_GW" jetty-proxy "$HEAP_JP"
awk '/Pause/ && !/System.gc/ { split($0, a, "->"); split(a[2], b, "M"); if (b[1] + 0 > max) max = b[1] + 0 } END { print "gateway: largest heap after a GC pause under load: " max " MiB" }' "$WORK/gc.log"
echo "== gateway metrics"
METRICS_URL=$(sed -n 's/^metrics on //p' "$WORK/gateway.log" | head -1)
curl -s "$METRICS_URL" | grep -E "^modelrouter_(routing_decisions|rejections)_total" || echo "(no metrics: curl exit $?)"
