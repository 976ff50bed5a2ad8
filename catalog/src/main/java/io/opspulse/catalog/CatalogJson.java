package io.opspulse.catalog;

import static io.opspulse.catalog.JsonStrings.quote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes the catalog as JSON for builds that are not Java (the dashboards' TypeScript). The file is
 * committed as {@code catalog/catalog.json}; a test regenerates it and fails on any difference.
 */
public final class CatalogJson {
  private CatalogJson() {}

  public static String render() {
    StringBuilder out = new StringBuilder(32 * 1024);
    out.append("{\n  \"metrics\": [\n");
    List<MetricDefinition> metrics = Catalog.metrics();
    for (int i = 0; i < metrics.size(); i++) {
      MetricDefinition m = metrics.get(i);
      out.append("    {\"name\": ")
          .append(quote(m.name()))
          .append(", \"type\": ")
          .append(quote(m.type().prometheusName()))
          .append(", \"unit\": ")
          .append(quote(m.unit().suffix()))
          .append(", \"source\": ")
          .append(quote(m.source().name().toLowerCase(Locale.ROOT)))
          .append(", \"labels\": ")
          .append(array(m.labels()));
      if (m.otelName() != null) {
        out.append(", \"otelName\": ").append(quote(m.otelName()));
      }
      out.append(", \"help\": ")
          .append(quote(m.help()))
          .append('}')
          .append(i + 1 < metrics.size() ? ",\n" : "\n");
    }
    out.append("  ],\n  \"thresholds\": {\n");
    List<Threshold> thresholds = Catalog.thresholds();
    for (int i = 0; i < thresholds.size(); i++) {
      Threshold t = thresholds.get(i);
      out.append("    ")
          .append(quote(t.key()))
          .append(": {\"value\": ")
          .append(number(t.value()))
          .append(", \"unit\": ")
          .append(quote(t.unit().suffix()))
          .append(", \"for\": ")
          .append(quote(t.forDuration()))
          .append(", \"meaning\": ")
          .append(quote(t.meaning()))
          .append('}')
          .append(i + 1 < thresholds.size() ? ",\n" : "\n");
    }
    out.append("  },\n  \"labelValues\": {\n")
        .append("    \"origin\": ")
        .append(array(LabelValues.ORIGINS))
        .append(",\n")
        .append("    \"exitReason\": ")
        .append(array(LabelValues.EXIT_REASONS))
        .append(",\n")
        .append("    \"containerState\": ")
        .append(array(LabelValues.CONTAINER_STATES))
        .append(",\n")
        .append("    \"healthStatus\": ")
        .append(array(LabelValues.HEALTH_STATUSES))
        .append("\n")
        .append("  },\n  \"targetLabels\": ")
        .append(array(Catalog.TARGET_LABELS))
        .append("\n}\n");
    return out.toString();
  }

  /** {@code java io.opspulse.catalog.CatalogJson PATH} writes the file. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: CatalogJson OUTPUT.json");
      System.exit(2);
    }
    Files.writeString(Path.of(args[0]), render(), StandardCharsets.UTF_8);
  }

  static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  private static String array(List<String> values) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      out.append(i == 0 ? "" : ", ").append(quote(values.get(i)));
    }
    return out.append(']').toString();
  }
}
