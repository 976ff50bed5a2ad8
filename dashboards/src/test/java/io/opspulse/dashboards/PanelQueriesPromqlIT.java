package io.opspulse.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.PrometheusServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every panel query, with its variables substituted, is PromQL a real Prometheus accepts. Nothing is
 * scraped, so results are empty; the end-to-end test proves they fill with data from the real exporter
 * and agent. promtool 2.42 has no parse-only command, hence a server.
 */
class PanelQueriesPromqlIT {
  private static PrometheusServer prometheus;

  @BeforeAll
  static void start() {
    prometheus = PrometheusServer.builder().start();
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
  }

  @Test
  void everyQueryParsesWithEveryFilterAtAll() {
    assertAllAccepted(PanelQueries.loadAll(Dashboards.committed(), Substitution.defaults()));
  }

  @Test
  void everyQueryParsesWithChosenValuesThatNeedEscaping() {
    assertAllAccepted(PanelQueries.loadAll(Dashboards.committed(), Substitution.builder()
        .value("job", "opspulse")
        .value("instance", "127.0.0.1:9417")
        .values("compose_project", List.of("incident.000", "demo"))
        .value("compose_service", "backend")
        .value("container", "/sutazai-backend")
        .value("gpu", "0")
        .value("route", "/api/items/{id}")
        .rateInterval("4s")
        .build()));
  }

  @Test
  void aBrokenQueryIsRejected() {
    // The check can fail: Prometheus answers a parse error with status "error".
    assertThat(accepted("sum by (le (rate(x[1m]))")).isFalse();
    assertThat(accepted("sum(rate(x[1m]))")).isTrue();
  }

  private static void assertAllAccepted(List<PanelQuery> queries) {
    assertThat(queries).hasSizeGreaterThan(50);
    List<String> rejected = new ArrayList<>();
    for (PanelQuery q : queries) {
      try {
        prometheus.api("/api/v1/query?query=" + URLEncoder.encode(q.expr(), StandardCharsets.UTF_8));
      } catch (IllegalStateException e) {
        rejected.add(q.describe() + ": " + q.expr() + "\n    " + e.getMessage());
      }
    }
    assertThat(rejected).as("queries Prometheus rejected").isEmpty();
  }

  private static boolean accepted(String promql) {
    try {
      prometheus.api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }
}
