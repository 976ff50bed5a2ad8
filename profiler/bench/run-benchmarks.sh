#!/usr/bin/env bash
# Profiler off vs on, side by side in one run: interleaved rounds, fresh JVM per run, medians.
# Usage (from the repository root): profiler/bench/run-benchmarks.sh [rounds] [java]
# Needs wrk (Debian: apt-get install -y wrk). Loopback only; every process it starts is stopped by pid.
set -euo pipefail
ROUNDS=${1:-5}
JAVA=${2:-java}
cd "$(dirname "$0")/../.."
mvn -o -q -pl profiler test-compile
CP=profiler/target/classes:profiler/target/test-classes
OUT=$(mktemp -d /tmp/profiler-bench.XXXXXX)
echo "# $(date -u +%FT%TZ) $(nproc) cores, $("$JAVA" -version 2>&1 | head -1), rounds=$ROUNDS, results in $OUT"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# --- CPU-bound workload, 2 threads (= cores): off, 20 ms (default), 10 ms -------------------------
MODES=(off 20 10)
for r in $(seq 1 "$ROUNDS"); do
  for i in 0 1 2; do
    mode=${MODES[$(( (i + r) % 3 ))]}   # rotate the order every round
    line=$("$JAVA" -Xmx512m -cp "$CP" io.opspulse.profiler.bench.CpuBench "$mode" 4 12 2>/dev/null | grep '^RESULT')
    echo "cpu round=$r $line"
    echo "$line" | sed -E 's/.*ops_per_s=([0-9.]+).*/\1/' >> "$OUT/cpu-$mode"
    echo "$line" | sed -E 's/.*profiler_cpu_share=([0-9.]+).*/\1/' >> "$OUT/cpu-share-$mode"
  done
done

# --- HTTP hello endpoint under wrk: off vs 20 ms ----------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
for r in $(seq 1 "$ROUNDS"); do
  for mode in $( ((r % 2)) && echo "off 20" || echo "20 off"); do
    port=$(free_port)
    # nodelay: the JDK server writes headers and body apart; without it Nagle + delayed ACK add 40 ms.
    "$JAVA" -Xmx512m -Dsun.net.httpserver.nodelay=true -cp "$CP" io.opspulse.profiler.bench.HttpBench "$mode" "$port" > "$OUT/http-$mode-$r.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do grep -q READY "$OUT/http-$mode-$r.log" && break; sleep 0.1; done
    wrk -t1 -c16 -d4s "http://127.0.0.1:$port/hello" > /dev/null            # warm-up, discarded
    curl -s "http://127.0.0.1:$port/cpu?mark" > /dev/null
    wrk -t1 -c16 -d12s --latency "http://127.0.0.1:$port/hello" > "$OUT/wrk-$mode-$r.txt"
    cpu=$(curl -s "http://127.0.0.1:$port/cpu")
    share=$(echo "$cpu" | sed -E 's/.*profiler_cpu_share=([-0-9.]+).*/\1/')
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$OUT/wrk-$mode-$r.txt")
    p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}' "$OUT/wrk-$mode-$r.txt")
    echo "http round=$r mode=$mode req_per_s=$rps p99_ms=$p99 $cpu $(grep '^RESULT' "$OUT/http-$mode-$r.log" | cut -d' ' -f4-)"
    echo "$rps" >> "$OUT/http-rps-$mode"; echo "$p99" >> "$OUT/http-p99-$mode"; echo "$share" >> "$OUT/http-share-$mode"
  done
done

# --- memory held by one event's window -------------------------------------------------------------
"$JAVA" -Xmx1g -XX:+UseSerialGC -cp "$CP" io.opspulse.profiler.AggregationMemoryBench | grep '^RESULT'

echo
echo "## medians"
off=$(median < "$OUT/cpu-off")
for mode in off 20 10; do
  m=$(median < "$OUT/cpu-$mode")
  echo "cpu mode=$mode median_ops_per_s=$m ratio_to_off=$(awk -v a="$m" -v b="$off" 'BEGIN {printf "%.4f", a/b}') median_profiler_cpu_share=$(median < "$OUT/cpu-share-$mode")"
done
hoff=$(median < "$OUT/http-rps-off")
for mode in off 20; do
  m=$(median < "$OUT/http-rps-$mode")
  echo "http mode=$mode median_req_per_s=$m ratio_to_off=$(awk -v a="$m" -v b="$hoff" 'BEGIN {printf "%.4f", a/b}') median_p99_ms=$(median < "$OUT/http-p99-$mode") median_profiler_cpu_share=$(median < "$OUT/http-share-$mode")"
done
