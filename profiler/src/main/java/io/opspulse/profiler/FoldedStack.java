package io.opspulse.profiler;

import java.util.List;
import java.util.Objects;

/**
 * One distinct call stack and its weight in a {@link Profile}.
 *
 * @param frames the stack from its root (thread entry) to its top (the frame that was running),
 *     each frame {@code package.Class.method}; synthetic frames are in brackets, such as {@code
 *     [truncated]}
 * @param weight samples, bytes or nanoseconds, as the profile's {@link ProfileEvent#unit()} says
 */
public record FoldedStack(List<String> frames, long weight) {
  public FoldedStack {
    frames = List.copyOf(frames);
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("a stack has at least one frame");
    }
    if (weight < 0) {
      throw new IllegalArgumentException("weight must not be negative: " + weight);
    }
  }

  /** The frame that was running when the sample was taken. */
  public String topFrame() {
    return frames.get(frames.size() - 1);
  }

  /** Whether {@code frame} is anywhere on this stack. */
  public boolean contains(String frame) {
    return frames.contains(Objects.requireNonNull(frame));
  }
}
