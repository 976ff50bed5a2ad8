package io.opspulse.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromqlTest {
  @Test
  void findsSeriesNamesButNotFunctionsLabelsOrKeywords() {
    String expr = "sum by (instance, name) (rate(docker_container_cpu_usage_seconds_total{job=~\"$job\", name!=\"x\"}[$__rate_interval]))"
        + " / on (instance, name) group_left (sum by (instance, name) (docker_container_cpu_limit_cores{a=\"rate(b)\"}) or vector(1))"
        + " and ALERTS offset 5m unless histogram_quantile(0.95, sum by (le) (http_server_request_duration_seconds_bucket))";
    assertThat(Promql.seriesNames(expr)).containsExactly(
        "docker_container_cpu_usage_seconds_total", "docker_container_cpu_limit_cores", "ALERTS",
        "http_server_request_duration_seconds_bucket");
  }

  @Test
  void seesThroughStringsThatLookLikeQueries() {
    assertThat(Promql.seriesNames("up{job=\"foo_bar\", x=~\"a.b|c\"} == bool 1")).containsExactly("up");
  }

  @Test
  void listsRangesOutsideStrings() {
    assertThat(Promql.ranges("rate(a[5m]) + increase(b{c=\"[1h]\"}[$__rate_interval])"))
        .containsExactly("[5m]", "[$__rate_interval]");
  }

  @Test
  void returnsTheWholeArgumentOfEachCall() {
    assertThat(Promql.callArguments("sum(rate(a{b=\"(\"}[1m])) + irate(c[2m]) + increase(d[$__rate_interval])", "rate"))
        .containsExactly("a{b=\"\"}[1m]");
    assertThat(Promql.callArguments("irate(c[2m])", "irate")).containsExactly("c[2m]");
  }
}
