package io.opspulse.testkit.exposition;

import java.util.List;
import java.util.function.Consumer;

/**
 * The series of one counter or gauge family, narrowed by label values; never empty. Values are
 * compared exactly, NaN only equal to NaN.
 */
public final class SeriesAssert {
  private final String what;
  private final List<Sample> series;

  SeriesAssert(String what, List<Sample> series) {
    this.what = what;
    this.series = List.copyOf(series);
  }

  /**
   * Keeps the series with these label values ({@code name, value, ...}; "" matches a missing
   * label).
   */
  public SeriesAssert withLabels(String... labelPairs) {
    List<Sample> kept = series.stream().filter(s -> s.hasLabels(labelPairs)).toList();
    if (kept.isEmpty()) {
      throw new AssertionError(
          "no series of "
              + what
              + " with "
              + Exposition.describe(labelPairs)
              + "; its series are "
              + series.stream().map(Sample::labels).toList());
    }
    return new SeriesAssert(what + Exposition.describe(labelPairs), kept);
  }

  /** Keeps the series that have no label {@code label} at all. */
  public SeriesAssert withoutLabel(String label) {
    List<Sample> kept = series.stream().filter(s -> !s.labels().containsKey(label)).toList();
    if (kept.isEmpty()) {
      throw new AssertionError("every series of " + what + " has a label " + label + ": " + series);
    }
    return new SeriesAssert(what + " without " + label, kept);
  }

  /** Exactly one series is selected, and its value is {@code expected}. */
  public SeriesAssert withValue(double expected) {
    double actual = value();
    if (Double.compare(actual, expected) != 0) {
      throw new AssertionError(what + ": expected " + expected + " but was " + actual);
    }
    return this;
  }

  /**
   * Exactly one series is selected, its value is a number, and {@code requirement} accepts it. NaN
   * fails here because AssertJ's {@code isPositive()} and {@code isGreaterThan()} accept it; expect
   * it with {@code withValue(Double.NaN)}.
   */
  public SeriesAssert withValueSatisfying(Consumer<Double> requirement) {
    double value = value();
    if (Double.isNaN(value)) {
      throw new AssertionError(what + " is NaN");
    }
    requirement.accept(value);
    return this;
  }

  public SeriesAssert hasSeriesCount(int expected) {
    if (series.size() != expected) {
      throw new AssertionError(
          what + ": expected " + expected + " series but found " + series.size() + ": " + series);
    }
    return this;
  }

  /** The value of the one selected series; several fail, since which one was meant is unclear. */
  public double value() {
    if (series.size() != 1) {
      throw new AssertionError(
          what + ": " + series.size() + " series, narrow with withLabels: " + series);
    }
    return series.get(0).value();
  }

  /** The selected series' values summed (for example over every label value of one dimension). */
  public double sum() {
    return series.stream().mapToDouble(Sample::value).sum();
  }

  public List<Sample> series() {
    return series;
  }
}
