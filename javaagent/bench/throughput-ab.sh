#!/usr/bin/env bash
# Throughput of JettyHelloApp under wrk for several agents, in alternating rounds, so that a drift of the
# machine shows as spread instead of as a difference between agents.
# Usage (from javaagent/, after `mvn -o -pl javaagent verify`): bench/throughput-ab.sh ROUNDS none|JAR...
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=$1; shift
PORT=18997
for round in $(seq 1 "$ROUNDS"); do
  for variant in "$@"; do
    flags=""
    [ "$variant" != none ] && flags="-javaagent:$variant=host=127.0.0.1,port=18998,state.dir=$(mktemp -d)"
    # shellcheck disable=SC2086
    java -Xms256m -Xmx256m $flags -cp "target/test-classes:target/app-libs/*" io.opspulse.testapp.JettyHelloApp $PORT \
      > /dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 2000); do curl -s -o /dev/null "http://127.0.0.1:$PORT/hello" && break; sleep 0.01; done
    wrk -t2 -c16 -d5s "http://127.0.0.1:$PORT/hello" > /dev/null
    result=$(wrk -t2 -c16 -d10s --latency "http://127.0.0.1:$PORT/hello" \
      | awk '/Requests\/sec/ {r=$2} $1=="50%" {p=$2} END {print r " req/s, p50 " p}')
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "round $round $(basename "$variant"): $result"
  done
done
