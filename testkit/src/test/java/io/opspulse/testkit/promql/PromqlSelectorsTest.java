package io.opspulse.testkit.promql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opspulse.testkit.promql.PromqlSelectors.Selector;
import io.opspulse.testkit.promql.PromqlSelectors.Window;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromqlSelectorsTest {
  @Test
  void findsMetricsAndSkipsFunctionsLabelsAndWindows() {
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
  void findsSeriesNamesButNotGrafanaVariablesOrKeywords() {
    String expr =
        "sum by (instance, name) (rate(docker_container_cpu_usage_seconds_total{job=~\"$job\", name!=\"x\"}"
            + "[$__rate_interval])) / on (instance, name) group_left (sum by (instance, name) "
            + "(docker_container_cpu_limit_cores{a=\"rate(b)\"}) or vector(1)) and ALERTS offset 5m unless "
            + "histogram_quantile(0.95, sum by (le) (http_server_request_duration_seconds_bucket)) > Inf "
            + "+ ${threshold:raw} * $__interval_ms";
    assertThat(PromqlSelectors.seriesNames(expr))
        .containsExactly(
            "docker_container_cpu_usage_seconds_total",
            "docker_container_cpu_limit_cores",
            "ALERTS",
            "http_server_request_duration_seconds_bucket");
  }

  @Test
  void aSelectorByLabelsAloneNamesNoMetric() {
    assertThat(
            PromqlSelectors.seriesNames(
                "count({__name__=~\"docker_.+\", job=\"x\"}) + up == bool 1"))
        .containsExactly("up");
  }

  @Test
  void windowsAndRangesOutsideStrings() {
    String expr =
        "rate(a[5m]) + increase(b{c=\"[1h]\"}[$__rate_interval]) + max_over_time(c[30m:1m])";
    assertThat(PromqlSelectors.windows(expr))
        .extracting(Window::text)
        .containsExactly("5m", "$__rate_interval", "30m:1m");
    assertThat(PromqlSelectors.ranges(expr))
        .containsExactly("[5m]", "[$__rate_interval]", "[30m:1m]");
  }

  @Test
  void callArgumentsAsWrittenWithParenthesesInStringsIgnored() {
    String expr =
        "sum(rate(a{b=\"(\"}[1m])) + irate(c[2m]) + increase(d[$__rate_interval]) + xrate(e[1m])";
    assertThat(PromqlSelectors.callArguments(expr, "rate")).containsExactly("a{b=\"(\"}[1m]");
    assertThat(PromqlSelectors.callArguments(expr, "irate")).containsExactly("c[2m]");
    assertThat(PromqlSelectors.callArguments("sum(rate(x[1m]) + rate(y[2m]))", "sum"))
        .containsExactly("rate(x[1m]) + rate(y[2m])");
    assertThatThrownBy(() -> PromqlSelectors.callArguments("rate(a[1m]", "rate"))
        .hasMessageContaining("unbalanced");
  }
}
