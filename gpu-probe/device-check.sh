#!/usr/bin/env bash
# The device check: opspulse against a real NVIDIA driver, in one run of a few minutes, offline.
#
#   gpu-probe/device-check.sh OUT_DIR
#
# Builds (or takes) the exporter jar, starts a small GPU load where the machine has a way to, runs the
# exporter and the `gpu` command against libnvidia-ml.so.1, and compares their readings with nvidia-smi
# field by field. Everything lands in OUT_DIR: verdict.txt (one line), comparison.md / comparison.tsv (a
# row and PASS/FAIL per field and GPU), poll-timing.md (GpuProbe.poll() time per GPU, goal < 5 ms),
# signals.md (XID, PCIe, NVLink, retired pages, remapped rows, MIG as this GPU reports them), the raw
# readings and the logs. Exit 0 when every field and the poll-time goal pass, 1 otherwise, 2 when the
# check could not run.
#
# Environment (all optional):
#   OPSPULSE_EXPORTER_JAR  a built opspulse-exporter.jar; else exporter/target/opspulse-exporter.jar; else
#                          built here with `mvn -o` (needs a filled ~/.m2), then `mvn` online
#   OPSPULSE_NVML_LIBRARY  an NVML file to load instead of the dynamic linker's libnvidia-ml.so.1
#   NVIDIA_SMI             the nvidia-smi to compare with (default: nvidia-smi on PATH)
#   OPSPULSE_GPU_LOAD      auto (default: PyTorch with CUDA, else a kernel built with nvcc, else none),
#                          none, or a command to run as the load
#   OPSPULSE_LOAD_SECONDS  how long the load runs (default 120; it is stopped when the check ends)
#   OPSPULSE_PORT          the exporter's port on 127.0.0.1 (default 19838)
#   OPSPULSE_POLL_GOAL_MS  the poll time per GPU to pass (default 5)
#   JAVA                   the java to use (default: java on PATH; 17 or newer)
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUT_DIR" >&2
  exit 2
fi
mkdir -p "$1"
out="$(cd "$1" && pwd)"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
log="$out/device-check.log"
: >"$log"
java="${JAVA:-java}"
smi="${NVIDIA_SMI:-nvidia-smi}"
port="${OPSPULSE_PORT:-19838}"
load_seconds="${OPSPULSE_LOAD_SECONDS:-120}"
pids=()

say() { echo "device-check: $*" | tee -a "$log" >&2; }
fail() { say "$*"; echo "NOT RUN: $*" >"$out/verdict.txt"; exit 2; }

# Everything this script started is stopped by its pid when it ends, however it ends.
cleanup() {
  for pid in "${pids[@]:-}"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]:-}"; do
    [[ -n "$pid" ]] && wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

command -v "$java" >/dev/null || fail "no java on PATH (set JAVA)"
command -v "$smi" >/dev/null || [[ -x "$smi" ]] || fail "no nvidia-smi (set NVIDIA_SMI)"

# --- 1. the jar -------------------------------------------------------------------------------------
jar="${OPSPULSE_EXPORTER_JAR:-}"
if [[ -z "$jar" && -f "$repo/exporter/target/opspulse-exporter.jar" ]]; then
  jar="$repo/exporter/target/opspulse-exporter.jar"
fi
if [[ -z "$jar" ]]; then
  say "building the exporter jar from the working tree"
  # Only the modules the exporter needs; no tests, no stand-in (gcc may be absent on a GPU machine).
  build=(mvn -B -ntp -q -f "$repo/pom.xml" -pl exporter -am package -DskipTests -Dexec.skip=true)
  if ! "${build[@]}" -o >>"$log" 2>&1; then
    say "offline build failed (empty ~/.m2?); trying online"
    "${build[@]}" >>"$log" 2>&1 || fail "could not build the exporter jar: see $log, or set OPSPULSE_EXPORTER_JAR"
  fi
  jar="$repo/exporter/target/opspulse-exporter.jar"
fi
[[ -f "$jar" ]] || fail "no exporter jar at $jar"
jar="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
jvm=()
if [[ -n "${OPSPULSE_NVML_LIBRARY:-}" ]]; then
  jvm+=("-Dopspulse.nvml.library=$OPSPULSE_NVML_LIBRARY")
fi
say "jar: $jar"

# --- 2. what machine this is ------------------------------------------------------------------------
{
  echo "date: $(date -u +%FT%TZ)"
  echo "host: $(uname -srm)"
  echo "java: $("$java" -version 2>&1 | head -1)"
  echo "nvidia-smi: $smi"
  "$smi" -L 2>&1 || true
  "$smi" --query-gpu=driver_version --format=csv,noheader,nounits 2>&1 | head -1 | sed 's/^/driver: /' || true
} >"$out/environment.txt"

