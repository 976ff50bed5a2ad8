package io.opspulse.exporter;

import com.sun.management.ThreadMXBean;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What one rendering of the fleet costs in one JVM, without HTTP: time and bytes allocated by
 * {@link FleetCollector#collect()} when a cgroup sample changed the running containers' usage, and
 * by encoding the result whole. The fleet is the HTTP benchmark's: 100 running containers, the rest
 * created. Not a test; run it as docs/benchmarks.md says. Allocation is counted per thread, so it
 * does not depend on how loaded the machine is; the times do.
 */
public final class RenderBenchmark {
  public static void main(String[] args) throws Exception {
    int containers = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = 200;
    FleetView[] views = {fleet(containers, 0), fleet(containers, 1)};
    long[] version = {0};
    FleetCollector collector =
        new FleetCollector(
            () -> version[0],
            () -> views[(int) (version[0] & 1)],
            new SelfStats(),
            5000,
            List.of());
    ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    for (int pass = 0; pass < 3; pass++) { // the first passes warm the JIT up
      long renderNanos = 0;
      long renderBytes = 0;
      long encodeNanos = 0;
      long encodeBytes = 0;
      int size = 0;
      for (int i = 0; i < rounds; i++) {
        version[0]++; // a cgroup sample: the usage of the running containers moved
        long a0 = mx.getThreadAllocatedBytes(thread);
        long t0 = System.nanoTime();
        var snapshots = collector.collect();
        long t1 = System.nanoTime();
        long a1 = mx.getThreadAllocatedBytes(thread);
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        writer.write(out, snapshots);
        size = out.size();
        encodeNanos += System.nanoTime() - t1;
        encodeBytes += mx.getThreadAllocatedBytes(thread) - a1;
        renderNanos += t1 - t0;
        renderBytes += a1 - a0;
      }
      System.out.printf(
          Locale.ROOT,
          "pass %d, %d containers: render %.2f ms, %.2f MB allocated; whole encoding %.2f ms, "
              + "%.2f MB allocated, %d KiB of text%n",
          pass,
          containers,
          renderNanos / 1e6 / rounds,
          renderBytes / 1e6 / rounds,
          encodeNanos / 1e6 / rounds,
          encodeBytes / 1e6 / rounds,
          size / 1024);
    }
  }

  private static FleetView fleet(int containers, int sample) {
    TestFleet fleet = TestFleet.fleet().up(true).engine("24.0.7", "1.43", 2, 24L << 30);
    for (int i = 0; i < containers; i++) {
      TestFleet.Container c =
          TestFleet.container("bench-" + i)
              .id(String.format("%064x", i))
              .compose("bench", "svc" + (i & 15))
              .origin(Origin.DECLARED);
      if (i < 100) {
        c.running(Instant.parse("2026-11-23T10:00:00Z"), 1000 + i)
            .usage(i + sample * 0.01, 1L << 20, 1);
      }
      fleet.with(c);
    }
    return fleet.build();
  }
}
