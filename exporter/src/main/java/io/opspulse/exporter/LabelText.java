package io.opspulse.exporter;

/**
 * Label values come from names, images and files nobody here controls: they are bounded in length
 * and cleaned of characters that break text formats, so one odd container cannot bloat or break a
 * scrape.
 */
final class LabelText {
  static final int MAX_VALUE_LENGTH = 256;

  private LabelText() {}

  static String value(String raw) {
    if (raw == null) {
      return "";
    }
    String v = raw.length() > MAX_VALUE_LENGTH ? raw.substring(0, MAX_VALUE_LENGTH) : raw;
    StringBuilder out = null;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c)) {
        if (out == null) {
          out = new StringBuilder(v.substring(0, i));
        }
        out.append('_');
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? v : out.toString();
  }

  /** The Prometheus label an allow-listed Docker label is copied to on docker_container_info. */
  static String allowListedLabelName(String dockerLabelKey) {
    return "label_" + sanitizeName(dockerLabelKey);
  }

  /** A Docker label key turned into a Prometheus label name. */
  static String sanitizeName(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    for (char c : raw.toCharArray()) {
      out.append(
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_');
    }
    return out.toString();
  }
}
