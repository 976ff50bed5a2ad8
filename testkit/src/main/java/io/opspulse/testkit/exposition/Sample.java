package io.opspulse.testkit.exposition;

import java.util.Map;

/**
 * One line of an exposition: a sample name as written ({@code foo_total}, {@code foo_bucket}), its
 * labels in the order written, and its value ({@code +Inf}, {@code -Inf} and {@code NaN} included).
 */
public record Sample(String name, Map<String, String> labels, double value) {
  public Sample {
    labels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
  }

  /**
   * The label's value, or "" when the sample has no such label: Prometheus does not tell them
   * apart.
   */
  public String label(String label) {
    return labels.getOrDefault(label, "");
  }

  /**
   * Whether every pair of {@code labelPairs} (name, value, name, value, ...) is among the labels; a
   * wanted "" also matches a missing label, as in PromQL.
   */
  public boolean hasLabels(String... labelPairs) {
    Exposition.checkPairs(labelPairs);
    for (int i = 0; i < labelPairs.length; i += 2) {
      if (!labelPairs[i + 1].equals(label(labelPairs[i]))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return name + labels + " " + value;
  }
}
