package io.opspulse.profiler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable profile: the folded stacks of one event over a span of time, heaviest first.
 *
 * @param event what the weights count
 * @param source the JFR event(s) the samples came from, e.g. {@code jdk.ExecutionSample}
 * @param from start of the span covered
 * @param to end of the span covered
 * @param stacks distinct stacks, heaviest first; stacks that arrived after the distinct-stack cap
 *     was reached are folded into one {@code [overflow]} stack, so weights still add up
 * @param overflowWeight the part of the total carried by that {@code [overflow]} stack
 */
public record Profile(
    ProfileEvent event,
    String source,
    Instant from,
    Instant to,
    List<FoldedStack> stacks,
    long overflowWeight) {

  public Profile {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    stacks = List.copyOf(stacks);
  }

  /** The sum of all stacks' weights. */
  public long total() {
    long sum = 0;
    for (FoldedStack s : stacks) {
      sum += s.weight();
    }
    return sum;
  }

  public boolean isEmpty() {
    return stacks.isEmpty();
  }

  /**
   * The {@code k} frames most often on top of the stack, heaviest first, with their share of the
   * total. Synthetic frames such as {@code [overflow]} are left out: they name no method. This is
   * what the {@code opspulse_profiler_top_frame_ratio} gauge publishes, so its label set is at most
   * {@code k} frames per event.
   */
  public List<HotFrame> topFrames(int k) {
    if (k < 0) {
      throw new IllegalArgumentException("k must not be negative: " + k);
    }
    long total = total();
    Map<String, Long> byFrame = new HashMap<>();
    for (FoldedStack s : stacks) {
      String top = s.topFrame();
      if (!FrameNames.isSynthetic(top)) {
        byFrame.merge(top, s.weight(), Long::sum);
      }
    }
    List<Map.Entry<String, Long>> entries = new ArrayList<>(byFrame.entrySet());
    entries.sort(
        Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()));
    List<HotFrame> hot = new ArrayList<>(Math.min(k, entries.size()));
    for (Map.Entry<String, Long> e : entries.subList(0, Math.min(k, entries.size()))) {
      hot.add(
          new HotFrame(e.getKey(), e.getValue(), total == 0 ? 0 : (double) e.getValue() / total));
    }
    return List.copyOf(hot);
  }

  /**
   * The share of the total on stacks that have {@code frame} anywhere on them (its "total" or
   * inclusive share), from 0 to 1.
   */
  public double inclusiveRatio(String frame) {
    long total = total();
    if (total == 0) {
      return 0;
    }
    long with = 0;
    for (FoldedStack s : stacks) {
      if (s.contains(frame)) {
        with += s.weight();
      }
    }
    return (double) with / total;
  }
}
