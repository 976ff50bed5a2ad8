package io.opspulse.catalog;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One metric of the public contract.
 *
 * <p>{@code name} is the family name exactly as PromQL sees it: counters end in {@code _total},
 * histograms are named without {@code _bucket}/{@code _sum}/{@code _count}. {@code otelName} is set
 * for metrics an OpenTelemetry instrument produces (the agent), so the instrument and the scraped
 * name are declared together and cannot drift apart.
 */
public record MetricDefinition(
    String name,
    MetricType type,
    Unit unit,
    String help,
    List<String> labels,
    Source source,
    @Nullable String otelName) {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  public MetricDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(help, "help");
    Objects.requireNonNull(source, "source");
    labels = List.copyOf(labels);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(name + ": not a valid Prometheus metric name");
    }
    for (String label : labels) {
      if (!LABEL.matcher(label).matches() || label.startsWith("__")) {
        throw new IllegalArgumentException(
            name + ": label '" + label + "' is not a valid label name");
      }
    }
    if (type == MetricType.COUNTER && !name.endsWith("_total")) {
      throw new IllegalArgumentException(name + ": a counter's name must end in _total");
    }
    if (type != MetricType.COUNTER && name.endsWith("_total")) {
      throw new IllegalArgumentException(name + ": only counters end in _total");
    }
    if (!unit.suffix().isEmpty() && !baseName(name, type).endsWith("_" + unit.suffix())) {
      throw new IllegalArgumentException(
          name + ": unit " + unit + " needs the suffix _" + unit.suffix());
    }
    if (help.isBlank()) {
      throw new IllegalArgumentException(name + ": help must say what the metric is");
    }
  }

  /** The name without the {@code _total} a counter's samples carry: what client_java registers. */
  public String baseName() {
    return baseName(name, type);
  }

  /** Whether {@code label} is one of this metric's labels. */
  public boolean hasLabel(String label) {
    return labels.contains(label);
  }

  private static String baseName(String name, MetricType type) {
    return type == MetricType.COUNTER ? name.substring(0, name.length() - "_total".length()) : name;
  }

  static Builder gauge(String name) {
    return new Builder(name, MetricType.GAUGE);
  }

  static Builder counter(String name) {
    return new Builder(name, MetricType.COUNTER);
  }

  static Builder histogram(String name) {
    return new Builder(name, MetricType.HISTOGRAM);
  }

  /** Package-private: only the catalog's own classes declare metrics. */
  static final class Builder {
    private final String name;
    private final MetricType type;
    private Unit unit = Unit.NONE;
    private String help = "";
    private List<String> labels = List.of();
    private @Nullable String otelName;

    private Builder(String name, MetricType type) {
      this.name = name;
      this.type = type;
    }

    Builder unit(Unit unit) {
      this.unit = unit;
      return this;
    }

    Builder help(String help) {
      this.help = help;
      return this;
    }

    Builder labels(String... labels) {
      this.labels = List.of(labels);
      return this;
    }

    Builder labels(List<String> first, String... more) {
      var all = new java.util.ArrayList<>(first);
      all.addAll(List.of(more));
      this.labels = all;
      return this;
    }

    Builder otel(String otelName) {
      this.otelName = otelName;
      return this;
    }

    MetricDefinition build(Source source) {
      return new MetricDefinition(name, type, unit, help, labels, source, otelName);
    }
  }
}
