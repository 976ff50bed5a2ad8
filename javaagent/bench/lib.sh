# Shared by the agent's benchmark scripts (sourced, from javaagent/): launching the Jetty bench app and
# timing its first request, the same way for every script.
JAVA=${JAVA:-java}
CP="target/test-classes:target/app-libs/*"

now_ms() { date +%s%3N; }

# launch FLAGS PORT LOG: starts JettyHelloApp with FLAGS (fixed heap) and waits for the first 200 from
# /hello. Sets PID, STARTUP (ms from launch to it) and STARTCPU (the JVM's user+system CPU until then,
# less sensitive to a busy machine than wall time).
launch() {
  local t0; t0=$(now_ms)
  # shellcheck disable=SC2086
  $JAVA -Xms256m -Xmx256m $1 -cp "$CP" io.opspulse.testapp.JettyHelloApp "$2" > "$3" 2>&1 &
  PID=$!
  for _ in $(seq 1 3000); do
    if curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$2/hello" 2>/dev/null | grep -q 200; then
      STARTUP=$(( $(now_ms) - t0 ))
      STARTCPU=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14+$15)*1000/hz}' "/proc/$PID/stat")
      return 0
    fi
    sleep 0.005
  done
  echo "JettyHelloApp with '$1' did not serve" >&2; kill "$PID"; exit 1
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
