#!/usr/bin/env bash
# Start-up of a real Spring Boot 4 MVC application on embedded Tomcat with a HikariCP pool on H2 (the
# PetClinic application of SpringServersIT, src/test/spring-apps/mvc, plus bench/petclinic-jdbc), launched
# with no agent, jmx_exporter's agent, OpenTelemetry's agent and opspulse's, round-robin (the order turns
# each round), ROUNDS rounds, medians:
#   first response  ms from `java` to the first 200 from /db/owners/1 (a page that reads the pool)
#   CPU             the JVM's user+system CPU until then (steadier than wall time on a busy machine)
#   RSS             resident set after LOAD more requests
# and what each agent adds to no agent, and opspulse's added time over jmx_exporter's.
# Usage (from javaagent/, after `mvn -B -ntp -q -pl javaagent -am verify -DskipTests`, which builds the
# agent and copies Spring Boot's jars to target/spring-libs):
#   bench/spring-startup.sh [ROUNDS] [OTEL_AGENT_JAR] [JMX_AGENT_JAR]
# The agent jars default to Maven's local repository (`mvn dependency:get -Dartifact=...` fetches them).
# EXTRA_JAR=path adds a row for another opspulse agent jar (an earlier build), in the same run;
# OPSPULSE_FLAGS more JVM flags for opspulse's row (-Dopspulse.debug=true logs its steps to the launch's log).
# Every JVM binds 127.0.0.1 and runs with a fixed, pre-touched heap; each is stopped by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib.sh
. bench/lib.sh
ROUNDS=${1:-5}
M2=${M2:-$HOME/.m2/repository}
OTEL_JAR=${2:-$M2/io/opentelemetry/javaagent/opentelemetry-javaagent/2.26.1/opentelemetry-javaagent-2.26.1.jar}
JMX_JAR=${3:-$M2/io/prometheus/jmx/jmx_prometheus_javaagent/1.0.1/jmx_prometheus_javaagent-1.0.1.jar}
LOAD=${LOAD:-500}
# The heap fixed and touched at start: otherwise RSS counts how much of the heap each JVM happened to
# touch (the agents allocate more at start, so more of the young generation is resident), not memory
# the agent holds.
HEAP=${HEAP:-"-Xms256m -Xmx256m -XX:+AlwaysPreTouch"}
PORT=18970
MPORT=18971
for jar in target/opspulse-agent.jar "$OTEL_JAR" "$JMX_JAR" ${EXTRA_JAR:-}; do
  [ -f "$jar" ] || { echo "no $jar" >&2; exit 1; }
done
WORK=$(mktemp -d)
PID=
trap 'if [ -n "$PID" ]; then stop "$PID"; fi; rm -rf "$WORK"' EXIT

APPCP=$(build_petclinic "$WORK")
printf -- '---\nrules:\n- pattern: ".*"\n' > "$WORK/jmx.yaml"

flags_for() {
  case "$1" in
    none) echo "" ;;
    jmx) echo "-javaagent:$JMX_JAR=127.0.0.1:$MPORT:$WORK/jmx.yaml" ;;
    otel) echo "-javaagent:$OTEL_JAR -Dotel.traces.exporter=none -Dotel.logs.exporter=none -Dotel.metrics.exporter=prometheus -Dotel.exporter.prometheus.host=127.0.0.1 -Dotel.exporter.prometheus.port=$MPORT" ;;
    opspulse) echo "-javaagent:target/opspulse-agent.jar=host=127.0.0.1,port=$MPORT,state.dir=$WORK/state ${OPSPULSE_FLAGS:-}" ;;
    extra) echo "-javaagent:$EXTRA_JAR=host=127.0.0.1,port=$MPORT,state.dir=$WORK/state" ;;
  esac
}

variants=(none jmx otel opspulse)
[ -n "${EXTRA_JAR:-}" ] && variants+=(extra)
n=${#variants[@]}
echo "load before: $(uptime)"
for r in $(seq 0 $((ROUNDS - 1))); do
  for i in $(seq 0 $((n - 1))); do
    v=${variants[$(( (i + r) % n ))]}
    # shellcheck disable=SC2046,SC2086
    launch_until "http://127.0.0.1:$PORT/db/owners/1" "$WORK/$v.log" \
      $JAVA $HEAP $(flags_for "$v") -Dserver.address=127.0.0.1 -Dserver.port=$PORT -cp "$APPCP" \
      io.opspulse.petclinic.PetClinicApp
    threads=$(thread_cpu "$PID" | tr -d 'a-z=')
    curl -s "http://127.0.0.1:$PORT/db/owners/[1-$LOAD]" > /dev/null
    echo "$v $STARTUP $STARTCPU $(rss_mib "$PID") $threads" >> "$WORK/runs"
    stop "$PID"; PID=
  done
  echo "round $((r + 1)) done, $(uptime)" >&2
done
echo "load after: $(uptime)"
col() { awk -v v="$1" -v c="$2" '$1==v {print $c}' "$WORK/runs" | median; }
echo
echo "| agent | first response (ms, median of $ROUNDS) | added | CPU until then (ms) | added | RSS after $LOAD requests (MiB) | added |"
echo "|---|---|---|---|---|---|---|"
base_ms=$(col none 2); base_cpu=$(col none 3); base_rss=$(col none 4)
for v in "${variants[@]}"; do
  ms=$(col "$v" 2); cpu=$(col "$v" 3); rss=$(col "$v" 4)
  echo "| $v | $ms | $((ms - base_ms)) | $cpu | $((cpu - base_cpu)) | $rss | $((rss - base_rss)) |"
done
echo
echo "CPU until the first response by thread (ms, medians; gone: threads ended by then, the agent's start thread among them):"
echo
echo "| agent | main | agent's live threads | JIT compilers | GC | other | gone |"
echo "|---|---|---|---|---|---|---|"
for v in "${variants[@]}"; do
  echo "| $v | $(col "$v" 5) | $(col "$v" 6) | $(col "$v" 7) | $(col "$v" 8) | $(col "$v" 9) | $(col "$v" 10) |"
done
added() { echo $(( $(col "$1" "$2") - $(col none "$2") )); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "n/a (jmx added <= 0)"; else printf "%.2f\n", a / b }'; }
echo
echo "opspulse added / jmx_exporter added: first response $(ratio "$(added opspulse 2)" "$(added jmx 2)"), CPU $(ratio "$(added opspulse 3)" "$(added jmx 3)")"
echo
echo "every launch (agent, first response ms, CPU ms, RSS MiB, then CPU ms of main, agent, JIT, GC, other, gone):"
cat "$WORK/runs"
