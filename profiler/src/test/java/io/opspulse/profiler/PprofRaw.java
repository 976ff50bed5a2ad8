package io.opspulse.profiler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code go tool pprof -raw} printed, read back: the sample types, the header lines and the
 * samples as folded stacks (root first), with their first value. Reading Go's text keeps Go the
 * decoder.
 */
record PprofRaw(String text, String sampleTypes, List<FoldedStack> stacks, List<long[]> values) {
  private static final Pattern SAMPLE =
      Pattern.compile("^\\s*(\\d+(?:\\s+\\d+)*):((?: \\d+)*)\\s*$");
  private static final Pattern LOCATION =
      Pattern.compile("^\\s*(\\d+): 0x0 M=\\d+ (.*) :0 s=0(?:\\(\\))?$");

  static PprofRaw parse(String text) {
    List<String> lines = text.lines().toList();
    int samples = lines.indexOf("Samples:");
    int locations = lines.indexOf("Locations");
    if (samples < 0 || locations < samples) {
      throw new AssertionError("not go tool pprof -raw output:\n" + head(text));
    }
    Map<Long, String> names = new HashMap<>();
    for (String line : lines.subList(locations + 1, lines.size())) {
      if (line.equals("Mappings")) {
        break;
      }
      Matcher m = LOCATION.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("unexpected location line '" + line + "' in:\n" + head(text));
      }
      names.put(Long.parseLong(m.group(1)), m.group(2));
    }
    List<FoldedStack> stacks = new ArrayList<>();
    List<long[]> values = new ArrayList<>();
    for (String line : lines.subList(samples + 2, locations)) {
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("unexpected sample line '" + line + "' in:\n" + head(text));
      }
      String[] ids = m.group(2).trim().split(" ");
      List<String> frames = new ArrayList<>();
      for (int i = ids.length - 1; i >= 0; i--) { // pprof lists the leaf first
        frames.add(names.get(Long.parseLong(ids[i])));
      }
      long[] v =
          java.util.Arrays.stream(m.group(1).trim().split("\\s+"))
              .mapToLong(Long::parseLong)
              .toArray();
      stacks.add(new FoldedStack(frames, v[0]));
      values.add(v);
    }
    return new PprofRaw(text, lines.get(samples + 1), stacks, values);
  }

  private static String head(String text) {
    return text.length() <= 4000 ? text : text.substring(0, 4000) + "\n...";
  }
}
