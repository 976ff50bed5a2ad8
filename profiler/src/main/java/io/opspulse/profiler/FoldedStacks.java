package io.opspulse.profiler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The folded ("collapsed") stack format: one line per distinct stack, frames root first joined by
 * {@code ;}, a space, and the weight. flamegraph.pl, speedscope, Pyroscope and inferno read it.
 *
 * <pre>
 * java.lang.Thread.run;com.example.Worker.loop;com.example.Worker.burnCpu 912
 * </pre>
 */
public final class FoldedStacks {
  private FoldedStacks() {}

  /** Writes {@code profile}'s stacks, heaviest first, each line ending in {@code \n}. */
  public static void write(Profile profile, Writer out) {
    try {
      for (FoldedStack s : profile.stacks()) {
        out.write(line(s));
        out.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #write} to a string. */
  public static String format(Profile profile) {
    StringBuilder sb = new StringBuilder();
    for (FoldedStack s : profile.stacks()) {
      sb.append(line(s)).append('\n');
    }
    return sb.toString();
  }

  /** One stack as a folded line, without the line break. */
  public static String line(FoldedStack stack) {
    StringBuilder sb = new StringBuilder();
    for (String frame : stack.frames()) {
      if (sb.length() > 0) {
        sb.append(';');
      }
      sb.append(FrameNames.clean(frame));
    }
    return sb.append(' ').append(stack.weight()).toString();
  }

  /**
   * Reads folded lines back (blank lines skipped); a frame may contain spaces, the weight is what
   * follows the last one.
   *
   * @throws IllegalArgumentException naming the line that is not {@code frames weight}
   */
  public static List<FoldedStack> parse(String text) {
    List<FoldedStack> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      if (space <= 0) {
        throw new IllegalArgumentException(
            "line "
                + (i + 1)
                + ": expected 'frame;frame;... weight', got '"
                + abbreviate(line)
                + "'");
      }
      long weight;
      try {
        weight = Long.parseLong(line.substring(space + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "line "
                + (i + 1)
                + ": weight '"
                + abbreviate(line.substring(space + 1))
                + "' is not a whole number");
      }
      out.add(new FoldedStack(Arrays.asList(line.substring(0, space).split(";", -1)), weight));
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
