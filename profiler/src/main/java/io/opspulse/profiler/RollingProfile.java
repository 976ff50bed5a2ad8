package io.opspulse.profiler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The rolling window of one event: a ring of time buckets, each mapping stack ids to weights, over
 * a {@link StackTable} shared by the buckets. A bucket older than the window is emptied and its
 * stacks released, so memory follows what the window holds, never the process's age.
 *
 * <p>Memory is bounded by construction: at most {@code maxStacks} distinct stacks of at most {@code
 * maxDepth + 1} frames, at most {@code 4 * maxStacks} distinct frame names of at most 512
 * characters, and at most {@code 16 * maxStacks} (bucket, stack) weight entries over the window,
 * plus one overflow entry per bucket. Samples past a cap count under the {@code [overflow]} stack.
 * One thread adds (JFR's stream); HTTP and metric threads take snapshots, so both are synchronized:
 * an add is a few hash lookups, a snapshot copies at most the window's entries.
 */
final class RollingProfile {
  private static final long NONE = Long.MIN_VALUE;

  private final ProfileEvent event;
  private final long resolutionMillis;
  private final int maxDepth;
  private final LongSupplier clockMillis;
  private final StackTable table;
  private final long[] stamps;
  private final WeightMap[] weights;
  private volatile String source;
  // Written under the lock by the one adding thread, read without it: metric callbacks never wait.
  private volatile long samples;
  private volatile long overflowSamples;
  private volatile long lateSamples;
  private long expiredUpTo = NONE;
  private final int maxEntries;
  private int entries;

  RollingProfile(
      ProfileEvent event,
      Duration window,
      Duration resolution,
      int maxStacks,
      int maxDepth,
      LongSupplier clockMillis) {
    this.event = event;
    this.resolutionMillis = resolution.toMillis();
    if (resolutionMillis < 1 || window.toMillis() % resolutionMillis != 0) {
      throw new IllegalArgumentException(
          "window " + window + " must be a whole number of resolution " + resolution);
    }
    int n = Math.toIntExact(window.toMillis() / resolutionMillis);
    if (n < 1 || n > 3600) {
      throw new IllegalArgumentException("window / resolution must be 1 to 3600 buckets, got " + n);
    }
    if (maxDepth < 1) {
      throw new IllegalArgumentException("maxDepth must be at least 1: " + maxDepth);
    }
    this.maxDepth = maxDepth;
    this.clockMillis = clockMillis;
    this.table = new StackTable(maxStacks, framesFor(maxStacks));
    this.maxEntries = entriesFor(maxStacks);
    this.stamps = new long[n];
    Arrays.fill(stamps, NONE);
    this.weights = new WeightMap[n];
    for (int i = 0; i < n; i++) {
      weights[i] = new WeightMap();
    }
    this.source = "";
  }

  /**
   * The cap on distinct frame names: four per stack on average. Real stacks share most frames (the
   * thread's entry, the framework), so only a flood of unrelated stacks meets it, and without it
   * {@code maxStacks * maxDepth} distinct names would be the bound.
   */
  static int framesFor(int maxStacks) {
    return maxStacks * 4;
  }

  /**
   * The cap on (bucket, stack) entries over the whole window: sixteen per stack. A window where
   * every bucket holds every stack would otherwise cost {@code buckets * maxStacks} entries; real
   * services see far fewer (a minute of CPU samples at 20 ms is at most 15,000 samples on JDK 17).
   */
  static int entriesFor(int maxStacks) {
    return maxStacks * 16;
  }

  ProfileEvent event() {
    return event;
  }

  void source(String source) {
    this.source = source;
  }

  /**
   * Counts one sample.
   *
   * @param eventMillis when it was taken (epoch millis); samples older than the window are dropped
   * @param rootFirst its frames, root first; the array may be kept
   * @param truncated whether JFR cut the stack short
   * @param weight 1 for a CPU sample, bytes or nanoseconds for the others
   */
  synchronized void add(long eventMillis, String[] rootFirst, boolean truncated, long weight) {
    long nowIdx = Math.floorDiv(clockMillis.getAsLong(), resolutionMillis);
    expire(nowIdx);
    long idx = Math.min(Math.floorDiv(eventMillis, resolutionMillis), nowIdx);
    if (idx <= nowIdx - stamps.length) {
      lateSamples = lateSamples + 1;
      return;
    }
    int slot = (int) Math.floorMod(idx, (long) stamps.length);
    stamps[slot] = idx; // expire() emptied whatever older bucket used this slot
    int id = table.idOf(capDepth(rootFirst, truncated));
    if (id == StackTable.NO_ROOM || (entries >= maxEntries && !weights[slot].contains(id))) {
      id = StackTable.OVERFLOW_ID;
      overflowSamples = overflowSamples + 1;
    }
    if (weights[slot].add(id, weight)) {
      table.retain(id);
      entries++;
    }
    samples = samples + 1;
  }

  /** The last {@code span} of the window (rounded up to whole buckets, at most the window). */
  Profile snapshot(Duration span) {
    long now;
    long minIdx;
    Map<Integer, Long> sum = new HashMap<>();
    Map<Integer, List<String>> frames = new HashMap<>();
    synchronized (this) { // only copy under the lock; sorting and building happen outside it
      now = clockMillis.getAsLong();
      long nowIdx = Math.floorDiv(now, resolutionMillis);
      expire(nowIdx);
      long spanBuckets =
          Math.max(
              1,
              Math.min(stamps.length, (span.toMillis() + resolutionMillis - 1) / resolutionMillis));
      minIdx = nowIdx - spanBuckets + 1;
      for (int slot = 0; slot < stamps.length; slot++) {
        if (stamps[slot] != NONE && stamps[slot] >= minIdx) {
          weights[slot].forEach((id, w) -> sum.merge(id, w, Long::sum));
        }
      }
      for (Integer id : sum.keySet()) {
        frames.put(id, table.frames(id));
      }
    }
    List<FoldedStack> stacks = new ArrayList<>(sum.size());
    // Every id in sum had its frames looked up above.
    sum.forEach((id, w) -> stacks.add(new FoldedStack(Objects.requireNonNull(frames.get(id)), w)));
    stacks.sort(
        Comparator.comparingLong(FoldedStack::weight)
            .reversed()
            .thenComparing(s -> String.join(";", s.frames())));
    return new Profile(
        event,
        source,
        Instant.ofEpochMilli(minIdx * resolutionMillis),
        Instant.ofEpochMilli(now),
        stacks,
        sum.getOrDefault(StackTable.OVERFLOW_ID, 0L));
  }

  long samples() {
    return samples;
  }

  long overflowSamples() {
    return overflowSamples;
  }

  long lateSamples() {
    return lateSamples;
  }

  synchronized int stacksHeld() {
    return table.size();
  }

  synchronized int framesHeld() {
    return table.distinctFrames();
  }

  /** Entries over all buckets: what the weight maps hold. */
  synchronized int entriesHeld() {
    int n = 0;
    for (WeightMap w : weights) {
      n += w.size();
    }
    return n;
  }

  private void expire(long nowIdx) {
    if (nowIdx == expiredUpTo) {
      return; // nothing can have aged out since the last look
    }
    expiredUpTo = nowIdx;
    for (int slot = 0; slot < stamps.length; slot++) {
      if (stamps[slot] != NONE && stamps[slot] <= nowIdx - stamps.length) {
        for (int id : weights[slot].keys()) {
          table.release(id);
        }
        entries -= weights[slot].size();
        weights[slot].clear();
        stamps[slot] = NONE;
      }
    }
  }

  private String[] capDepth(String[] rootFirst, boolean truncated) {
    if (rootFirst.length == 0) {
      return new String[] {FrameNames.UNKNOWN};
    }
    if (rootFirst.length > maxDepth) {
      String[] cut = new String[maxDepth + 1];
      cut[0] = FrameNames.TRUNCATED;
      System.arraycopy(rootFirst, rootFirst.length - maxDepth, cut, 1, maxDepth);
      return cut;
    }
    if (truncated) {
      String[] marked = new String[rootFirst.length + 1];
      marked[0] = FrameNames.TRUNCATED;
      System.arraycopy(rootFirst, 0, marked, 1, rootFirst.length);
      return marked;
    }
    return rootFirst;
  }
}
