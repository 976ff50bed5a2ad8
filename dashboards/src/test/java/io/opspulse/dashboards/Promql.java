package io.opspulse.dashboards;

import io.opspulse.testkit.promql.PromqlSelectors;
import java.util.List;
import java.util.Set;

/**
 * The dashboard tests' names for testkit's {@link PromqlSelectors}, the one PromQL lexer the rule
 * and dashboard tests share (its own tests live in testkit).
 */
final class Promql {
  private Promql() {}

  /** The series names the expression selects ({@code foo} in {@code sum(rate(foo{a="b"}[1m]))}). */
  static Set<String> seriesNames(String expr) {
    return PromqlSelectors.seriesNames(expr);
  }

  /**
   * Every range selector's brackets, {@code [5m]} or {@code [$__rate_interval]}, outside strings.
   */
  static List<String> ranges(String expr) {
    return PromqlSelectors.ranges(expr);
  }

  /**
   * The argument text, as written, of every call to {@code function} ({@code rate}, {@code
   * increase}, ...).
   */
  static List<String> callArguments(String expr, String function) {
    return PromqlSelectors.callArguments(expr, function);
  }
}
