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
 * $__rate_interval in every rate, only catalog metrics, and the alert thresholds on the panels.
 */
class DashboardStructureTest {
  private static final String DATASOURCE_REF = "${datasource}";
  private static final Pattern THRESHOLD_NOTE = Pattern.compile("([a-z][a-z0-9_]*) = (-?[0-9]+(?:\\.[0-9]+)?)");

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
    List<String> others = Dashboards.FILES.stream().map(f -> "/d/" + f.replace(".json", ""))
        .filter(u -> !u.equals("/d/" + uid)).toList();
    assertThat(links).containsExactlyInAnyOrderElementsOf(others);
    d.path("links").forEach(l -> {
      assertThat(l.path("includeVars").asBoolean()).as("link %s keeps the filters", l.path("url")).isTrue();
      assertThat(l.path("keepTime").asBoolean()).as("link %s keeps the time range", l.path("url")).isTrue();
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
    byName.values().stream().filter(v -> "query".equals(v.path("type").asText())).forEach(v -> {
      String name = v.path("name").asText();
      assertThat(v.path("datasource").path("uid").asText()).as("variable %s", name).isEqualTo(DATASOURCE_REF);
      assertThat(v.path("multi").asBoolean() && v.path("includeAll").asBoolean()).as("variable %s", name).isTrue();
      assertThat(v.path("allValue").asText()).as("variable %s: All must match empty labels too", name).isEqualTo(".*");
      Matcher m = Pattern.compile("^label_values\\(([a-zA-Z_:][a-zA-Z0-9_:]*)").matcher(v.path("query").asText());
      assertThat(m.find()).as("variable %s: %s", name, v.path("query")).isTrue();
      assertThat(Catalog.bySeriesName(m.group(1))).as("variable %s lists values of %s", name, m.group(1)).isPresent();
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
      assertThat(ids.add(p.path("id").asInt())).as("%s: panel id %s is unique", file, p.path("id")).isTrue();
      assertThat(p.path("description").asText()).as("%s: '%s' description", file, title).isNotBlank();
      assertThat(p.path("fieldConfig").path("defaults").path("unit").asText()).as("%s: '%s' unit", file, title).isNotBlank();
      assertThat(p.path("datasource").path("uid").asText()).as("%s: '%s' datasource", file, title).isEqualTo(DATASOURCE_REF);
      assertThat(p.path("targets").size()).as("%s: '%s' queries", file, title).isPositive();
      for (JsonNode t : p.path("targets")) {
        assertThat(t.path("datasource").path("uid").asText()).as("%s: '%s' %s datasource", file, title, t.path("refId"))
            .isEqualTo(DATASOURCE_REF);
        assertThat(t.path("expr").asText()).as("%s: '%s' %s expr", file, title, t.path("refId")).isNotBlank();
      }
      JsonNode grid = p.path("gridPos");
      assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as("%s: '%s' fits the 24-column grid", file, title)
          .isBetween(1, 24);
    }
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void everyRangeIsTheRateInterval(Path file) {
    for (Expr e : exprs(file)) {
      assertThat(Promql.ranges(e.expr)).as(e.where).allMatch("[$__rate_interval]"::equals);
      for (String fn : List.of("rate", "irate", "increase")) {
        assertThat(Promql.callArguments(e.expr, fn)).as("%s: %s(...)", e.where, fn)
            .allMatch(arg -> arg.endsWith("[$__rate_interval]"));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void everyMetricAQueryNamesIsInTheCatalog(Path file) {
    for (Expr e : exprs(file)) {
      Set<String> names = Promql.seriesNames(e.expr);
      assertThat(names).as("%s selects no metric", e.where).isNotEmpty();
      for (String name : names) {
        assertThat(Catalog.bySeriesName(name)).as("%s: metric %s is not in the catalog", e.where, name).isPresent();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void everyThresholdStepIsTheCatalogThresholdThePanelNames(Path file) {
    int drawn = 0;
    for (JsonNode p : Dashboards.panels(Dashboards.read(file))) {
      String title = p.path("title").asText();
      JsonNode steps = p.path("fieldConfig").path("defaults").path("thresholds").path("steps");
      assertThat(steps.size()).as("%s: '%s' sets its thresholds (no Grafana default red at 80)", file, title).isPositive();
      assertThat(steps.get(0).path("value").isNull()).as("%s: '%s' base step", file, title).isTrue();
      Map<String, Double> named = new LinkedHashMap<>();
      Matcher m = THRESHOLD_NOTE.matcher(p.path("description").asText());
      while (m.find()) {
        Threshold t = Catalog.threshold(m.group(1)).orElseThrow(
            () -> new AssertionError(file + ": '" + title + "' names threshold " + m.group(1) + ", not in the catalog"));
        assertThat(Double.parseDouble(m.group(2))).as("%s: '%s' describes %s", file, title, t.key()).isEqualTo(t.value());
        named.put(t.key(), t.value());
      }
      List<Double> values = new ArrayList<>();
      for (int i = 1; i < steps.size(); i++) {
        values.add(steps.get(i).path("value").asDouble());
      }
      assertThat(values).as("%s: '%s' threshold steps against the catalog thresholds it names %s", file, title, named)
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
    assertThat(queries).allSatisfy(q -> assertThat(q.expr()).as(q.describe())
        .doesNotContainPattern("\\$(?![0-9]\")"));
  }

  private record Expr(String where, String expr) {}

  private static List<Expr> exprs(Path file) {
    List<Expr> out = new ArrayList<>();
    for (JsonNode p : Dashboards.panels(Dashboards.read(file))) {
      for (JsonNode t : p.path("targets")) {
        out.add(new Expr(file.getFileName() + ": '" + p.path("title").asText() + "' " + t.path("refId").asText(),
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
