package io.opspulse.catalog;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus' duration syntax ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 1d},
 * {@code 1w}, {@code 1y}): the one definition every part reads, since thresholds, alert rules,
 * overrides, dashboards and the exporter's settings all speak it. A year is 365 days and a week 7,
 * as in Prometheus.
 */
public final class PromDuration {
  /** The whole syntax: one or more number-unit parts. */
  public static final Pattern SYNTAX = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+");

  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h|d|w|y)");
  private static final Pattern ZERO = Pattern.compile("(0+(ms|s|m|h|d|w|y))+");

  private PromDuration() {}

  /** Whether {@code text} is a Prometheus duration. */
  public static boolean isValid(String text) {
    return text != null && SYNTAX.matcher(text).matches();
  }

  /** Whether {@code text} is a duration of zero, like {@code 0s} or {@code 0m0s}. */
  public static boolean isZero(String text) {
    return text != null && ZERO.matcher(text).matches();
  }

  /**
   * The length of {@code text}.
   *
   * @throws IllegalArgumentException when it is not a Prometheus duration, or too long for a {@link
   *     Duration}
   */
  public static Duration parse(String text) {
    if (!isValid(text)) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a Prometheus duration (like 500ms, 30s, 5m, 1h)");
    }
    Matcher m = PART.matcher(text);
    Duration total = Duration.ZERO;
    try {
      while (m.find()) {
        long n = Long.parseLong(m.group(1));
        total =
            total.plus(
                switch (m.group(2)) {
                  case "ms" -> Duration.ofMillis(n);
                  case "s" -> Duration.ofSeconds(n);
                  case "m" -> Duration.ofMinutes(n);
                  case "h" -> Duration.ofHours(n);
                  case "d" -> Duration.ofDays(n);
                  case "w" -> Duration.ofDays(Math.multiplyExact(n, 7));
                  default -> Duration.ofDays(Math.multiplyExact(n, 365));
                });
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration");
    }
    return total;
  }
}
