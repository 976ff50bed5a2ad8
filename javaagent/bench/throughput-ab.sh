#!/usr/bin/env bash
# Throughput of JettyHelloApp under wrk for several agents, in alternating rounds, so that a drift of the
# machine shows as spread instead of as a difference between agents.
# Usage (from javaagent/, after `mvn -o -pl javaagent verify`): bench/throughput-ab.sh ROUNDS none|JAR...
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib.sh
. bench/lib.sh
ROUNDS=$1; shift
PORT=18997
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for round in $(seq 1 "$ROUNDS"); do
  for variant in "$@"; do
    flags=""
    [ "$variant" != none ] && flags="-javaagent:$variant=host=127.0.0.1,port=18998,state.dir=$WORK/state"
    launch "$flags" "$PORT" /dev/null
    wrk -t2 -c16 -d5s "http://127.0.0.1:$PORT/hello" > /dev/null
    result=$(wrk -t2 -c16 -d10s --latency "http://127.0.0.1:$PORT/hello" \
      | awk '/Requests\/sec/ {r=$2} $1=="50%" {p=$2} END {print r " req/s, p50 " p}')
    stop "$PID"
    echo "round $round $(basename "$variant"): $result"
  done
done
