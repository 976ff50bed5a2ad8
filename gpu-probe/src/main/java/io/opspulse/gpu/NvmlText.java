package io.opspulse.gpu;

import java.nio.charset.StandardCharsets;

/**
 * Text that NVML wrote into a fixed-size buffer (device name, UUID, PCI bus id, driver version,
 * error strings), made safe to become a Prometheus label value or a table cell. A driver is native
 * code we do not control, and a broken or hostile one may leave the terminating NUL out, write
 * bytes that are not UTF-8, or put control characters or a very long text in the buffer.
 *
 * <p>The rule: read up to the first NUL and never past the buffer; decode UTF-8, each malformed
 * sequence becoming U+FFFD; turn line breaks and tabs into spaces and drop every other control or
 * invisible format character (C0, DEL, C1, bidi overrides, zero-width characters); trim; keep at
 * most {@value #MAX_LENGTH} code points, the bound the exporter puts on every label value; and an
 * empty result becomes {@value #PLACEHOLDER}, so a label never silently reads as absent.
 */
final class NvmlText {
  /**
   * Code points kept: the exporter's bound on label values (exporter LabelText.MAX_VALUE_LENGTH).
   */
  static final int MAX_LENGTH = 256;

  static final String PLACEHOLDER = "unknown";

  private NvmlText() {}

  static String of(byte[] buffer) {
    return of(buffer, 0, buffer.length);
  }

  /** The text in {@code buffer[offset, offset + size)}, cut at the first NUL when there is one. */
  static String of(byte[] buffer, int offset, int size) {
    if (offset < 0 || size < 0 || offset > buffer.length) {
      throw new IllegalArgumentException(
          "offset "
              + offset
              + " and size "
              + size
              + " outside a buffer of "
              + buffer.length
              + " bytes");
    }
    int limit = offset + Math.min(size, buffer.length - offset);
    int end = offset;
    while (end < limit && buffer[end] != 0) {
      end++;
    }
    // new String(..., UTF_8) always replaces malformed input with U+FFFD, never throws.
    return clean(new String(buffer, offset, end - offset, StandardCharsets.UTF_8));
  }

  static String clean(String decoded) {
    StringBuilder out = new StringBuilder(decoded.length());
    for (int i = 0; i < decoded.length(); ) {
      int cp = decoded.codePointAt(i);
      i += Character.charCount(cp);
      if (isBreakOrTab(cp)) {
        out.append(' ');
      } else if (!isInvisible(cp)) {
        out.appendCodePoint(cp);
      }
    }
    String text = out.toString().strip();
    if (text.codePointCount(0, text.length()) > MAX_LENGTH) {
      text = text.substring(0, text.offsetByCodePoints(0, MAX_LENGTH)).strip();
    }
    return text.isEmpty() ? PLACEHOLDER : text;
  }

  private static boolean isBreakOrTab(int cp) {
    return cp == '\t'
        || cp == '\n'
        || cp == '\r'
        || cp == 0x0B
        || cp == '\f'
        || cp == 0x85
        || cp == 0x2028
        || cp == 0x2029;
  }

  private static boolean isInvisible(int cp) {
    int type = Character.getType(cp);
    return Character.isISOControl(cp) || type == Character.FORMAT || type == Character.SURROGATE;
  }
}
