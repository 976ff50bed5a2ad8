package io.opspulse.testkit.exposition;

import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a scrape by what its families are, in the spirit of OpenTelemetry's {@code
 * MetricAssert}:
 *
 * <pre>
 * assertThat(scrape).hasCounter("docker_container_exits").withLabels("reason", "oom_killed").withValue(1);
 * assertThat(scrape).hasHistogram("http_server_request_duration_seconds").withLabels("http_route", "/a")
 *     .hasCount(3).hasBucket(0.1, 2);
 * </pre>
 *
 * Each {@code has...} checks the family's TYPE line and that it has at least one series; each
 * narrowing must leave at least one, so a missing series fails where it is first named.
 */
public final class ExpositionAssert extends AbstractAssert<ExpositionAssert, Exposition> {
  private ExpositionAssert(Exposition actual) {
    super(actual, ExpositionAssert.class);
  }

  public static ExpositionAssert assertThat(Exposition actual) {
    return new ExpositionAssert(actual);
  }

  /**
   * The counter family {@code name} ("foo" or "foo_total"): a TYPE counter line for it, and its
   * {@code _total} series, none negative or NaN.
   */
  public SeriesAssert hasCounter(String name) {
    isNotNull();
    String base =
        name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
    String family = actual.type(base + "_total").isPresent() ? base + "_total" : base;
    typed(family, "counter");
    List<Sample> series = actual.samples(base + "_total");
    if (series.isEmpty()) {
      series = actual.samples(base);
    }
    if (series.isEmpty()) {
      failWithMessage("counter %s is declared but has no %s_total series", family, base);
    }
    for (Sample s : series) {
      if (!(s.value() >= 0)) {
        failWithMessage("counter series %s is not a count", s);
      }
    }
    return new SeriesAssert("counter " + base, series);
  }

  /** The gauge family {@code name}: a TYPE gauge line and at least one series. */
  public SeriesAssert hasGauge(String name) {
    isNotNull();
    typed(name, "gauge");
    List<Sample> series = actual.samples(name);
    if (series.isEmpty()) {
      failWithMessage("gauge %s is declared but has no series", name);
    }
    return new SeriesAssert("gauge " + name, series);
  }

  /**
   * The histogram family {@code name}: a TYPE histogram line, at least one series, and every series
   * well formed (a count, a sum, cumulative buckets ending in {@code +Inf} equal to the count).
   */
  public HistogramAssert hasHistogram(String name) {
    isNotNull();
    typed(name, "histogram");
    List<HistogramAssert.Series> series = HistogramAssert.Series.of(name, actual);
    if (series.isEmpty()) {
      failWithMessage("histogram %s is declared but has no series", name);
    }
    return new HistogramAssert("histogram " + name, series);
  }

  /** No series named {@code name} (as written) with these label values. */
  public ExpositionAssert doesNotHaveSeries(String name, String... labelPairs) {
    isNotNull();
    List<Sample> found = actual.samples(name, s -> s.hasLabels(labelPairs));
    if (!found.isEmpty()) {
      failWithMessage(
          "expected no series %s%s, found %s", name, Exposition.describe(labelPairs), found);
    }
    return this;
  }

  /** {@code promtool check metrics} accepts the text (Prometheus text format 0.0.4 only). */
  public ExpositionAssert isAcceptedByPromtool() {
    isNotNull();
    Promtool.checkMetrics(actual.text());
    return this;
  }

  private void typed(String family, String type) {
    String declared = actual.type(family).orElse(null);
    if (declared == null) {
      failWithMessage(
          "no family %s (no TYPE line); the %s families are %s",
          family,
          type,
          actual.types().entrySet().stream()
              .filter(e -> e.getValue().equals(type))
              .map(e -> e.getKey())
              .sorted()
              .toList());
    } else if (!declared.equals(type)) {
      failWithMessage("%s is a %s, not a %s", family, declared, type);
    }
  }
}
