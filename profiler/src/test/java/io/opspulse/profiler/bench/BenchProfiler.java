package io.opspulse.profiler.bench;

import io.opspulse.profiler.ContinuousProfiler;
import io.opspulse.profiler.ProfileEvent;
import java.time.Duration;

/**
 * The profiler as the agent would run it in a benchmark JVM: started with the given period, and a
 * "scrape" every 5 s computing the top frames (what the gauge callback does), so that cost counts
 * too.
 */
final class BenchProfiler {
  private BenchProfiler() {}

  /** mode "off", or the period in ms ("20"); returns null when off. */
  static ContinuousProfiler start(String mode) {
    if (mode.equals("off")) {
      return null;
    }
    ContinuousProfiler p =
        ContinuousProfiler.builder()
            .period(Duration.ofMillis(Long.parseLong(mode)))
            .events(ProfileEvent.CPU)
            .build();
    p.start();
    Thread scraper =
        new Thread(
            () -> {
              while (true) {
                try {
                  Thread.sleep(5000);
                } catch (InterruptedException e) {
                  return;
                }
                p.topFrames(ProfileEvent.CPU, Duration.ofSeconds(60), 5);
              }
            },
            "bench-scrape");
    scraper.setDaemon(true);
    scraper.start();
    return p;
  }

  /**
   * CPU seconds this process spent in profiler threads (JFR's sampler, recorder, periodic and
   * stream threads, and ours) and in all threads, from /proc/self/task: the profiler's own cost,
   * measured directly, which stays readable on a loaded machine where throughput ratios drown in
   * noise.
   */
  /** CPU ticks by thread: key "tid P" for profiler threads, "tid O" for the others. */
  static java.util.Map<String, Long> threadCpuTicks() {
    java.util.Map<String, Long> ticks = new java.util.HashMap<>();
    java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
    for (java.io.File task : tasks == null ? new java.io.File[0] : tasks) {
      try {
        String comm = java.nio.file.Files.readString(task.toPath().resolve("comm")).strip();
        String stat = java.nio.file.Files.readString(task.toPath().resolve("stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        boolean profiler =
            comm.startsWith("JFR")
                || comm.startsWith("opspulse-prof")
                || comm.startsWith("bench-scrape");
        ticks.put(
            task.getName() + (profiler ? " P" : " O"),
            Long.parseLong(f[11]) + Long.parseLong(f[12]));
      } catch (java.io.IOException | RuntimeException e) {
        // a thread that ended while we looked
      }
    }
    return ticks;
  }

  /**
   * The profiler threads' share of the process's CPU between two {@link #threadCpuTicks} readings,
   * over the threads alive at the second (a thread that ended in between is left out).
   */
  static String threadCpu(java.util.Map<String, Long> from, java.util.Map<String, Long> to) {
    long profiler = 0;
    long total = 0;
    for (java.util.Map.Entry<String, Long> e : to.entrySet()) {
      long d = e.getValue() - from.getOrDefault(e.getKey(), 0L);
      total += d;
      if (e.getKey().endsWith(" P")) {
        profiler += d;
      }
    }
    return String.format(
        java.util.Locale.ROOT,
        "profiler_cpu_s=%.2f process_cpu_s=%.2f profiler_cpu_share=%.4f",
        profiler / 100.0,
        total / 100.0,
        total == 0 ? 0 : profiler / (double) total); // USER_HZ = 100
  }

  static String describe(ContinuousProfiler p) {
    if (p == null) {
      return "samples=0";
    }
    return "state="
        + p.state()
        + " samples="
        + p.samples(ProfileEvent.CPU)
        + " stacks="
        + p.stacksHeld(ProfileEvent.CPU)
        + " source="
        + p.snapshot(Duration.ofSeconds(1), ProfileEvent.CPU).source();
  }
}
