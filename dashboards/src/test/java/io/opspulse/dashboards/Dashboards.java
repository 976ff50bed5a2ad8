package io.opspulse.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opspulse.testkit.CommandResult;
import io.opspulse.testkit.Commands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the tests find the committed dashboards, the catalog, the rules the panels share, the
 * generator and the schema check, and how they run the generator.
 */
final class Dashboards {
  static final List<String> FILES =
      List.of(
          "opspulse-containers.json",
          "opspulse-fleet.json",
          "opspulse-gpus.json",
          "opspulse-host.json",
          "opspulse-jvm.json");

  private Dashboards() {}

  static Path committed() {
    return Path.of(System.getProperty("dashboards.committed", "json"));
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

  /** Runs the generator on {@code catalog} and the committed rules, writing into {@code out}. */
  static CommandResult generate(Path catalog, Path out) {
    return generate(catalog, rulesYaml(), out);
  }

  /** Runs the generator on {@code catalog} and {@code rules}, writing into {@code out}. */
  static CommandResult generate(Path catalog, Path rules, Path out) {
    return Commands.run(
        List.of(
            "node",
            generator().toString(),
            "--catalog",
            catalog.toString(),
            "--rules",
            rules.toString(),
            "--out",
            out.toString()),
        Map.of(),
        null,
        Duration.ofSeconds(60));
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
