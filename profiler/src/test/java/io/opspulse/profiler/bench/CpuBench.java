package io.opspulse.profiler.bench;

import io.opspulse.profiler.ContinuousProfiler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * A CPU-bound workload with ordinary stacks (string building, hashing, maps, sorting) on as many
 * threads as there are cores, profiler off or on. Prints one RESULT line.
 *
 * <p>Usage: {@code CpuBench <off|periodMs> <warmupSeconds> <measureSeconds>}
 */
public final class CpuBench {
  static volatile long sink;

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    long warmup = Long.parseLong(args[1]) * 1000;
    long measure = Long.parseLong(args[2]) * 1000;
    ContinuousProfiler profiler = BenchProfiler.start(mode);
    int threads = Runtime.getRuntime().availableProcessors();
    LongAdder ops = new LongAdder();
    List<Thread> workers = new ArrayList<>();
    long start = System.currentTimeMillis();
    long measureFrom = start + warmup;
    long measureTo = measureFrom + measure;
    long end =
        measureTo
            + 500; // workers outlive the measurement, so the CPU reading at measureTo sees them
    for (int t = 0; t < threads; t++) {
      int seed = t;
      Thread w =
          new Thread(
              () -> {
                SplittableRandom random = new SplittableRandom(seed);
                try {
                  MessageDigest sha = MessageDigest.getInstance("SHA-256");
                  while (true) {
                    long now = System.currentTimeMillis();
                    if (now >= end) {
                      return;
                    }
                    sink += operation(random, sha);
                    if (now >= measureFrom && now < measureTo) {
                      ops.increment();
                    }
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              "worker-" + t);
      workers.add(w);
      w.start();
    }
    Thread.sleep(Math.max(0, measureFrom - System.currentTimeMillis()));
    java.util.Map<String, Long> cpuFrom =
        BenchProfiler.threadCpuTicks(); // after warm-up: JFR's start-up cost is not steady state
    Thread.sleep(Math.max(0, measureTo - System.currentTimeMillis()));
    java.util.Map<String, Long> cpuTo = BenchProfiler.threadCpuTicks();
    for (Thread w : workers) {
      w.join();
    }
    System.out.printf(
        "RESULT bench=cpu mode=%s threads=%d ops_per_s=%.1f %s %s%n",
        mode,
        threads,
        ops.sum() * 1000.0 / measure,
        BenchProfiler.threadCpu(cpuFrom, cpuTo),
        BenchProfiler.describe(profiler));
    if (profiler != null) {
      profiler.close();
    }
  }

  /** One unit of work: ~0.1 ms of ordinary Java. */
  static long operation(SplittableRandom random, MessageDigest sha) {
    Map<String, Integer> counts = new HashMap<>();
    List<String> words = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String w = "w" + random.nextInt(500);
      counts.merge(w, 1, Integer::sum);
      words.add(w);
    }
    Collections.sort(words);
    StringBuilder sb = new StringBuilder();
    for (String w : words) {
      sb.append(w).append(',');
    }
    byte[] digest = sha.digest(sb.toString().getBytes(StandardCharsets.UTF_8));
    return digest[0] + counts.size();
  }
}
