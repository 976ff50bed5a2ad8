package io.opspulse.testkit.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpositionTest {
  static final String TEXT =
      """
      # HELP jobs_total Jobs run.
      # TYPE jobs_total counter
      jobs_total{queue="a",outcome="ok"} 3.0
      jobs_total{queue="b",outcome="ok"} 0.0
      jobs_created{queue="a",outcome="ok"} 1.7E9
      # TYPE temperature_celsius gauge
      # UNIT temperature_celsius celsius
      temperature_celsius{sensor="quote\\"back\\\\slash\\nline",empty=""} -1.5 1700000000000
      temperature_celsius{sensor="nan"} NaN
      # TYPE wait_seconds histogram
      wait_seconds_bucket{pool="p",le="0.1"} 1
      wait_seconds_bucket{pool="p",le="1.0"} 3
      wait_seconds_bucket{pool="p",le="+Inf"} 4 # {trace_id="abc"} 2.5 1700000000.000
      wait_seconds_count{pool="p"} 4
      wait_seconds_sum{pool="p"} 5.25
      up 1
      """;

  @Test
  void readsSamplesLabelsEscapesAndSpecialValues() {
    Exposition e = Exposition.parse(TEXT);
    assertThat(e.samples()).hasSize(11);
    assertThat(e.samples("temperature_celsius").get(0).labels())
        .containsExactly(Map.entry("sensor", "quote\"back\\slash\nline"), Map.entry("empty", ""));
    assertThat(e.value("temperature_celsius", "sensor", "quote\"back\\slash\nline"))
        .isEqualTo(-1.5);
    assertThat(e.value("temperature_celsius", "sensor", "nan")).isNaN();
    assertThat(e.value("wait_seconds_bucket", "le", "+Inf")).isEqualTo(4);
    assertThat(e.value("up")).isEqualTo(1);
    assertThat(e.type("jobs_total")).contains("counter");
    assertThat(e.unit("temperature_celsius")).contains("celsius");
    assertThat(e.help("jobs_total")).contains("Jobs run.");
  }

  @Test
  void anEmptyWantedValueMatchesAMissingLabel() {
    Exposition e = Exposition.parse(TEXT);
    assertThat(e.find("temperature_celsius", "sensor", "nan", "empty", "")).contains(Double.NaN);
    assertThat(e.has("up", "job", "")).isTrue();
    assertThat(e.has("up", "job", "x")).isFalse();
  }

  @Test
  void aMissingSeriesFailsAndNamesWhatIsThere() {
    Exposition e = Exposition.parse(TEXT);
    assertThat(e.find("jobs_total", "queue", "c")).isEmpty();
    assertThatThrownBy(() -> e.value("jobs_total", "queue", "c"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no series jobs_total{queue=\"c\"}")
        .hasMessageContaining("queue=b");
  }

  @Test
  void anAmbiguousSelectionFails() {
    Exposition e = Exposition.parse(TEXT);
    assertThatThrownBy(() -> e.find("jobs_total", "outcome", "ok"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("2 series match");
  }

  @Test
  void malformedLinesFailWithTheirNumber() {
    assertThatThrownBy(() -> Exposition.parse("a 1\nb{x=\"1} 2\n")).hasMessageContaining("line 2");
    assertThatThrownBy(() -> Exposition.parse("a{x=1} 2")).hasMessageContaining("label=\"value\"");
    assertThatThrownBy(() -> Exposition.parse("a Infinity")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> Exposition.parse("a 1\na 2")).hasMessageContaining("written twice");
    assertThatThrownBy(() -> Exposition.parse("# TYPE a gauge\n# TYPE a counter\n"))
        .hasMessageContaining("a second TYPE");
    assertThatThrownBy(() -> Exposition.parse("a{x=\"\\t\"} 1"))
        .hasMessageContaining("unknown escape");
    assertThatThrownBy(() -> Exposition.parse("# EOF\na 1")).hasMessageContaining("after # EOF");
    assertThatThrownBy(() -> Exposition.parse("a{x=\"1\",x=\"2\"} 1"))
        .hasMessageContaining("given twice");
  }
}
