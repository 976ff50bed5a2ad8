package io.opspulse.profiler;

/** How frames are named, and the synthetic frames the profiler adds. */
final class FrameNames {
  /**
   * Root frame of a stack JFR or the depth cap cut short: its real root-side frames are missing.
   */
  static final String TRUNCATED = "[truncated]";

  /** The one stack that carries samples whose own stack could not be kept (distinct-stack cap). */
  static final String OVERFLOW = "[overflow]";

  /** A sample that came without a stack trace. */
  static final String UNKNOWN = "[unknown]";

  private FrameNames() {}

  static boolean isSynthetic(String frame) {
    return frame.startsWith("[") && frame.endsWith("]");
  }

  /**
   * {@code type.method}, made safe for the folded format: JVM names cannot hold ';' but hidden
   * classes and other languages' names can be odd, so separators and line breaks never reach the
   * output.
   */
  static String frame(String typeName, String methodName) {
    return clean(stableType(typeName) + "." + methodName);
  }

  /**
   * A lambda's hidden class is named per JVM run ({@code
   * Foo$$Lambda$41+0x00007f56900cd00.1607521710} on JDK 17, {@code Foo$$Lambda/0x...} later): cut
   * to {@code Foo$$Lambda} so stacks from two runs, or two lambdas of one class, fold together and
   * a flame graph stays readable.
   */
  static String stableType(String typeName) {
    int i = typeName.indexOf("$$Lambda");
    return i < 0 ? typeName : typeName.substring(0, i + "$$Lambda".length());
  }

  /** Longest frame name kept; generated names can be long, and every name is held in memory. */
  static final int MAX_LENGTH = 512;

  static String clean(String name) {
    if (name.length() > MAX_LENGTH) {
      name = name.substring(0, MAX_LENGTH - 3) + "...";
    }
    StringBuilder out = null;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      char r = c == ';' ? ':' : (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
      if (r != c && out == null) {
        out = new StringBuilder(name.length()).append(name, 0, i);
      }
      if (out != null) {
        out.append(r);
      }
    }
    return out == null ? name : out.toString();
  }
}
