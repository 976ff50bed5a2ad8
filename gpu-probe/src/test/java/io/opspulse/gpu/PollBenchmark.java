package io.opspulse.gpu;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Scripted measurement of one poll per GPU on the NVML stand-in (see docs/benchmarks.md for the
 * command). Every poll reads every field of every GPU through the real JNA binding, lists
 * processes, reads their utilisation samples and their /proc/<pid>/cgroup. Prints time, CPU and
 * allocation per poll per GPU, and checks the two rules: no NVML init per poll, no process spawned.
 */
public final class PollBenchmark {
  private PollBenchmark() {}

  public static void main(String[] args) throws Exception {
    int warmup = Integer.parseInt(System.getProperty("bench.warmup", "3000"));
    int polls = Integer.parseInt(System.getProperty("bench.polls", "20000"));
    Path proc = Files.createTempDirectory("opspulse-bench-proc");
    System.out.printf(
        Locale.ROOT,
        "%-6s %-10s %14s %14s %14s %14s%n",
        "GPUs",
        "procs/GPU",
        "us/poll",
        "us/poll/GPU",
        "cpu us/poll",
        "KiB alloc/poll");
    for (int gpus : new int[] {1, 4, 8}) {
      for (int procsPerGpu : new int[] {0, 4}) {
        Scenario s = Scenario.fullGpus(gpus);
        for (int g = 0; g < gpus; g++) {
          String[] ps = new String[procsPerGpu];
          for (int p = 0; p < procsPerGpu; p++) {
            long pid = 100_000L + g * 100 + p;
            Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
            Files.writeString(
                dir.resolve("cgroup"),
                "0::/system.slice/docker-" + CgroupOwnersTest.A + ".scope\n");
            ps[p] = pid + ":1073741824:" + (p * 10);
          }
          if (procsPerGpu > 0) {
            s.processes(g, ps);
          }
        }
        s.install();
        try (GpuProbe probe = GpuProbe.builder().procRoot(proc).build()) {
          if (probe.status() != ProbeStatus.OK) {
            throw new IllegalStateException("stand-in not loaded: " + probe.poll().reason());
          }
          int initsBefore = StandinHooks.initCalls(probe);
          for (int i = 0; i < warmup; i++) {
            probe.poll();
          }
          var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
          long tid = Thread.currentThread().getId();
          long cpu0 = threads.getCurrentThreadCpuTime();
          long alloc0 = threads.getThreadAllocatedBytes(tid);
          long t0 = System.nanoTime();
          for (int i = 0; i < polls; i++) {
            probe.poll();
          }
          long wall = System.nanoTime() - t0;
          long cpu = threads.getCurrentThreadCpuTime() - cpu0;
          long alloc = threads.getThreadAllocatedBytes(tid) - alloc0;
          if (StandinHooks.initCalls(probe) != initsBefore) {
            throw new IllegalStateException("NVML was initialised during polling");
          }
          if (ProcessHandle.current().children().findAny().isPresent()) {
            throw new IllegalStateException("a poll spawned a process");
          }
          double usPerPoll = wall / 1e3 / polls;
          System.out.printf(
              Locale.ROOT,
              "%-6d %-10d %14.1f %14.1f %14.1f %14.1f%n",
              gpus,
              procsPerGpu,
              usPerPoll,
              usPerPoll / gpus,
              cpu / 1e3 / polls,
              alloc / 1024.0 / polls);
        }
      }
    }
    System.out.println("NVML inits during polling: 0; processes spawned: 0");
  }
}
