package io.opspulse.testkit.exposition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The series of one histogram family, each checked well formed, narrowed by label values; never
 * empty.
 */
public final class HistogramAssert {
  /**
   * One histogram series: its labels (without {@code le}), count, sum and cumulative buckets by
   * bound.
   */
  public record Series(
      Map<String, String> labels, double count, double sum, NavigableMap<Double, Double> buckets) {
    public Series {
      labels = Map.copyOf(labels);
      buckets = java.util.Collections.unmodifiableNavigableMap(new TreeMap<>(buckets));
    }

    static List<Series> of(String family, Exposition exposition) {
      Map<Map<String, String>, NavigableMap<Double, Double>> buckets = new LinkedHashMap<>();
      for (Sample s : exposition.samples(family + "_bucket")) {
        Map<String, String> labels = new LinkedHashMap<>(s.labels());
        String le = labels.remove("le");
        if (le == null) {
          throw new AssertionError(family + ": a bucket without le: " + s);
        }
        double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
        buckets.computeIfAbsent(labels, k -> new TreeMap<>()).put(bound, s.value());
      }
      List<Series> out = new ArrayList<>();
      for (Sample count : exposition.samples(family + "_count")) {
        Map<String, String> labels = count.labels();
        Sample sum =
            exposition.samples(family + "_sum").stream()
                .filter(s -> s.labels().equals(labels))
                .findFirst()
                .orElseThrow(() -> new AssertionError(family + labels + " has a count but no sum"));
        NavigableMap<Double, Double> b = buckets.remove(labels);
        if (b == null || !b.containsKey(Double.POSITIVE_INFINITY)) {
          throw new AssertionError(family + labels + " has no le=\"+Inf\" bucket: " + b);
        }
        double previous = 0;
        for (Map.Entry<Double, Double> e : b.entrySet()) {
          if (!(e.getValue() >= previous)) {
            throw new AssertionError(family + labels + ": buckets are not cumulative: " + b);
          }
          previous = e.getValue();
        }
        double inf =
            java.util.Objects.requireNonNull(b.get(Double.POSITIVE_INFINITY)); // checked above
        if (Double.compare(inf, count.value()) != 0) {
          throw new AssertionError(
              family
                  + labels
                  + ": the +Inf bucket "
                  + inf
                  + " differs from the count "
                  + count.value());
        }
        out.add(new Series(labels, count.value(), sum.value(), b));
      }
      if (!buckets.isEmpty()) {
        throw new AssertionError(family + ": buckets without a count: " + buckets.keySet());
      }
      return out;
    }
  }

  private final String what;
  private final List<Series> series;

  HistogramAssert(String what, List<Series> series) {
    this.what = what;
    this.series = List.copyOf(series);
  }

  /**
   * Keeps the series with these label values ({@code name, value, ...}; "" matches a missing
   * label).
   */
  public HistogramAssert withLabels(String... labelPairs) {
    Exposition.checkPairs(labelPairs);
    List<Series> kept =
        series.stream()
            .filter(
                s -> {
                  for (int i = 0; i < labelPairs.length; i += 2) {
                    if (!labelPairs[i + 1].equals(s.labels().getOrDefault(labelPairs[i], ""))) {
                      return false;
                    }
                  }
                  return true;
                })
            .toList();
    if (kept.isEmpty()) {
      throw new AssertionError(
          "no series of "
              + what
              + " with "
              + Exposition.describe(labelPairs)
              + "; its series are "
              + series.stream().map(Series::labels).toList());
    }
    return new HistogramAssert(what + Exposition.describe(labelPairs), kept);
  }

  public HistogramAssert hasCount(long expected) {
    double count = one().count();
    if (count != expected) {
      throw new AssertionError(what + ": expected a count of " + expected + " but was " + count);
    }
    return this;
  }

  public HistogramAssert hasSum(double expected) {
    double sum = one().sum();
    if (Double.compare(sum, expected) != 0) {
      throw new AssertionError(what + ": expected a sum of " + expected + " but was " + sum);
    }
    return this;
  }

  /**
   * The sum is a number (NaN fails: AssertJ's comparisons accept it) and {@code requirement}
   * accepts it.
   */
  public HistogramAssert hasSumSatisfying(Consumer<Double> requirement) {
    double sum = one().sum();
    if (Double.isNaN(sum)) {
      throw new AssertionError(what + ": the sum is NaN");
    }
    requirement.accept(sum);
    return this;
  }

  /** The cumulative count of the bucket whose upper bound is {@code le}; a missing bound fails. */
  public HistogramAssert hasBucket(double le, long expected) {
    Double count = one().buckets().get(le);
    if (count == null) {
      throw new AssertionError(
          what + ": no bucket le=" + le + "; the bounds are " + one().buckets().keySet());
    }
    if (count != expected) {
      throw new AssertionError(
          what + ": expected " + expected + " in bucket le=" + le + " but was " + count);
    }
    return this;
  }

  /** The upper bounds of the one selected series, {@code +Inf} last. */
  public HistogramAssert hasBounds(List<Double> expected) {
    List<Double> bounds = List.copyOf(one().buckets().keySet());
    if (!bounds.equals(expected)) {
      throw new AssertionError(
          what + ": expected the bounds " + expected + " but they are " + bounds);
    }
    return this;
  }

  public HistogramAssert hasSeriesCount(int expected) {
    if (series.size() != expected) {
      throw new AssertionError(
          what
              + ": expected "
              + expected
              + " series but found "
              + series.size()
              + ": "
              + series.stream().map(Series::labels).toList());
    }
    return this;
  }

  /** The one selected series; several fail, since which one was meant is unclear. */
  public Series one() {
    if (series.size() != 1) {
      throw new AssertionError(
          what
              + ": "
              + series.size()
              + " series, narrow with withLabels: "
              + series.stream().map(Series::labels).toList());
    }
    return series.get(0);
  }

  public List<Series> series() {
    return series;
  }
}
