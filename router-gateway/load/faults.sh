#!/usr/bin/env bash
# Faults under load, with real processes on loopback, recorded in docs/benchmarks.md.
#
# Two simulated vLLM-like servers (sim-1, sim-2) behind `gateway --config`, and CONCURRENCY
# clients (faults_load.py) sending chat requests, every other one streamed, each with a 3 s
# latency budget, while the script:
#   at 30 s  freezes sim-2 (SIGSTOP) for FREEZE seconds, one healthy endpoint left, then resumes
#            it (SIGCONT) (the first 30 s are the healthy baseline, measured from 10 s on);
#   at 50 s  kills sim-1 (kill -9) and restarts it on the same port 3 s later;
#   at 75 s  stops the gateway with SIGTERM (its drain) while the clients go on.
# Then it prints the four targets of issue 16: no request lost to the frozen endpoint, the slowest
# answer under twice the healthy p99 plus the per-attempt timeout, the restarted endpoint serving
# within two health intervals, no error through the SIGTERM drain.
#
#   ./mvnw -B -q package -DskipTests && router-gateway/load/faults.sh
#
# Environment: JAR (router-gateway/target/modelrouter.jar), CONCURRENCY (12), FREEZE (10),
# LATENCY_MS (50: the servers' time to first token), PER_TOKEN_MS (5). Takes about 100 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${JAR:-router-gateway/target/modelrouter.jar}
CONCURRENCY=${CONCURRENCY:-12}
FREEZE=${FREEZE:-10}
LOAD=router-gateway/load/faults_load.py
HEALTH_INTERVAL_S=5      # HealthChecker.DEFAULT_INTERVAL, what `gateway --config` uses
TIMEOUT_FLOOR_S=1        # RetryPolicy.DEFAULT_TIMEOUT_FLOOR
TIMEOUT_MULTIPLE=3       # RetryPolicy.DEFAULT_TIMEOUT_MULTIPLE (of the endpoint's p99)
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
now_ms() { date +%s%3N; }
event() { echo "$1 $(now_ms)" >> "$WORK/events"; echo "$(date +%T) $1"; }

# Starts java in the background (pid to LOG.pid), waits for "listening on http://127.0.0.1:PORT", prints PORT.
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
sim() { # sim N PORT
  start "$WORK/sim$1.log" -Xmx128m -jar "$JAR" sim-server --port "$2" --model chat --latency-ms "${LATENCY_MS:-50}" \
    --per-token-ms "${PER_TOKEN_MS:-5}" --capacity 64
}

declare -A SIM_PID SIM_PORT
for i in 1 2; do
  SIM_PORT[$i]=$(sim "$i" 0)
  SIM_PID[$i]=$(cat "$WORK/sim$i.log.pid")
  PIDS+=("${SIM_PID[$i]}")
done
{
  echo "gateway: {drainTimeoutMs: 10000}"
  echo "tenants:"
  echo "  - {name: load, keys: [\"sha256:$(printf %s sk-load | sha256sum | cut -d' ' -f1)\"], models: [\"*\"]}"
  echo "models:"
  echo "  - {name: chat, version: \"1\", operations: [chat]}"
  echo "endpoints:"
  for i in 1 2; do
    echo "  - {id: sim-$i, url: \"http://127.0.0.1:${SIM_PORT[$i]}\", protocol: openai, server: vllm, serves: [chat]}"
  done
} > "$WORK/gateway.yaml"
GW_PORT=$(start "$WORK/gateway.log" -Xmx256m -jar "$JAR" gateway --config "$WORK/gateway.yaml" --port 0)
GW_PID=$(cat "$WORK/gateway.log.pid")
PIDS+=("$GW_PID")
echo "simulated servers sim-1, sim-2 on ${SIM_PORT[1]} ${SIM_PORT[2]}, gateway on $GW_PORT (pid $GW_PID), $CONCURRENCY clients, work in $WORK"

event load
python3 "$LOAD" run "http://127.0.0.1:$GW_PORT" sk-load $((81 + FREEZE)) "$CONCURRENCY" 3000 "$WORK/requests.csv" &
LOAD_PID=$!
sleep 30
event freeze; kill -STOP "${SIM_PID[2]}"
sleep "$FREEZE"
event thaw; kill -CONT "${SIM_PID[2]}"
sleep 10
event kill; kill -9 "${SIM_PID[1]}"
sleep 3
SIM_PORT[1]=$(sim 1 "${SIM_PORT[1]}"); PIDS+=("$(cat "$WORK/sim1.log.pid")")
event restart
sleep 22
event sigterm; kill -TERM "$GW_PID"
while kill -0 "$GW_PID" 2>/dev/null; do sleep 0.05; done
event stopped
wait "$LOAD_PID"
echo "== results ($(nproc) cores, shared with other work)"
python3 "$LOAD" report "$WORK/requests.csv" "$WORK/events" "$HEALTH_INTERVAL_S" "$TIMEOUT_FLOOR_S" "$TIMEOUT_MULTIPLE"
