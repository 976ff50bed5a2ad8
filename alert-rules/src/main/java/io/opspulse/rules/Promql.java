package io.opspulse.rules;

import io.opspulse.catalog.Catalog;
import io.opspulse.catalog.MetricDefinition;
import io.opspulse.catalog.Threshold;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the rule definitions write PromQL with: metric selectors from catalog definitions (with the
 * operator's extra matchers injected into every one), threshold values after overrides, and label
 * value alternations checked against the catalog's closed sets. Every check here runs when the
 * rules are built, so a typo fails the build instead of silencing an alert.
 */
final class Promql {
  private static final Pattern MATCHER =
      Pattern.compile(
          "\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*");

  private final Map<String, Double> thresholds;
  private final String selector;

  /**
   * @param thresholds threshold values by catalog key, replacing the catalog's defaults
   * @param selector extra matchers for every metric selector ({@code job=~"docker.*"}), or empty
   */
  Promql(Map<String, Double> thresholds, String selector) {
    this.thresholds = Map.copyOf(thresholds);
    this.selector = normalizeSelector(selector);
  }

  /**
   * {@code name{matchers}} with the injected selector; each matcher's label must be the metric's.
   */
  String m(MetricDefinition metric, String... matchers) {
    StringJoiner all = new StringJoiner(", ");
    for (String matcher : matchers) {
      Matcher parsed = MATCHER.matcher(matcher);
      if (!parsed.matches()) {
        throw new IllegalArgumentException(
            metric.name() + ": '" + matcher + "' is not a label matcher");
      }
      String label = parsed.group(1);
      if (!metric.hasLabel(label) && !Catalog.TARGET_LABELS.contains(label)) {
        throw new IllegalArgumentException(metric.name() + " has no label '" + label + "'");
      }
      all.add(matcher.strip());
    }
    if (!selector.isEmpty()) {
      all.add(selector);
    }
    return all.length() == 0 ? metric.name() : metric.name() + "{" + all + "}";
  }

  /** The threshold's value, as PromQL writes a number. */
  String t(Threshold threshold) {
    return number(value(threshold));
  }

  /** The threshold's value as a percentage, for descriptions: 0.9 → "90%". */
  String pct(Threshold threshold) {
    return number(value(threshold) * 100) + "%";
  }

  /** The threshold's default pending period. */
  String forOf(Threshold threshold) {
    return threshold.forDuration();
  }

  /** A regex alternation of label values, each of which must be in {@code allowed}. */
  static String oneOf(List<String> allowed, String... values) {
    StringJoiner out = new StringJoiner("|");
    for (String v : values) {
      if (!allowed.contains(v)) {
        throw new IllegalArgumentException("'" + v + "' is not one of " + allowed);
      }
      out.add(v);
    }
    return out.toString();
  }

  private double value(Threshold threshold) {
    return thresholds.getOrDefault(threshold.key(), threshold.value());
  }

  static String number(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /**
   * The selector as matchers separated by ", ", or an exception saying what is wrong. Braces around
   * it are optional: {@code {job="x"}} and {@code job="x"} mean the same.
   */
  static String normalizeSelector(String selector) {
    String s = selector == null ? "" : selector.strip();
    if (s.startsWith("{") && s.endsWith("}")) {
      s = s.substring(1, s.length() - 1).strip();
    }
    if (s.isEmpty()) {
      return "";
    }
    StringJoiner out = new StringJoiner(", ");
    for (String part : splitMatchers(s)) {
      Matcher parsed = MATCHER.matcher(part);
      if (!parsed.matches()) {
        throw new IllegalArgumentException(
            "'" + part.strip() + "' is not a label matcher like job=~\"docker.*\"");
      }
      if (parsed.group(1).equals("__name__")) {
        throw new IllegalArgumentException("the selector may not match __name__");
      }
      out.add(parsed.group(1) + parsed.group(2) + "\"" + parsed.group(3) + "\"");
    }
    return out.toString();
  }

  /** Splits on commas outside quoted values. */
  private static List<String> splitMatchers(String s) {
    java.util.ArrayList<String> parts = new java.util.ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted && c == '\\' && i + 1 < s.length()) {
        cur.append(c).append(s.charAt(++i));
        continue;
      }
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == ',' && !quoted) {
        parts.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    parts.add(cur.toString());
    return parts;
  }
}
