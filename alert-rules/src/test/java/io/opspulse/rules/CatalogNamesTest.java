package io.opspulse.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.catalog.Catalog;
import io.opspulse.catalog.ExternalMetrics;
import io.opspulse.catalog.MetricDefinition;
import io.opspulse.catalog.Source;
import io.opspulse.testkit.promql.PromqlSelectors;
import io.opspulse.testkit.promql.PromqlSelectors.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every metric any expression names is in the catalog, or is a series a recording rule defines. */
class CatalogNamesTest {
  private static final Pattern MATCHER_LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");

  @Test
  void theLexerFindsMetricsAndSkipsFunctionsLabelsAndWindows() {
    List<Selector> found =
        PromqlSelectors.selectors(
            "sum by (job, instance) (rate(foo_total{a=\"x{y}\", b=~\"1|2\"}[5m])) / on (job) group_left (le) "
                + "max_over_time(bar[1d]) > 0.5 and absent(baz) unless histogram_quantile(0.95, qux_bucket) offset 5m");
    assertThat(found)
        .extracting(Selector::metric)
        .containsExactly("foo_total", "bar", "baz", "qux_bucket");
    assertThat(found.get(0).matchers()).isEqualTo("a=\"x{y}\", b=~\"1|2\"");
  }

  @Test
  void everyMetricAnExpressionNamesIsInTheCatalog() throws Exception {
    String text = Files.readString(Path.of(RuleFiles.PROMETHEUS_RULES));
    Set<String> recorded = new HashSet<>();
    Set<String> seen = new HashSet<>();
    for (Map<String, Object> rule : RenderedRules.rules(text)) {
      String expr = (String) rule.get("expr");
      if (rule.containsKey("record")) {
        // a latch reads its own previous value
        recorded.add((String) rule.get("record"));
      }
      for (Selector s : PromqlSelectors.selectors(expr)) {
        seen.add(s.metric());
        if (recorded.contains(s.metric())) {
          continue;
        }
        Optional<MetricDefinition> metric = Catalog.bySeriesName(s.metric());
        assertThat(metric)
            .as("%s in `%s` is neither in the catalog nor recorded before it", s.metric(), expr)
            .isPresent();
        if (metric.get().source() == Source.EXTERNAL) {
          assertThat(ExternalMetrics.ALL)
              .as("external metric %s is documented", s.metric())
              .contains(metric.get());
        }
        Matcher m = MATCHER_LABEL.matcher(s.matchers());
        while (m.find()) {
          String label = m.group(1);
          assertThat(
                  metric.get().hasLabel(label) || label.equals("job") || label.equals("instance"))
              .as("%s has no label %s (in `%s`)", s.metric(), label, expr)
              .isTrue();
        }
      }
    }
    assertThat(recorded)
        .as("every recording rule is used by an alert or kept for dashboards")
        .isNotEmpty();
    assertThat(seen)
        .contains(
            "docker_container_restarts_total",
            "compose_service_exits_total",
            "hw_gpu_utilization_ratio",
            "http_server_request_duration_seconds_bucket",
            "up");
  }
}
