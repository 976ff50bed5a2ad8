package io.opspulse.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opspulse.testkit.PrometheusServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every panel query, with its variables substituted, is PromQL a real Prometheus accepts, and every
 * recording rule and alert the panels read or link is one that Prometheus loaded from the rule file
 * the dashboards were generated against. Nothing is scraped, so results are empty; the end-to-end
 * test proves they fill with data from the real exporter and agent. promtool 2.42 has no parse-only
 * command, hence a server.
 */
class PanelQueriesPromqlIT {
  private static PrometheusServer prometheus;

  @BeforeAll
  static void start() {
    prometheus =
        PrometheusServer.builder().ruleFile(Dashboards.rulesYaml().toAbsolutePath()).start();
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
    assertAllAccepted(
        PanelQueries.loadAll(
            Dashboards.committed(),
            Substitution.builder()
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
  void everyRecordingRuleAndAlertThePanelsUseIsLoadedByPrometheus() {
    Set<String> records = new TreeSet<>();
    Set<String> alerts = new TreeSet<>();
    for (JsonNode group : prometheus.api("/api/v1/rules").path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        ("recording".equals(rule.path("type").asText()) ? records : alerts)
            .add(rule.path("name").asText());
      }
    }
    assertThat(records).as("recording rules Prometheus loaded").isNotEmpty();
    Set<String> read = new TreeSet<>();
    for (PanelQuery q : PanelQueries.loadAll(Dashboards.committed(), Substitution.defaults())) {
      Promql.seriesNames(q.expr()).stream().filter(n -> n.contains(":")).forEach(read::add);
    }
    assertThat(read).as("recording rules the panels read").hasSizeGreaterThan(20);
    assertThat(records).containsAll(read);
    Set<String> linked = new TreeSet<>();
    for (String file : Dashboards.FILES) {
      JsonNode d = Dashboards.read(Dashboards.committed().resolve(file));
      for (JsonNode p : Dashboards.panels(d)) {
        p.path("links")
            .forEach(
                l -> {
                  if (l.path("title").asText().startsWith("Runbook: ")) {
                    linked.add(l.path("title").asText().substring("Runbook: ".length()));
                  }
                });
      }
      String annotation = d.path("annotations").path("list").get(0).path("expr").asText();
      assertThat(accepted(annotation)).as("%s annotation %s", file, annotation).isTrue();
    }
    assertThat(linked).as("alerts the panels link").hasSizeGreaterThan(30);
    assertThat(alerts).containsAll(linked);
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
        prometheus.api(
            "/api/v1/query?query=" + URLEncoder.encode(q.expr(), StandardCharsets.UTF_8));
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
