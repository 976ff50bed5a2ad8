#!/usr/bin/env bash
# Where the agent's start-up time goes: time to the first served /hello of JettyHelloApp with no agent,
# and with the agent doing less and less, in interleaved launches (median of ROUNDS).
# Usage (from javaagent/, after `mvn -o -pl javaagent verify`): bench/startup-breakdown.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
PORT=18990
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
AGENT="-javaagent:target/opspulse-agent.jar=host=127.0.0.1,state.dir=$WORK/state"
NOTHING="-runtime;-http-server;-servlet;-http-client;-executor;-jdbc;-hikari;-dev-mode"
declare -A FLAGS=(
  [1-none]=""
  [2-agent-port-off-nothing-instrumented]="$AGENT,port=off,instrument=$NOTHING"
  [3-agent-runtime-metrics-only]="$AGENT,port=18991,instrument=runtime"
  [4-agent-all-but-servlet]="$AGENT,port=18991,instrument=all;-servlet"
  [5-agent-all]="$AGENT,port=18991"
)
first_request() { # flags -> "ms cpu_ms"
  local t0 pid; t0=$(date +%s%3N)
  # shellcheck disable=SC2086
  java -Xms256m -Xmx256m $1 -cp "target/test-classes:target/app-libs/*" io.opspulse.testapp.JettyHelloApp $PORT \
    > /dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 3000); do
    if curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/hello" 2>/dev/null | grep -q 200; then
      echo "$(( $(date +%s%3N) - t0 )) $(awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14+$15)*1000/hz}' "/proc/$pid/stat")"
      kill "$pid"; wait "$pid" 2>/dev/null || true
      return 0
    fi
    sleep 0.005
  done
  kill "$pid"; echo "did not serve" >&2; exit 1
}
for _ in $(seq 1 "$ROUNDS"); do
  for v in "${!FLAGS[@]}"; do
    echo "$v $(first_request "${FLAGS[$v]}")" >> "$WORK/runs"
  done
done
echo "| variant | first request (ms, median of $ROUNDS) | CPU until then (ms, median) |"
echo "|---|---|---|"
for v in $(printf '%s\n' "${!FLAGS[@]}" | sort); do
  ms=$(awk -v v="$v" '$1==v {print $2}' "$WORK/runs" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  cpu=$(awk -v v="$v" '$1==v {print $3}' "$WORK/runs" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "| ${v#*-} | $ms | $cpu |"
done
