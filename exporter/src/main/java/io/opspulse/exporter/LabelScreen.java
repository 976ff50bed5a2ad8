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
    labels.forEach(
        (key, value) -> {
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
    int at = firstRefusedCharacter(text, true);
    return at < 0 ? null : characterReason(text, at);
  }

  /**
   * Where {@code text} first has a character no honest tool writes into a label, or -1: a control
   * character (tab and line breaks pass when {@code lineBreaksPass}: descriptions have them, file
   * paths do not), U+FFFD (what a JSON decoder makes of bytes that are not UTF-8) or a lone
   * surrogate (which no UTF-8 encoder can write out).
   */
  static int firstRefusedCharacter(String text, boolean lineBreaksPass) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) && !(lineBreaksPass && (c == '\t' || c == '\n' || c == '\r'))) {
        return i;
      }
      if (c == '\uFFFD' || Character.isLowSurrogate(c)) {
        return i;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return i;
        }
        i++; // a well-formed pair
      }
    }
    return -1;
  }

  /** The reason for the character {@link #firstRefusedCharacter} found at {@code at}. */
  static String characterReason(String text, int at) {
    return Character.isISOControl(text.charAt(at)) ? CONTROL_CHARACTER : INVALID_UTF8;
  }
}
