#!/usr/bin/env bash
# Side-by-side benchmark of the same Jetty 12 servlet app (JettyHelloApp, GET /hello) with no agent,
# with opspulse, with the OpenTelemetry javaagent and with jmx_exporter's agent, in one run.
# Usage (from javaagent/, after `mvn -o -pl javaagent verify` built the agent and test classes):
#   bench/bench.sh [OTEL_AGENT_JAR] [JMX_AGENT_JAR]
# BEFORE_JAR=path adds a row for another opspulse agent jar (an earlier build), measured in the same run.
# Needs wrk and curl. Every JVM runs with a fixed heap (-Xms256m -Xmx256m) and is stopped by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib.sh
. bench/lib.sh
OTEL_JAR=${1:-}
JMX_JAR=${2:-}
STARTS=${STARTS:-5}          # launches per variant for time-to-first-request (median reported)
WARMUP=${WARMUP:-10}         # seconds of wrk before measuring
DURATION=${DURATION:-20}     # seconds measured
CONNECTIONS=${CONNECTIONS:-16}
PORT=18980
MPORT=18981
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
printf -- '---\nrules:\n- pattern: ".*"\n' > "$WORK/jmx.yaml"

flags_for() {
  case "$1" in
    none) echo "" ;;
    opspulse) echo "-javaagent:target/opspulse-agent.jar=host=127.0.0.1,port=$MPORT,state.dir=$WORK/state" ;;
    opspulse-before) echo "-javaagent:$BEFORE_JAR=host=127.0.0.1,port=$MPORT,state.dir=$WORK/state" ;;
    otel) echo "-javaagent:$OTEL_JAR -Dotel.traces.exporter=none -Dotel.logs.exporter=none -Dotel.metrics.exporter=prometheus -Dotel.exporter.prometheus.host=127.0.0.1 -Dotel.exporter.prometheus.port=$MPORT" ;;
    jmx) echo "-javaagent:$JMX_JAR=127.0.0.1:$MPORT:$WORK/jmx.yaml" ;;
  esac
}

variants="none opspulse"
[ -n "${BEFORE_JAR:-}" ] && variants="$variants opspulse-before"
[ -n "$OTEL_JAR" ] && variants="$variants otel"
[ -n "$JMX_JAR" ] && variants="$variants jmx"

echo "| agent | first request (ms, median of $STARTS) | CPU until then (ms, median) | requests/s | p50 | p99 | allocated per request (bytes) | RSS after load (MiB) |"
echo "|---|---|---|---|---|---|---|---|"
for v in $variants; do
  : > "$WORK/starts"; : > "$WORK/cpu"
  for _ in $(seq 1 "$STARTS"); do
    launch "$(flags_for "$v")" "$PORT" "$WORK/$v.log"; echo "$STARTUP" >> "$WORK/starts"; echo "$STARTCPU" >> "$WORK/cpu"; stop "$PID"
  done
  launch "$(flags_for "$v")" "$PORT" "$WORK/$v.log"
  wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$PORT/hello" > /dev/null
  alloc0=$(curl -s "http://127.0.0.1:$PORT/allocated")
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/hello" > "$WORK/wrk.txt"
  alloc1=$(curl -s "http://127.0.0.1:$PORT/allocated")
  rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$PID/status")
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk.txt")
  total=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
  # Bytes allocated by the JVM's live threads per measured request (agent threads included).
  perreq=$(( (alloc1 - alloc0) / total ))
  stop "$PID"
  echo "| $v | $(median < "$WORK/starts") | $(median < "$WORK/cpu") | $rps | $p50 | $p99 | $perreq | $rss |"
done
