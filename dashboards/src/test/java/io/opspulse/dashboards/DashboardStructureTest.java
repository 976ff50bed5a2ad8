package io.opspulse.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opspulse.catalog.Catalog;
import io.opspulse.catalog.Threshold;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conventions of the issue, checked on the committed JSON: a user importing these files gets a
 * datasource variable, job/instance filters, a unit, title and description on every panel,
 * $__rate_interval in every rate, only catalog metrics and the rules' recording rules, the alert
 * thresholds on the panels, rows, runbook links, alert annotations and an import input.
 */
class DashboardStructureTest {
  private static final String DATASOURCE_REF = "${datasource}";
  private static final RulesFile RULES = RulesFile.committed();
  private static final Pattern ALERT_ANNOTATION =
      Pattern.compile("^ALERTS\\{alertstate=\"firing\", alertname=~\"([A-Za-z0-9|]+)\"}$");
  private static final Pattern THRESHOLD_NOTE =
      Pattern.compile("([a-z][a-z0-9_]*) = (-?[0-9]+(?:\\.[0-9]+)?)");

  static Stream<Path> dashboards() {
    return Dashboards.FILES.stream().map(f -> Dashboards.committed().resolve(f));
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void hasAStableUidTagsAndLinksToTheOthers(Path file) {
    JsonNode d = Dashboards.read(file);
    String uid = file.getFileName().toString().replace(".json", "");
    assertThat(d.path("uid").asText()).isEqualTo(uid);
    assertThat(d.path("title").asText()).startsWith("opspulse / ");
    assertThat(d.path("description").asText()).isNotBlank();
    assertThat(texts(d.path("tags"))).contains("opspulse");
    List<String> links = new ArrayList<>();
    d.path("links").forEach(l -> links.add(l.path("url").asText()));
    List<String> others =
        Dashboards.FILES.stream()
            .map(f -> "/d/" + f.replace(".json", ""))
            .filter(u -> !u.equals("/d/" + uid))
            .toList();
    assertThat(links).containsExactlyInAnyOrderElementsOf(others);
    d.path("links")
        .forEach(
            l -> {
              assertThat(l.path("includeVars").asBoolean())
                  .as("link %s keeps the filters", l.path("url"))
                  .isTrue();
              assertThat(l.path("keepTime").asBoolean())
                  .as("link %s keeps the time range", l.path("url"))
                  .isTrue();
            });
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void hasOnePrometheusDatasourceVariableAndJobAndInstanceFilters(Path file) {
    JsonNode d = Dashboards.read(file);
    List<JsonNode> datasourceVars = new ArrayList<>();
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    for (JsonNode v : d.path("templating").path("list")) {
      byName.put(v.path("name").asText(), v);
      if ("datasource".equals(v.path("type").asText())) {
        datasourceVars.add(v);
      }
    }
    assertThat(datasourceVars).hasSize(1);
    assertThat(datasourceVars.get(0).path("name").asText()).isEqualTo("datasource");
    assertThat(datasourceVars.get(0).path("query").asText()).isEqualTo("prometheus");
    assertThat(byName).containsKeys("job", "instance");
    byName.values().stream()
        .filter(v -> "query".equals(v.path("type").asText()))
        .forEach(
            v -> {
              String name = v.path("name").asText();
              assertThat(v.path("datasource").path("uid").asText())
                  .as("variable %s", name)
                  .isEqualTo(DATASOURCE_REF);
              assertThat(v.path("multi").asBoolean() && v.path("includeAll").asBoolean())
                  .as("variable %s", name)
                  .isTrue();
              assertThat(v.path("allValue").asText())
                  .as("variable %s: All must match empty labels too", name)
                  .isEqualTo(".*");
              Matcher m =
                  Pattern.compile("^label_values\\(([a-zA-Z_:][a-zA-Z0-9_:]*)")
                      .matcher(v.path("query").asText());
              assertThat(m.find()).as("variable %s: %s", name, v.path("query")).isTrue();
              assertThat(Catalog.bySeriesName(m.group(1)))
                  .as("variable %s lists values of %s", name, m.group(1))
                  .isPresent();
            });
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void everyPanelHasATitleDescriptionUnitAndTheDatasourceVariable(Path file) {
    List<JsonNode> panels = Dashboards.panels(Dashboards.read(file));
    assertThat(panels).isNotEmpty();
    Set<Integer> ids = new HashSet<>();
    for (JsonNode p : panels) {
      String title = p.path("title").asText();
      assertThat(title).as("%s: panel %s title", file, p.path("id")).isNotBlank();
      assertThat(ids.add(p.path("id").asInt()))
          .as("%s: panel id %s is unique", file, p.path("id"))
          .isTrue();
      assertThat(p.path("description").asText())
          .as("%s: '%s' description", file, title)
          .isNotBlank();
      assertThat(p.path("fieldConfig").path("defaults").path("unit").asText())
          .as("%s: '%s' unit", file, title)
          .isNotBlank();
      assertThat(p.path("datasource").path("uid").asText())
          .as("%s: '%s' datasource", file, title)
          .isEqualTo(DATASOURCE_REF);
      assertThat(p.path("targets").size()).as("%s: '%s' queries", file, title).isPositive();
      for (JsonNode t : p.path("targets")) {
        assertThat(t.path("datasource").path("uid").asText())
            .as("%s: '%s' %s datasource", file, title, t.path("refId"))
            .isEqualTo(DATASOURCE_REF);
        assertThat(t.path("expr").asText())
            .as("%s: '%s' %s expr", file, title, t.path("refId"))
            .isNotBlank();
      }
      JsonNode grid = p.path("gridPos");
      assertThat(grid.path("x").asInt() + grid.path("w").asInt())
          .as("%s: '%s' fits the 24-column grid", file, title)
          .isBetween(1, 24);
    }
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void everyRangeIsTheRateInterval(Path file) {
    for (Expr e : exprs(file)) {
      assertThat(Promql.ranges(e.expr)).as(e.where).allMatch("[$__rate_interval]"::equals);
      for (String fn : List.of("rate", "irate", "increase")) {
        assertThat(Promql.callArguments(e.expr, fn))
            .as("%s: %s(...)", e.where, fn)
            .allMatch(arg -> arg.endsWith("[$__rate_interval]"));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void everyMetricAQueryNamesIsInTheCatalogOrARecordingRule(Path file) {
    for (Expr e : exprs(file)) {
      Set<String> names = Promql.seriesNames(e.expr);
      assertThat(names).as("%s selects no metric", e.where).isNotEmpty();
      for (String name : names) {
        assertThat(Catalog.bySeriesName(name).isPresent() || RULES.records().contains(name))
            .as(
                "%s: %s is neither a catalog metric nor a recording rule of %s",
                e.where, name, Dashboards.rulesYaml())
            .isTrue();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void everyPanelIsInARow(Path file) {
    JsonNode top = Dashboards.read(file).path("panels");
    assertThat(top.get(0).path("type").asText()).as("%s starts with a row", file).isEqualTo("row");
    int rows = 0;
    for (JsonNode p : top) {
      if ("row".equals(p.path("type").asText())) {
        rows++;
        assertThat(p.path("title").asText()).as("%s: row title", file).isNotBlank();
        assertThat(p.path("panels").size() > 0)
            .as(
                "%s: row '%s' collapsed exactly when it holds its panels",
                file, p.path("title").asText())
            .isEqualTo(p.path("collapsed").asBoolean());
      }
    }
    assertThat(rows).as("%s has rows", file).isGreaterThanOrEqualTo(3);
  }

  /**
   * A panel drawing an alert threshold links to the runbook of an alert it shows (the URL the rule
   * carries), and a panel reading a recording rule links to an alert whose expression reads that
   * rule.
   */
  @ParameterizedTest
  @MethodSource("dashboards")
  void alertPanelsLinkTheirAlertsRunbooks(Path file) {
    for (JsonNode p : Dashboards.panels(Dashboards.read(file))) {
      String title = p.path("title").asText();
      Map<String, String> linked = runbookLinks(p);
      linked.forEach(
          (alert, url) -> {
            assertThat(RULES.runbooks())
                .as("%s: '%s' links alert %s", file, title, alert)
                .containsKey(alert);
            assertThat(url)
                .as("%s: '%s' runbook of %s", file, title, alert)
                .isEqualTo(RULES.runbooks().get(alert));
          });
      if (p.path("fieldConfig").path("defaults").path("thresholds").path("steps").size() > 1) {
        assertThat(linked)
            .as("%s: '%s' draws an alert threshold but links no runbook", file, title)
            .isNotEmpty();
      }
      for (JsonNode t : p.path("targets")) {
        for (String name : Promql.seriesNames(t.path("expr").asText())) {
          if (RULES.records().contains(name)) {
            assertThat(linked.keySet())
                .as("%s: '%s' reads %s: an alert reading it is linked", file, title, name)
                .anyMatch(
                    a ->
                        RULES.alertExprs().get(a).stream()
                            .anyMatch(x -> Promql.seriesNames(x).contains(name)));
          }
        }
      }
    }
  }

  /** One annotation per board: ALERTS firing, narrowed to exactly the alerts its panels link. */
  @ParameterizedTest
  @MethodSource("dashboards")
  void firingAlertsOfTheBoardAreAnnotations(Path file) {
    JsonNode d = Dashboards.read(file);
    JsonNode list = d.path("annotations").path("list");
    assertThat(list.size()).as("%s annotations", file).isEqualTo(1);
    JsonNode a = list.get(0);
    assertThat(a.path("enable").asBoolean()).isTrue();
    assertThat(a.path("datasource").path("uid").asText()).isEqualTo(DATASOURCE_REF);
    Matcher m = ALERT_ANNOTATION.matcher(a.path("expr").asText());
    assertThat(m.matches()).as("%s annotation expr %s", file, a.path("expr")).isTrue();
    Set<String> linked = new java.util.TreeSet<>();
    Dashboards.panels(d).forEach(p -> linked.addAll(runbookLinks(p).keySet()));
    assertThat(new java.util.TreeSet<>(List.of(m.group(1).split("\\|")))).isEqualTo(linked);
    assertThat(a.path("titleFormat").asText()).isEqualTo("{{alertname}}");
  }

  /**
   * Grafana's import dialog asks for the Prometheus data source; the datasource variable starts on
   * it.
   */
  @ParameterizedTest
  @MethodSource("dashboards")
  void importAsksForThePrometheusDataSource(Path file) throws java.io.IOException {
    JsonNode d = Dashboards.read(file);
    JsonNode inputs = d.path("__inputs");
    assertThat(inputs.size()).isEqualTo(1);
    assertThat(inputs.get(0).path("name").asText()).isEqualTo("DS_PROMETHEUS");
    assertThat(inputs.get(0).path("type").asText()).isEqualTo("datasource");
    assertThat(inputs.get(0).path("pluginId").asText()).isEqualTo("prometheus");
    JsonNode variable = d.path("templating").path("list").get(0);
    assertThat(variable.path("name").asText()).isEqualTo("datasource");
    assertThat(variable.path("current").path("value").asText()).isEqualTo("${DS_PROMETHEUS}");
    // No other input is referenced: import would leave it unreplaced.
    assertThat(java.nio.file.Files.readString(file))
        .doesNotContainPattern("\\$\\{DS_(?!PROMETHEUS\\})");
  }

  @org.junit.jupiter.api.Test
  void theJvmBoardHasLatencyHeatmapsOfTheServerClientAndJdbcHistograms() {
    List<String> heatmaps = new ArrayList<>();
    for (JsonNode p :
        Dashboards.panels(Dashboards.read(Dashboards.committed().resolve("opspulse-jvm.json")))) {
      if ("heatmap".equals(p.path("type").asText())) {
        JsonNode t = p.path("targets").get(0);
        assertThat(t.path("format").asText()).as(p.path("title").asText()).isEqualTo("heatmap");
        assertThat(t.path("legendFormat").asText()).isEqualTo("{{le}}");
        assertThat(p.path("options").path("calculate").asBoolean(true)).isFalse();
        Matcher m =
            Pattern.compile(
                    "^sum by \\(le\\) \\(rate\\(([a-z_]+_bucket)\\{.*}\\[\\$__rate_interval]\\)\\)$")
                .matcher(t.path("expr").asText());
        assertThat(m.matches()).as("%s: %s", p.path("title").asText(), t.path("expr")).isTrue();
        heatmaps.add(m.group(1));
      }
    }
    assertThat(heatmaps)
        .containsExactlyInAnyOrder(
            "http_server_request_duration_seconds_bucket",
            "http_client_request_duration_seconds_bucket",
            "db_client_operation_duration_seconds_bucket");
  }

  /**
   * A hot container (Fleet) and a hot JVM (JVM) link to the agent profiler's flame graph on their
   * host.
   */
  @org.junit.jupiter.api.Test
  void hotContainersAndJvmsLinkToTheirFlameGraph() {
    for (String board : List.of("opspulse-fleet.json", "opspulse-jvm.json")) {
      JsonNode d = Dashboards.read(Dashboards.committed().resolve(board));
      List<JsonNode> linking =
          Dashboards.panels(d).stream()
              .filter(
                  p ->
                      p.path("fieldConfig")
                          .path("defaults")
                          .path("links")
                          .toString()
                          .contains("/debug/flamegraph"))
              .toList();
      assertThat(linking).as(board).isNotEmpty();
      for (JsonNode p : linking) {
        String url =
            p.path("fieldConfig").path("defaults").path("links").get(0).path("url").asText();
        assertThat(url)
            .isEqualTo("http://${__field.labels.host}:${profiler_port}/debug/flamegraph?event=cpu");
        p.path("targets")
            .forEach(
                t ->
                    assertThat(t.path("expr").asText())
                        .as("%s: the series carry a host label", board)
                        .startsWith("label_replace(")
                        .endsWith(", \"host\", \"$1\", \"instance\", \"(.*):[0-9]+\")"));
      }
      assertThat(d.path("templating").path("list").toString())
          .contains("\"name\":\"profiler_port\"");
    }
  }

  /** Runbook links of a panel, by alert name. */
  private static Map<String, String> runbookLinks(JsonNode panel) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode l : panel.path("links")) {
      String title = l.path("title").asText();
      if (title.startsWith("Runbook: ")) {
        out.put(title.substring("Runbook: ".length()), l.path("url").asText());
      }
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void everyThresholdStepIsTheCatalogThresholdThePanelNames(Path file) {
    int drawn = 0;
    for (JsonNode p : Dashboards.panels(Dashboards.read(file))) {
      String title = p.path("title").asText();
      JsonNode steps = p.path("fieldConfig").path("defaults").path("thresholds").path("steps");
      assertThat(steps.size())
          .as("%s: '%s' sets its thresholds (no Grafana default red at 80)", file, title)
          .isPositive();
      assertThat(steps.get(0).path("value").isNull())
          .as("%s: '%s' base step", file, title)
          .isTrue();
      Map<String, Double> named = new LinkedHashMap<>();
      Matcher m = THRESHOLD_NOTE.matcher(p.path("description").asText());
      while (m.find()) {
        Threshold t =
            Catalog.threshold(m.group(1))
                .orElseThrow(
                    () ->
                        new AssertionError(
                            file
                                + ": '"
                                + title
                                + "' names threshold "
                                + m.group(1)
                                + ", not in the catalog"));
        assertThat(Double.parseDouble(m.group(2)))
            .as("%s: '%s' describes %s", file, title, t.key())
            .isEqualTo(t.value());
        named.put(t.key(), t.value());
      }
      List<Double> values = new ArrayList<>();
      for (int i = 1; i < steps.size(); i++) {
        values.add(steps.get(i).path("value").asDouble());
      }
      assertThat(values)
          .as(
              "%s: '%s' threshold steps against the catalog thresholds it names %s",
              file, title, named)
          .containsExactlyInAnyOrderElementsOf(named.values());
      drawn += values.size();
    }
    assertThat(drawn).as("%s draws at least one alert threshold", file).isPositive();
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void everyQueryResolvesWithDefaultSubstitution(Path file) {
    List<PanelQuery> queries = PanelQueries.load(file, Substitution.defaults());
    assertThat(queries).hasSize(exprs(file).size());
    assertThat(queries)
        .allSatisfy(
            q -> assertThat(q.expr()).as(q.describe()).doesNotContainPattern("\\$(?![0-9]\")"));
  }

  private record Expr(String where, String expr) {}

  private static List<Expr> exprs(Path file) {
    List<Expr> out = new ArrayList<>();
    for (JsonNode p : Dashboards.panels(Dashboards.read(file))) {
      for (JsonNode t : p.path("targets")) {
        out.add(
            new Expr(
                file.getFileName()
                    + ": '"
                    + p.path("title").asText()
                    + "' "
                    + t.path("refId").asText(),
                t.path("expr").asText()));
      }
    }
    return out;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
