#!/usr/bin/env bash
# Load test of the standalone gateway with wrk on loopback, recorded in docs/benchmarks.md.
#
# Starts ENDPOINTS simulated vLLM-like servers (sim-server, no added latency) and a gateway in
# front of them with a 256 MiB heap, then, in the same run, drives wrk with CONNECTIONS
# connections straight at one simulated server ("direct") and at the gateway ("gateway").
#
#   ./mvnw -B -q package -DskipTests && examples/load/gateway-wrk.sh
#
# A third run sends the gateway a model it does not know: answered (404) before any forwarding,
# it is the floor of the gateway's own cost. After each run the CPU time every process used per
# request is printed (from /proc), which is what bounds throughput when the cores are shared.
#
# Environment: CONNECTIONS (256), DURATION (20s), WARMUP (30s: the gateway's JIT is still busy
# after 10 s), THREADS (2), ENDPOINTS (2), JAR (examples/target/modelrouter.jar),
# GATEWAY_THREADS (32: the gateway's worker threads; wrk's 256 connections wait in Jetty's queue).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${JAR:-examples/target/modelrouter.jar}
LUA=examples/load/chat.lua
CONNECTIONS=${CONNECTIONS:-256}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-30s}
THREADS=${THREADS:-2}
ENDPOINTS=${ENDPOINTS:-2}
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# Starts a java process in the background (its pid goes to LOG.pid), waits for its
# "listening on http://127.0.0.1:PORT" line, prints PORT. Runs in a $(...) subshell, so the
# caller adds the pid to PIDS.
start() {
  local log=$1; shift
  java "$@" > "$log" 2>&1 &
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
gw=$(start "$WORK/gateway.log" -Xmx256m -Xlog:gc:file="$WORK/gc.log" -jar "$JAR" gateway --config "$WORK/gateway.yaml" --port 0) \
  || { PIDS+=("$(cat "$WORK/gateway.log.pid")"); exit 1; }
GW_PID=$(cat "$WORK/gateway.log.pid")
PIDS+=("$GW_PID")
echo "simulated endpoints on ports ${ports[*]}, gateway on $gw (pid $GW_PID), $CONNECTIONS connections"

UNKNOWN_LUA="$WORK/unknown-model.lua"
sed 's/bench-chat/no-such-model/' "$LUA" > "$UNKNOWN_LUA"

# CPU ticks (user + system) of a process so far.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# Runs wrk on URL with SCRIPT, then prints the CPU microseconds per request of the gateway, of the
# simulated servers together, and of wrk.
measure() {
  local script=$1 url=$2 out g0 s0=0 s1=0 p
  g0=$(ticks "$GW_PID")
  for p in "${PIDS[@]:0:$ENDPOINTS}"; do s0=$((s0 + $(ticks "$p"))); done
  out=$({ /usr/bin/time -f 'wrk-cpu %U %S' wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$script" "$url"; } 2>&1)
  for p in "${PIDS[@]:0:$ENDPOINTS}"; do s1=$((s1 + $(ticks "$p"))); done
  echo "$out" | grep -v '^wrk-cpu'
  echo "$out" | awk -v hz="$(getconf CLK_TCK)" -v g="$(( $(ticks "$GW_PID") - g0 ))" -v s="$((s1 - s0))" '
    / requests in / { n = $1 }
    /^wrk-cpu/ { w = ($2 + $3) * 1e6 }
    END { printf "cpu per request (us): gateway %.0f, simulated servers %.0f, wrk %.0f\n", g * 1e6 / hz / n, s * 1e6 / hz / n, w / n }'
}

echo "== warm-up"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$LUA" "http://127.0.0.1:${ports[0]}/v1/chat/completions" > /dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$LUA" "http://127.0.0.1:$gw/v1/chat/completions" > /dev/null
echo "== direct: one simulated endpoint"
measure "$LUA" "http://127.0.0.1:${ports[0]}/v1/chat/completions"
echo "== gateway: in front of $ENDPOINTS simulated endpoints"
measure "$LUA" "http://127.0.0.1:$gw/v1/chat/completions"
echo "== gateway, unknown model: answered before forwarding (the gateway's own floor)"
measure "$UNKNOWN_LUA" "http://127.0.0.1:$gw/v1/chat/completions"
echo "== gateway heap (-Xmx256m)"
jcmd "$GW_PID" GC.heap_info | grep -iE 'heap|used' | head -4 || true
awk '/Pause/ { split($0, a, "->"); split(a[2], b, "M"); if (b[1] + 0 > max) max = b[1] + 0 } END { print "largest heap after a GC pause: " max " MiB" }' "$WORK/gc.log"
echo "== gateway metrics"
curl -s "http://127.0.0.1:$gw/metrics" | grep -E "^modelrouter_(requests|rejections)_total" || echo "(no metrics: curl exit $?)"
