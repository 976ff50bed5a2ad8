package io.opspulse.profiler;

/** Escaping for text and attribute values in HTML and SVG (which is XML, so stricter). */
final class Markup {
  private Markup() {}

  /**
   * Escapes {@code & < > " '} and replaces what XML 1.0 cannot carry at all (control characters,
   * unpaired surrogates, U+FFFE/U+FFFF) with U+FFFD, so a hostile frame name stays text in both the
   * HTML page and the standalone SVG.
   */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> {
          if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            sb.append(c).append(s.charAt(++i));
          } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r')
              || Character.isSurrogate(c)
              || c == '\uFFFE'
              || c == '\uFFFF') {
            sb.append('\uFFFD');
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
