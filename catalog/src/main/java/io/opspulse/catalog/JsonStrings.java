package io.opspulse.catalog;

/**
 * JSON string literals, written the one way every hand-rendered JSON of the pack uses
 * (catalog.json, the GPU probe's {@code --json}). Control characters become {@code \}{@code uXXXX}
 * escapes in ASCII hex whatever the JVM's default locale.
 */
public final class JsonStrings {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonStrings() {}

  /** {@code s} as a JSON string literal, quotes included. */
  public static String quote(String s) {
    return appendQuoted(new StringBuilder(s.length() + 2), s).toString();
  }

  /**
   * Appends {@code s} as a JSON string literal, quotes included, to {@code out}; returns {@code
   * out}.
   */
  public static StringBuilder appendQuoted(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }
}
