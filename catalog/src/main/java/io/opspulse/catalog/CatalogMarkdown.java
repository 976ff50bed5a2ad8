package io.opspulse.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The metric contract as Markdown tables, kept in README.md between two marker comments, so the
 * front door documents every metric the code declares; a test fails when the two differ.
 */
public final class CatalogMarkdown {
  public static final String BEGIN =
      "<!-- catalog:begin (generated from the catalog module; do not edit) -->";
  public static final String END = "<!-- catalog:end -->";

  private CatalogMarkdown() {}

  public static String render() {
    StringBuilder out = new StringBuilder();
    for (Source source : Source.values()) {
      out.append("\n#### ")
          .append(
              switch (source) {
                case EXPORTER -> "Exporter: engine, containers, compose services, itself";
                case GPU -> "Exporter: GPUs (NVML)";
                case AGENT -> "Java agent";
                case EXTERNAL -> "Used by rules and dashboards, exposed by others";
              })
          .append("\n\n| metric | type | labels | meaning |\n|---|---|---|---|\n");
      for (MetricDefinition m : Catalog.metrics()) {
        if (m.source() != source) {
          continue;
        }
        out.append("| `")
            .append(m.name())
            .append("` | ")
            .append(m.type().name().toLowerCase(Locale.ROOT))
            .append(" | ")
            .append(m.labels().isEmpty() ? "" : "`" + String.join("`, `", m.labels()) + "`")
            .append(" | ")
            .append(m.help().replace("|", "\\|"))
            .append(m.otelName() == null ? "" : " (OpenTelemetry `" + m.otelName() + "`)")
            .append(" |\n");
      }
    }
    out.append(
        "\n#### Default thresholds (alerts and dashboards)\n\n| key | value | for | meaning |\n|---|---|---|---|\n");
    for (Threshold t : Catalog.thresholds()) {
      out.append("| `")
          .append(t.key())
          .append("` | ")
          .append(CatalogJson.number(t.value()))
          .append(t.unit().suffix().isEmpty() ? "" : " " + t.unit().suffix())
          .append(" | ")
          .append(t.forDuration())
          .append(" | ")
          .append(t.meaning().replace("|", "\\|"))
          .append(" |\n");
    }
    return out.toString();
  }

  /** Replaces what stands between the markers in {@code readme} with a fresh rendering. */
  public static String update(String readme) {
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("README has no " + BEGIN + " ... " + END + " section");
    }
    return readme.substring(0, begin + BEGIN.length())
        + "\n"
        + render()
        + "\n"
        + readme.substring(end);
  }

  /** {@code CatalogMarkdown README.md}: rewrites the README's catalog section in place. */
  public static void main(String[] args) throws IOException {
    Path readme = Path.of(args[0]);
    Files.writeString(
        readme, update(Files.readString(readme, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }
}
