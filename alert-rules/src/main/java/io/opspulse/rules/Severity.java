package io.opspulse.rules;

import java.util.Locale;

/**
 * How urgently an alert wants a person: critical pages, warning tickets, info informs; none is for
 * the Watchdog, which never wants a person while it fires.
 */
public enum Severity {
  CRITICAL,
  WARNING,
  INFO,
  NONE;

  /** The value of the {@code severity} label. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The severity a label value names, or an exception that lists the valid ones. */
  public static Severity fromLabel(String label) {
    for (Severity s : values()) {
      if (s.label().equals(label)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "'" + label + "' is not a severity (critical, warning, info, none)");
  }
}
