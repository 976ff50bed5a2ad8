# Builds the jars a command runs, and only those, without running or compiling any test. Sourced by
# ./opspulse and scripts/lab.
#
#   build_jars LABEL MODULE...        (modules: exporter, javaagent, lab)
#
# It builds when a jar is missing or any source or pom is newer than it (a `git pull`), prints one
# progress line with the expected time, keeps Maven's output in target/build.log and shows its end only
# when the build fails. `-Dmaven.test.skip` compiles and runs no test; `-Dexec.skip` leaves out the
# dashboards' npm generation and the NVML test stand-ins, which no jar needs.

jar_of() {
  case "$1" in
    exporter) echo exporter/target/opspulse-exporter.jar ;;
    javaagent) echo javaagent/target/opspulse-agent.jar ;;
    lab) echo lab/target/opspulse-lab.jar ;;
    *) echo "build_jars: unknown module $1" >&2; return 2 ;;
  esac
}

# Why the jars must be built, or nothing when they are up to date.
jars_stale() {
  local m jar newer
  for m in "$@"; do
    jar="$(jar_of "$m")"
    [ -f "$jar" ] || { echo "$jar is missing"; return; }
  done
  for m in "$@"; do
    jar="$(jar_of "$m")"
    newer="$(find pom.xml ./*/pom.xml ./*/src/main -type f -newer "$jar" -print -quit 2>/dev/null)"
    [ -n "$newer" ] && { echo "${newer#./} is newer than $jar"; return; }
  done
  return 0
}

# The lab's build step: the three jars it runs.
build_lab_jars() {
  build_jars lab exporter javaagent lab
}

build_jars() {
  local label="$1" why log started
  shift
  why="$(jars_stale "$@")"
  [ -z "$why" ] && return 0
  mkdir -p target
  log="$PWD/target/build.log"
  started=$SECONDS
  printf '[%s] building %s (%s): about 30-90 s, no tests; Maven log: %s ...' \
    "$label" "$(for m in "$@"; do jar_of "$m"; done | xargs -n1 basename | paste -sd, -)" "$why" "$log"
  if mvn -B -ntp -pl "$(IFS=,; echo "$*")" -am package -Dmaven.test.skip=true -Dexec.skip=true >"$log" 2>&1; then
    echo " done in $((SECONDS - started)) s"
  else
    echo " FAILED after $((SECONDS - started)) s"
    echo "[$label] the build failed; the end of $log:" >&2
    tail -n 60 "$log" >&2
    return 1
  fi
}
