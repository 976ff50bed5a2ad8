package io.opspulse.dashboards;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opspulse.dashboards.Substitution.VariableInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every panel query of a Grafana dashboard JSON, with its template variables substituted: the
 * PromQL Prometheus would receive when a user opens the dashboard. Tests run these against a real
 * Prometheus to prove each panel shows data.
 *
 * <pre>{@code
 * List<PanelQuery> queries = PanelQueries.load(Path.of("dashboards/json/opspulse-fleet.json"),
 *     Substitution.builder().value("job", "opspulse").rateInterval("1m").build());
 * }</pre>
 */
public final class PanelQueries {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PanelQueries() {}

  /** The queries of one dashboard file, in panel order. */
  public static List<PanelQuery> load(Path dashboardJson, Substitution substitution) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(dashboardJson));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          dashboardJson
              + ": not valid JSON at line "
              + e.getLocation().getLineNr()
              + ": "
              + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(dashboardJson + ": cannot read", e);
    }
    String uid = root.path("uid").asText("");
    if (uid.isEmpty()) {
      throw new IllegalArgumentException(dashboardJson + ": dashboard has no uid");
    }
    Map<String, VariableInfo> variables = variables(root);
    List<PanelQuery> out = new ArrayList<>();
    collect(root.path("panels"), dashboardJson, uid, variables, substitution, out);
    return List.copyOf(out);
  }

  /** The queries of every {@code *.json} dashboard in {@code folder}, files in name order. */
  public static List<PanelQuery> loadAll(Path folder, Substitution substitution) {
    List<Path> files;
    try (Stream<Path> list = Files.list(folder)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(folder + ": cannot list dashboards", e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException(folder + ": no dashboard JSON files");
    }
    List<PanelQuery> out = new ArrayList<>();
    files.forEach(f -> out.addAll(load(f, substitution)));
    return List.copyOf(out);
  }

  private static Map<String, VariableInfo> variables(JsonNode root) {
    Map<String, VariableInfo> out = new LinkedHashMap<>();
    for (JsonNode v : root.path("templating").path("list")) {
      JsonNode all = v.get("allValue");
      out.put(
          v.path("name").asText(),
          new VariableInfo(
              v.path("type").asText(),
              v.path("multi").asBoolean(false),
              v.path("includeAll").asBoolean(false),
              v.path("includeAll").asBoolean(false) && all != null && !all.isNull()
                  ? all.asText()
                  : null));
    }
    return out;
  }

  /** Panels in order; a collapsed row keeps its panels inside itself. */
  private static void collect(
      JsonNode panels,
      Path file,
      String uid,
      Map<String, VariableInfo> variables,
      Substitution substitution,
      List<PanelQuery> out) {
    for (JsonNode panel : panels) {
      if (panel.has("panels")) {
        collect(panel.path("panels"), file, uid, variables, substitution, out);
      }
      int id = panel.path("id").asInt(-1);
      String title = panel.path("title").asText("");
      String panelDatasource = panel.path("datasource").path("uid").asText("");
      for (JsonNode target : panel.path("targets")) {
        String refId = target.path("refId").asText("");
        String where = file + ": panel " + id + " '" + title + "' query " + refId;
        JsonNode expr = target.get("expr");
        if (expr == null || !expr.isTextual() || expr.asText().isBlank()) {
          throw new IllegalArgumentException(where + ": has no PromQL expr");
        }
        String ds = target.path("datasource").path("uid").asText(panelDatasource);
        out.add(
            new PanelQuery(
                uid,
                id,
                title,
                refId,
                substitution.apply(ds, variables, where),
                expr.asText(),
                substitution.apply(expr.asText(), variables, where),
                target.path("instant").asBoolean(false)));
      }
    }
  }
}
