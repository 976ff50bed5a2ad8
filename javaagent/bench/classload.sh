#!/usr/bin/env bash
# Classes the JVM loads with the agent: start HelloApp, wait for the agent's start line, serve one request
# and one scrape, and count the -Xlog:class+load lines so far (before the stop: shutdown hooks load more);
# then stop it by its pid.
# Usage: javaagent/bench/classload.sh AGENT_JAR OUT_PREFIX [extra agent args]
set -euo pipefail
jar=$1; out=$2; extra=${3:-}
here=$(cd "$(dirname "$0")/.." && pwd)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
metrics=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
state=$(mktemp -d)
java -Xlog:class+load=info:file="$out.classes" -javaagent:"$jar=host=127.0.0.1,port=$metrics,state.dir=$state$extra" \
  -cp "$here/target/test-classes" io.opspulse.testapp.HelloApp "$port" > "$out.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$state"' EXIT
for _ in $(seq 1 300); do
  grep -q 'started for' "$out.log" 2>/dev/null && grep -q READY "$out.log" && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/hello" > /dev/null
curl -sf "http://127.0.0.1:$metrics/metrics" > /dev/null
sleep 1
grep -c 'source:' "$out.classes"
cp "$out.classes" "$out.running.classes"
kill "$pid"; wait "$pid" 2>/dev/null || true
