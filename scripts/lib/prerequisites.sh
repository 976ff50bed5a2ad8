# What the commands need from Debian, in one place. Sourced by ./opspulse and scripts/lab (and so by
# .ci/run, which only calls ./opspulse test).
#
#   ensure_prerequisites COMMAND
#
# As root it installs what is missing with apt-get (its output in target/apt.log, shown on failure);
# otherwise it names the missing packages in one line and returns 1.

# The lab: a private dockerd (docker.io brings containerd and runc), Prometheus, Alertmanager,
# node_exporter, busybox for the incident containers' image, gcc for the NVML stand-in.
OPSPULSE_LAB_PACKAGES=(docker.io prometheus prometheus-alertmanager prometheus-node-exporter busybox-static gcc)
# Every test: the lab's, plus compose, the socket proxy (nginx), TLS material, curl, the dashboards'
# screenshot browser, Go (go tool pprof reads the profiler's pprof endpoint in its tests).
OPSPULSE_TEST_PACKAGES=("${OPSPULSE_LAB_PACKAGES[@]}" docker-compose nginx-light openssl curl chromium golang-go)
# The images: dockerd to build into when no engine is given, busybox for the healthcheck and the agent's copy.
OPSPULSE_IMAGE_PACKAGES=(docker.io busybox-static)

opspulse_missing_packages() {
  local what="$1" pkg
  local -a want=()
  case "$what" in
    lab) want=("${OPSPULSE_LAB_PACKAGES[@]}") ;;
    test) want=("${OPSPULSE_TEST_PACKAGES[@]}") ;;
    image) want=("${OPSPULSE_IMAGE_PACKAGES[@]}") ;;
    *) want=() ;;
  esac
  # The JDK (javac, jlink) and Maven build every command's jars.
  command -v javac >/dev/null && command -v jlink >/dev/null || echo openjdk-17-jdk-headless
  command -v mvn >/dev/null || echo maven
  if [ "$what" = test ]; then
    # The dashboards build runs node 20+ and npm.
    command -v node >/dev/null || echo nodejs
    command -v npm >/dev/null || echo npm
  fi
  if command -v dpkg >/dev/null; then
    for pkg in "${want[@]}"; do
      dpkg -s "$pkg" >/dev/null 2>&1 || echo "$pkg"
    done
  fi
}

ensure_prerequisites() {
  local what="$1" log
  local -a missing
  mapfile -t missing < <(opspulse_missing_packages "$what")
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "opspulse $what: missing Debian packages: ${missing[*]} (run ./opspulse $what as root to install them, or: apt-get install -y ${missing[*]})" >&2
    return 1
  fi
  mkdir -p target
  log="$PWD/target/apt.log"
  echo "[$what] installing from Debian: ${missing[*]} (log: $log)"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    echo "opspulse $what: apt-get failed; the end of $log:" >&2
    tail -n 30 "$log" >&2
    return 1
  fi
}
