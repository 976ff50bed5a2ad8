# Shared by the agent's benchmark scripts (sourced, from javaagent/): launching the Jetty bench app and
# timing its first request, the same way for every script.
JAVA=${JAVA:-java}
CP="target/test-classes:target/app-libs/*"

now_ms() { date +%s%3N; }

# launch FLAGS PORT LOG: starts JettyHelloApp with FLAGS (fixed heap) and waits for the first 200 from
# /hello. Sets PID, STARTUP (ms from launch to it) and STARTCPU (the JVM's user+system CPU until then,
# less sensitive to a busy machine than wall time).
launch() {
  # shellcheck disable=SC2086
  launch_until "http://127.0.0.1:$2/hello" "$3" $JAVA -Xms256m -Xmx256m $1 -cp "$CP" io.opspulse.testapp.JettyHelloApp "$2"
}

# launch_until URL LOG COMMAND...: starts COMMAND in the background and waits (up to 120 s) for the
# first 200 from URL; sets PID, STARTUP and STARTCPU as launch does.
launch_until() {
  local url=$1 log=$2 t0; shift 2
  t0=$(now_ms)
  "$@" > "$log" 2>&1 &
  PID=$!
  while [ $(( $(now_ms) - t0 )) -lt 120000 ]; do
    if curl -s -o /dev/null -w '%{http_code}' "$url" 2>/dev/null | grep -q 200; then
      STARTUP=$(( $(now_ms) - t0 ))
      STARTCPU=$(cpu_ms "$PID")
      return 0
    fi
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.005
  done
  echo "'$*' did not serve $url (log: $log)" >&2; stop "$PID"; exit 1
}

# cpu_ms PID: the process's user+system CPU so far, in ms.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14+$15)*1000/hz}' "/proc/$1/stat"; }

# rss_mib PID: the process's resident set, in MiB.
rss_mib() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
