package io.opspulse.profiler;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Heap retained by one event's rolling window, measured (used heap after full GCs, with and without
 * the window reachable) for a realistic service and for the worst case the caps allow. Run with
 * {@code -Xmx1g -XX:+UseSerialGC} so the after-GC figures are exact.
 *
 * <p>Usage: {@code AggregationMemoryBench [maxStacks] [maxDepth]}
 */
public final class AggregationMemoryBench {
  public static void main(String[] args) {
    int maxStacks = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
    int maxDepth = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    Duration window = Duration.ofSeconds(60);

    // Load what formatting and GC reporting allocate once, so it is not mistaken for the window's.
    System.out.printf(
        "warm-up %s %.2f%n", String.format("%d", usedAfterGc()), usedAfterGc() / 1048576.0);
    RollingProfile[] held = new RollingProfile[1];
    held[0] = fill(window, maxStacks, maxDepth, 200, 30, 2_000, 100);
    report("typical: 100 samples/s for 60 s, 200 distinct stacks of 30 frames", held);
    // Worst case: every 1 s bucket holds the cap of distinct stacks, every stack at full depth, and
    // as many distinct ~90-character frame names as the frame cap allows.
    held[0] =
        fill(
            window,
            maxStacks,
            maxDepth,
            maxStacks,
            maxDepth,
            RollingProfile.framesFor(maxStacks),
            maxStacks);
    report(
        "worst case: " + maxStacks + " stacks x " + maxDepth + " frames in each of 60 buckets",
        held);
  }

  private static RollingProfile fill(
      Duration window,
      int maxStacks,
      int maxDepth,
      int distinctStacks,
      int depth,
      int framePool,
      int samplesPerSecond) {
    AtomicLong now = new AtomicLong(0);
    RollingProfile p =
        new RollingProfile(
            ProfileEvent.CPU, window, Duration.ofSeconds(1), maxStacks, maxDepth, now::get);
    SplittableRandom random = new SplittableRandom(42);
    String[][] stacks = new String[distinctStacks][];
    for (int s = 0; s < distinctStacks; s++) {
      String[] frames = new String[depth];
      for (int f = 0; f < depth; f++) {
        int id = random.nextInt(framePool);
        frames[f] =
            "com.example.service.module"
                + (id % 97)
                + ".SomeReasonablyNamedClass"
                + id
                + ".handleRequest"
                + id;
      }
      stacks[s] = frames;
    }
    for (int second = 0; second < window.toSeconds(); second++) {
      now.set(second * 1000L);
      for (int i = 0; i < samplesPerSecond; i++) {
        String[] stack =
            samplesPerSecond == distinctStacks ? stacks[i] : stacks[random.nextInt(distinctStacks)];
        p.add(now.get(), stack.clone(), false, 1);
      }
    }
    stacks = null;
    return p;
  }

  /** Used heap with the window reachable minus used heap once it is not. */
  private static void report(String what, RollingProfile[] held) {
    String shape =
        String.format(
            "stacks=%d frames=%d entries=%d overflow_samples=%d",
            held[0].stacksHeld(),
            held[0].framesHeld(),
            held[0].entriesHeld(),
            held[0].overflowSamples());
    long with = usedAfterGc();
    held[0] = null;
    long bytes = with - usedAfterGc();
    System.out.printf(
        "RESULT memory case=\"%s\" %s retained_bytes=%d retained_mib=%.2f%n",
        what, shape, bytes, bytes / 1048576.0);
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