# --- 3. a small GPU load, where the machine has a way to ---------------------------------------------
load="${OPSPULSE_GPU_LOAD:-auto}"
load_cmd=()
load_note="none (OPSPULSE_GPU_LOAD=none)"
if [[ "$load" == "auto" ]]; then
  if command -v python3 >/dev/null && python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
    cat >"$out/load.py" <<PY
import time, torch
# About 1 GiB on every GPU and matrix products on it, so utilisation, power, clocks and a compute
# process with memory are there to compare.
deadline = time.time() + $load_seconds
xs = [torch.randn(16384, 16384, device=f"cuda:{i}") for i in range(torch.cuda.device_count())]
while time.time() < deadline:
    for x in xs:
        y = x @ x
    torch.cuda.synchronize()
PY
    load_cmd=(python3 "$out/load.py")
    load_note="PyTorch $(python3 -c 'import torch; print(torch.__version__)' 2>/dev/null)"
  elif command -v nvcc >/dev/null || [[ -x /usr/local/cuda/bin/nvcc ]]; then
    nvcc="$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)"
    cat >"$out/load.cu" <<'CU'
#include <cstdio>
#include <cstdlib>
#include <ctime>
// Holds 1 GiB on every GPU and keeps its SMs busy until the deadline.
__global__ void spin(float *p, size_t n) {
  size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x;
  if (i < n) { float v = p[i]; for (int k = 0; k < 4096; k++) v = v * 0.999f + 0.001f; p[i] = v; }
}
int main(int argc, char **argv) {
  int seconds = argc > 1 ? atoi(argv[1]) : 120, gpus = 0;
  cudaGetDeviceCount(&gpus);
  size_t n = (1ull << 30) / sizeof(float);
  float **mem = (float **) calloc(gpus, sizeof(float *));
  for (int g = 0; g < gpus; g++) { cudaSetDevice(g); cudaMalloc(&mem[g], n * sizeof(float)); cudaMemset(mem[g], 0, n * sizeof(float)); }
  time_t end = time(NULL) + seconds;
  while (time(NULL) < end)
    for (int g = 0; g < gpus; g++) { cudaSetDevice(g); spin<<<(unsigned) ((n + 255) / 256), 256>>>(mem[g], n); cudaDeviceSynchronize(); }
  return 0;
}
CU
    if "$nvcc" -O2 -o "$out/load" "$out/load.cu" >>"$log" 2>&1; then
      load_cmd=("$out/load" "$load_seconds")
      load_note="CUDA kernel built with $nvcc"
    else
      load_note="none: nvcc could not build the load kernel (see the log)"
    fi
  else
    load_note="none: no PyTorch with CUDA and no nvcc on this machine (readings compared at idle)"
  fi
elif [[ "$load" != "none" ]]; then
  read -r -a load_cmd <<<"$load"
  load_note="given: $load"
fi
if [[ ${#load_cmd[@]} -gt 0 ]]; then
  "${load_cmd[@]}" >"$out/load.log" 2>&1 &
  load_pid=$!
  pids+=("$load_pid")
  say "load started (pid $load_pid): $load_note"
  # Compare once the load holds its memory: its pid shows among nvidia-smi's compute apps.
  for _ in $(seq 1 120); do
    if "$smi" --query-compute-apps=pid --format=csv,noheader,nounits 2>/dev/null | grep -qx "$load_pid"; then
      break
    fi
    kill -0 "$load_pid" 2>/dev/null || { load_note="$load_note (exited early: see load.log)"; break; }
    sleep 0.5
  done
  sleep 3 # let utilisation, power and clocks settle under the load
else
  say "load: $load_note"
fi
echo "load: $load_note" >>"$out/environment.txt"

# --- 4. the gpu command, as a user runs it ------------------------------------------------------------
"$java" "${jvm[@]}" -jar "$jar" gpu >"$out/gpu-table.txt" 2>>"$log" || say "gpu exited $? (see gpu-table.txt)"

# --- 5. the exporter, polling NVML every second ---------------------------------------------------------
"$java" "${jvm[@]}" -jar "$jar" --web.listen-address "127.0.0.1:$port" --gpu.interval 1s >"$out/exporter.log" 2>&1 &
exporter_pid=$!
pids+=("$exporter_pid")
say "exporter started (pid $exporter_pid) on 127.0.0.1:$port"

# --- 6. compare, time, write ---------------------------------------------------------------------------
set +e
"$java" "${jvm[@]}" -cp "$jar" "$here/src/devicecheck/DeviceCheck.java" \
  --out "$out" --metrics-url "http://127.0.0.1:$port/metrics" --nvidia-smi "$smi" \
  --poll-goal-ms "${OPSPULSE_POLL_GOAL_MS:-5}" 2>>"$log"
rc=$?
set -e
kill -0 "$exporter_pid" 2>/dev/null || say "the exporter had stopped: see exporter.log"
say "$(cat "$out/verdict.txt" 2>/dev/null || echo "no verdict (DeviceCheck exited $rc)")"
say "results in $out: verdict.txt comparison.md comparison.tsv poll-timing.md signals.md"
exit "$rc"
