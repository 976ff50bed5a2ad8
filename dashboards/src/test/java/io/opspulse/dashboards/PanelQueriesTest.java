package io.opspulse.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PanelQueriesTest {
  @TempDir Path dir;

  /** A dashboard in Grafana's shape with the variable forms PanelQueries must understand. */
  private Path fixture(String expr) throws IOException {
    Path file = dir.resolve("fixture.json");
    Files.writeString(
        file,
        """
        {
          "uid": "fixture",
          "templating": {"list": [
            {"type": "datasource", "name": "datasource", "query": "prometheus"},
            {"type": "query", "name": "job", "multi": true, "includeAll": true, "allValue": ".*"},
            {"type": "query", "name": "instance", "multi": true, "includeAll": true, "allValue": ".*"},
            {"type": "query", "name": "single", "multi": false, "includeAll": false}
          ]},
          "panels": [
            {"id": 7, "title": "Outer", "datasource": {"type": "prometheus", "uid": "${datasource}"},
             "targets": [{"refId": "A", "expr": %s, "instant": true}]},
            {"id": 8, "type": "row", "title": "Collapsed", "panels": [
              {"id": 9, "title": "Inner", "datasource": {"type": "prometheus", "uid": "${datasource}"},
               "targets": [{"refId": "B", "expr": "up{job=~\\"$job\\"}"}]}
            ]}
          ]
        }
        """
            .formatted(com.fasterxml.jackson.databind.node.TextNode.valueOf(expr).toString()));
    return file;
  }

  @Test
  void unsetFilterVariablesTakeTheAllValueAndGrafanaIntervalsBecomeDurations() throws IOException {
    Path file =
        fixture(
            "sum(rate(x{job=~\"$job\", instance=~\"${instance}\"}[$__rate_interval])) * $__range_s");
    List<PanelQuery> queries =
        PanelQueries.load(file, Substitution.builder().rateInterval("2m").range("1h").build());
    assertThat(queries)
        .extracting(PanelQuery::expr)
        .containsExactly(
            "sum(rate(x{job=~\".*\", instance=~\".*\"}[2m])) * 3600", "up{job=~\".*\"}");
    assertThat(queries.get(0).rawExpr()).contains("$__rate_interval");
  }

  @Test
  void labelReplaceCaptureGroupsAreLeftAsGrafanaLeavesThem() throws IOException {
    Path file =
        fixture(
            "label_replace(up{job=~\"$job\"}, \"host\", \"$1\", \"instance\", \"(.*):[0-9]+\")");
    assertThat(PanelQueries.load(file, Substitution.defaults()).get(0).expr())
        .isEqualTo(
            "label_replace(up{job=~\".*\"}, \"host\", \"$1\", \"instance\", \"(.*):[0-9]+\")");
  }

  @Test
  void keepsWhereEachQueryCameFrom() throws IOException {
    List<PanelQuery> queries =
        PanelQueries.load(fixture("up"), Substitution.builder().datasource("prom-uid").build());
    assertThat(queries)
        .extracting(
            PanelQuery::dashboardUid,
            PanelQuery::panelId,
            PanelQuery::panelTitle,
            PanelQuery::refId,
            PanelQuery::datasourceUid,
            PanelQuery::instant)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("fixture", 7, "Outer", "A", "prom-uid", true),
            org.assertj.core.groups.Tuple.tuple("fixture", 9, "Inner", "B", "prom-uid", false));
    assertThat(queries.get(0).describe()).isEqualTo("fixture #7 'Outer' A");
  }

  @Test
  void aChosenValueIsRegexEscapedLikeGrafanaDoes() throws IOException {
    Path file = fixture("up{instance=~\"$instance\", job=~\"[[job]]\"}");
    List<PanelQuery> queries =
        PanelQueries.load(
            file,
            Substitution.builder()
                .value("instance", "127.0.0.1:9417")
                .values("job", List.of("a.b", "c"))
                .build());
    assertThat(queries.get(0).expr())
        .isEqualTo("up{instance=~\"127\\\\.0\\\\.0\\\\.1:9417\", job=~\"(a\\\\.b|c)\"}");
  }

  @Test
  void aPatternIsPutInAsIs() throws IOException {
    List<PanelQuery> queries =
        PanelQueries.load(
            fixture("up{job=~\"$job\"}"),
            Substitution.builder().pattern("job", "opspulse-.*").build());
    assertThat(queries.get(0).expr()).isEqualTo("up{job=~\"opspulse-.*\"}");
  }

  @Test
  void aVariableWithoutAnAllValueMustBeSet() throws IOException {
    Path file = fixture("up{x=\"$single\"}");
    assertThatThrownBy(() -> PanelQueries.load(file, Substitution.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("panel 7 'Outer' query A")
        .hasMessageContaining("$single");
    assertThat(
            PanelQueries.load(file, Substitution.builder().value("single", "a.b").build())
                .get(0)
                .expr())
        .as("a single-value variable is not regex-escaped")
        .isEqualTo("up{x=\"a.b\"}");
  }

  @Test
  void anUndeclaredVariableIsAnError() throws IOException {
    Path file = fixture("up{x=~\"$nobody\"}");
    assertThatThrownBy(() -> PanelQueries.load(file, Substitution.defaults()))
        .hasMessageContaining("$nobody")
        .hasMessageContaining("does not declare");
  }

  @Test
  void anUnknownGrafanaVariableIsAnError() throws IOException {
    Path file = fixture("rate(x[$__auto])");
    assertThatThrownBy(() -> PanelQueries.load(file, Substitution.defaults()))
        .hasMessageContaining("$__auto");
  }

  @Test
  void badInputIsNamed() throws IOException {
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\n  \"uid\": \"x\",\n  \"panels\": [\n");
    assertThatThrownBy(() -> PanelQueries.load(broken, Substitution.defaults()))
        .hasMessageContaining(broken.toString())
        .hasMessageContaining("line");
    assertThatThrownBy(() -> Substitution.builder().rateInterval("one minute"))
        .hasMessageContaining("rateInterval")
        .hasMessageContaining("one minute");
  }

  @Test
  void loadsEveryCommittedDashboardWithNothingLeftToSubstitute() {
    List<PanelQuery> all =
        PanelQueries.loadAll(
            Dashboards.committed(),
            Substitution.builder()
                .value("job", "opspulse")
                .value("instance", "127.0.0.1:9417")
                .build());
    assertThat(all)
        .extracting(PanelQuery::dashboardUid)
        .containsOnly(
            "opspulse-containers",
            "opspulse-fleet",
            "opspulse-gpus",
            "opspulse-host",
            "opspulse-jvm");
    assertThat(all)
        .allSatisfy(
            q -> {
              // The only $ left is label_replace's capture group ("$1"), which is PromQL, not a
              // variable.
              assertThat(q.expr())
                  .as(q.describe())
                  .doesNotContainPattern("\\$(?![0-9]\")")
                  .doesNotContain("[[");
              assertThat(q.datasourceUid()).isEqualTo("prometheus");
            });
    assertThat(all)
        .filteredOn(q -> q.rawExpr().contains("$__rate_interval"))
        .isNotEmpty()
        .allSatisfy(q -> assertThat(q.expr()).contains("[1m]"));
    assertThat(all)
        .filteredOn(q -> q.rawExpr().contains("instance=~\"$instance\""))
        .isNotEmpty()
        .allSatisfy(q -> assertThat(q.expr()).contains("instance=~\"127\\\\.0\\\\.0\\\\.1:9417\""));
  }
}
