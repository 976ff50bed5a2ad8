package io.opspulse.rules;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A recording rule. {@code record} follows the {@code level:metric:operation} convention: the
 * labels the result keeps, the metric it derives from, and what was done to it.
 */
public record RecordingRule(String record, String expr) implements Rule {
  private static final Pattern NAME = Pattern.compile("[a-z_]+:[a-zA-Z0-9_]+:[a-z0-9_]+");

  public RecordingRule {
    Objects.requireNonNull(expr, "expr");
    if (record == null || !NAME.matcher(record).matches()) {
      throw new IllegalArgumentException(record + ": a record name is level:metric:operation");
    }
    if (expr.isBlank()) {
      throw new IllegalArgumentException(record + ": expr is empty");
    }
  }
}
