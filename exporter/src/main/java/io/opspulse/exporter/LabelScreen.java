package io.opspulse.exporter;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Anyone who may run a container chooses its labels, and the exporter turns some of them into file
 * paths and label values. A label that no honest tool writes is refused when the container is read,
 * one label at a time, with a reason that is counted; the container itself is still tracked. Line
 * breaks and tabs pass (images carry multi-line descriptions); rendering cleans them later.
 */
final class LabelScreen {
  /** Longer than any compose label or image annotation seen in practice; a 1 MiB value is not. */
  static final int MAX_LENGTH = 4096;

  /** The reasons, as the {@code reason} label of the refused-labels gauge. */
  static final String TOO_LONG = "too_long";
  static final String CONTROL_CHARACTER = "control_character";
  static final String INVALID_UTF8 = "invalid_utf8";

  private LabelScreen() {}

  /** The labels that pass; each refused one adds 1 to {@code refused} under its reason. */
  static Map<String, String> screen(Map<String, String> labels, Map<String, Integer> refused) {
    Map<String, String> out = new LinkedHashMap<>();
    if (labels == null) {
      return out;
    }
    labels.forEach((key, value) -> {
      String reason = reason(key);
      if (reason == null) {
        reason = reason(value == null ? "" : value);
      }
      if (reason == null) {
        out.put(key, value == null ? "" : value);
      } else {
        refused.merge(reason, 1, Integer::sum);
      }
    });
    return out;
  }

  /** Why {@code text} is refused, or null when it passes. */
  static @Nullable String reason(String text) {
    if (text.length() > MAX_LENGTH) {
      return TOO_LONG;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\uFFFD') {
        return INVALID_UTF8; // what a JSON decoder makes of bytes that are not UTF-8
      }
      if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
        return CONTROL_CHARACTER;
      }
    }
    return null;
  }
}
