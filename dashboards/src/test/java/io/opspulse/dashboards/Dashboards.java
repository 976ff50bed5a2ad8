package io.opspulse.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the tests find the committed dashboards, the build's fresh ones, the catalog, the rules the
 * panels share, the generator and the schema check.
 */
final class Dashboards {
  static final List<String> FILES = List.of(
      "opspulse-containers.json", "opspulse-fleet.json", "opspulse-gpus.json", "opspulse-host.json",
      "opspulse-jvm.json");

  private Dashboards() {}

  static Path committed() {
    return Path.of(System.getProperty("dashboards.committed", "json"));
  }

  static Path generated() {
    return Path.of(System.getProperty("dashboards.generated", "target/generated-dashboards"));
  }

  static Path catalogJson() {
    return Path.of(System.getProperty("dashboards.catalog", "../catalog/catalog.json"));
  }

  static Path rulesYaml() {
    return Path.of(System.getProperty("dashboards.rules", "../alert-rules/opspulse-rules.yml"));
  }

  static Path generator() {
    return Path.of(System.getProperty("dashboards.generator", "target/ts/generate.js"));
  }

  /** The schema check the build runs on every dashboard (validate.ts), beside the generator. */
  static Path validator() {
    return generator().resolveSibling("validate.js");
  }

  static List<Path> jsonFiles(Path folder) {
    try (Stream<Path> list = Files.list(folder)) {
      return list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode read(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every panel of a dashboard, rows' nested panels included, rows themselves left out. */
  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    collect(dashboard.path("panels"), out);
    return out;
  }

  private static void collect(JsonNode panels, List<JsonNode> out) {
    for (JsonNode p : panels) {
      // A row is a header of the layout, not a panel: it has no query, unit or thresholds.
      if (!"row".equals(p.path("type").asText())) {
        out.add(p);
      }
      collect(p.path("panels"), out);
    }
  }
}
