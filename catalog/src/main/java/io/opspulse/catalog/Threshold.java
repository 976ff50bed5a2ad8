package io.opspulse.catalog;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One default alert threshold. Alerts compare against {@code value}; dashboards draw it, so a
 * panel's red line and the alert that pages someone are the same number. {@code forDuration} is
 * Prometheus' duration syntax ({@link PromDuration}: "5m", "1h"), how long the condition must hold.
 */
public record Threshold(String key, double value, Unit unit, String forDuration, String meaning) {
  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]*");

  public Threshold {
    Objects.requireNonNull(unit, "unit");
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("threshold key '" + key + "' must be snake_case");
    }
    if (!PromDuration.isValid(forDuration)) {
      throw new IllegalArgumentException(
          key + ": '" + forDuration + "' is not a Prometheus duration");
    }
    if (meaning.isBlank()) {
      throw new IllegalArgumentException(key + ": meaning must say what the threshold guards");
    }
  }
}
