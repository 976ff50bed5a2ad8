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

# build_petclinic DIR: compiles the PetClinic application of SpringServersIT (src/test/spring-apps/mvc)
# with bench/petclinic-jdbc (a HikariCP pool on H2 and a page that reads it) into DIR/classes and prints
# its classpath: Spring Boot's Tomcat and MVC jars from target/spring-libs (SpringApps.Stack.MVC_ON_TOMCAT:
# the Jetty, Reactor Netty and DevTools jars left out), HikariCP and H2.
build_petclinic() {
  local libs=() jar
  for jar in target/spring-libs/*.jar; do
    case "$(basename "$jar")" in
      jetty-*|jakarta.websocket*|jakarta.servlet-api*|jakarta.enterprise*|jakarta.inject*|jakarta.interceptor*|jakarta.transaction*|asm-*) ;;
      spring-boot-jetty*|spring-boot-starter-jetty*|spring-boot-devtools*) ;;
      netty-*|reactor-*|reactive-streams*|spring-boot-reactor*|spring-boot-starter-reactor*|spring-boot-netty*) ;;
      spring-webflux*|spring-boot-webflux*|spring-boot-starter-webflux*) ;;
      *) libs+=("$PWD/$jar") ;;
    esac
  done
  libs+=("$PWD"/target/app-libs/HikariCP-*.jar "$PWD"/target/app-libs/h2-*.jar)
  local cp; cp=$(IFS=:; echo "${libs[*]}")
  mkdir -p "$1/classes"
  find src/test/spring-apps/mvc bench/petclinic-jdbc -name '*.java' > "$1/sources"
  javac --release 17 -parameters -proc:none -cp "$cp" -d "$1/classes" @"$1/sources"
  echo "$1/classes:$cp"
}

# thread_cpu PID: the process's CPU so far by kind of its live threads (ms): main, the opspulse agent's,
# JIT compilers, GC, the rest; "gone": threads that have ended (the agent's start thread among them).
thread_cpu() {
  local hz; hz=$(getconf CLK_TCK)
  for t in /proc/"$1"/task/*; do
    printf '%s\t%s\n' "$(cat "$t/comm" 2>/dev/null)" "$(awk '{print $14+$15}' "$t/stat" 2>/dev/null)" # a thread may end meanwhile
  done | awk -F'\t' -v hz="$hz" -v total="$(awk '{print $14+$15}' "/proc/$1/stat")" '
    { k = "other" }
    $1 == "java" { k = "main" } # the launcher names the main thread after the program
    $1 ~ /^opspulse/ { k = "agent" }
    $1 ~ /CompilerThre|C[12] Compiler/ { k = "jit" }
    $1 ~ /^G1 |^GC |GC Thread|G1 Conc|G1 Refine|G1 Service/ { k = "gc" }
    { c[k] += $2 }
    { live += $2 }
    END { printf "main=%d agent=%d jit=%d gc=%d other=%d gone=%d", c["main"]*1000/hz, c["agent"]*1000/hz,
      c["jit"]*1000/hz, c["gc"]*1000/hz, c["other"]*1000/hz, (total-live)*1000/hz }'
}
