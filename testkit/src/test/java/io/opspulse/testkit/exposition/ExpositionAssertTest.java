package io.opspulse.testkit.exposition;

import static io.opspulse.testkit.exposition.ExpositionAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExpositionAssertTest {
  private final Exposition scrape = Exposition.parse(ExpositionTest.TEXT);

  @Test
  void countersByTheirFamilyNameWithOrWithoutTotal() {
    assertThat(scrape).hasCounter("jobs").withLabels("queue", "a").withValue(3);
    assertThat(scrape)
        .hasCounter("jobs_total")
        .hasSeriesCount(2)
        .withLabels("queue", "b")
        .withValue(0);
    assertThat(scrape.samples("jobs_created")).hasSize(1);
  }

  @Test
  void aMissingSeriesFailsWhereItIsNamed() {
    assertThatThrownBy(() -> assertThat(scrape).hasCounter("jobs").withLabels("queue", "z"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no series of counter jobs with {queue=\"z\"}");
    assertThatThrownBy(() -> assertThat(scrape).hasCounter("absent"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no family absent")
        .hasMessageContaining("jobs_total");
    assertThatThrownBy(() -> assertThat(scrape).hasGauge("jobs_total"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("jobs_total is a counter, not a gauge");
  }

  @Test
  void aNanValueIsNotAnyNumber() {
    assertThat(scrape)
        .hasGauge("temperature_celsius")
        .withLabels("sensor", "nan")
        .withValue(Double.NaN);
    assertThatThrownBy(
            () ->
                assertThat(scrape)
                    .hasGauge("temperature_celsius")
                    .withLabels("sensor", "nan")
                    .withValueSatisfying(v -> assertThat(v).isGreaterThan(0)))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(
            () ->
                assertThat(scrape)
                    .hasGauge("temperature_celsius")
                    .withLabels("sensor", "nan")
                    .withValue(0))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void valueNeedsExactlyOneSeries() {
    assertThatThrownBy(() -> assertThat(scrape).hasCounter("jobs").withValue(3))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("2 series");
    assertThat(assertThat(scrape).hasCounter("jobs").sum()).isEqualTo(3);
  }

  @Test
  void histogramsByCountSumAndBucket() {
    assertThat(scrape)
        .hasHistogram("wait_seconds")
        .withLabels("pool", "p")
        .hasCount(4)
        .hasSum(5.25)
        .hasBucket(0.1, 1)
        .hasBucket(1.0, 3)
        .hasBucket(Double.POSITIVE_INFINITY, 4)
        .hasBounds(List.of(0.1, 1.0, Double.POSITIVE_INFINITY));
    assertThatThrownBy(() -> assertThat(scrape).hasHistogram("wait_seconds").hasBucket(0.5, 1))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no bucket le=0.5");
    assertThatThrownBy(() -> assertThat(scrape).hasHistogram("wait_seconds").hasCount(5))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void aMalformedHistogramFails() {
    Exposition notCumulative =
        Exposition.parse(
            """
        # TYPE h histogram
        h_bucket{le="1"} 2
        h_bucket{le="+Inf"} 1
        h_count 1
        h_sum 1
        """);
    assertThatThrownBy(() -> assertThat(notCumulative).hasHistogram("h"))
        .hasMessageContaining("not cumulative");
    Exposition countDiffers =
        Exposition.parse(
            """
        # TYPE h histogram
        h_bucket{le="+Inf"} 1
        h_count 2
        h_sum 1
        """);
    assertThatThrownBy(() -> assertThat(countDiffers).hasHistogram("h"))
        .hasMessageContaining("differs");
  }

  @Test
  void doesNotHaveSeries() {
    assertThat(scrape).doesNotHaveSeries("jobs_total", "queue", "z");
    assertThatThrownBy(() -> assertThat(scrape).doesNotHaveSeries("up"))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void promtoolJudgesTheText() {
    assertThat(Exposition.parse("# HELP up Up.\n# TYPE up gauge\nup 1\n")).isAcceptedByPromtool();
    // promtool's linter wants a counter's name to end in _total.
    assertThatThrownBy(
            () ->
                assertThat(Exposition.parse("# HELP c C.\n# TYPE c counter\nc 1\n"))
                    .isAcceptedByPromtool())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("promtool");
  }

  @Test
  void aKnownLintProblemIsAcceptedOnlyWhileItIsReported() {
    String noHelp = "# TYPE target_info gauge\ntarget_info{a=\"b\"} 1\n";
    Promtool.checkMetrics(noHelp, java.util.Set.of("target_info no help text"));
    assertThatThrownBy(() -> Promtool.checkMetrics(noHelp))
        .hasMessageContaining("target_info no help text");
    assertThatThrownBy(
            () ->
                Promtool.checkMetrics(
                    "# HELP up Up.\n# TYPE up gauge\nup 1\n",
                    java.util.Set.of("target_info no help text")))
        .hasMessageContaining("only");
    assertThatThrownBy(
            () -> Promtool.checkMetrics("a{b=\"\n", java.util.Set.of("target_info no help text")))
        .hasMessageContaining("exited 1");
  }
}
