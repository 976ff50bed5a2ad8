#!/usr/bin/env bash
# Where the agent's start-up time goes: time to the first served /hello of JettyHelloApp with no agent,
# and with the agent doing less and less, in interleaved launches (median of ROUNDS).
# Usage (from javaagent/, after `mvn -o -pl javaagent verify`): [BEFORE_JAR=jar] bench/startup-breakdown.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib.sh
. bench/lib.sh
ROUNDS=${1:-5}
PORT=18990
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
AGENT="-javaagent:target/opspulse-agent.jar=host=127.0.0.1,state.dir=$WORK/state"
NOTHING="-runtime;-http-server;-servlet;-http-client;-executor;-jdbc;-hikari;-connection-pool;-dev-mode"
declare -A FLAGS=(
  [1-none]=""
  [2-agent-port-off-nothing-instrumented]="$AGENT,port=off,instrument=$NOTHING"
  [3-agent-runtime-metrics-only]="$AGENT,port=18991,instrument=runtime"
  [4-agent-all-but-servlet]="$AGENT,port=18991,instrument=all;-servlet"
  [5-agent-all]="$AGENT,port=18991"
)
# BEFORE_JAR=path adds the full agent from another build (an earlier commit), in the same interleaved run.
if [ -n "${BEFORE_JAR:-}" ]; then
  FLAGS[6-agent-all-before]="-javaagent:$BEFORE_JAR=host=127.0.0.1,state.dir=$WORK/state,port=18991"
fi
for _ in $(seq 1 "$ROUNDS"); do
  for v in "${!FLAGS[@]}"; do
    launch "${FLAGS[$v]}" "$PORT" /dev/null
    stop "$PID"
    echo "$v $STARTUP $STARTCPU" >> "$WORK/runs"
  done
done
echo "| variant | first request (ms, median of $ROUNDS) | CPU until then (ms, median) |"
echo "|---|---|---|"
for v in $(printf '%s\n' "${!FLAGS[@]}" | sort); do
  ms=$(awk -v v="$v" '$1==v {print $2}' "$WORK/runs" | median)
  cpu=$(awk -v v="$v" '$1==v {print $3}' "$WORK/runs" | median)
  echo "| ${v#*-} | $ms | $cpu |"
done
