package io.opspulse.catalog.prometheus;

import io.opspulse.catalog.MetricDefinition;
import io.opspulse.catalog.MetricType;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The data points of one catalog metric, collected during a scrape and turned into the client_java
 * snapshot of the metric's type. Name, type, unit, help and label names all come from the {@link
 * MetricDefinition}; a data point must give a value for each of its labels, in the catalog's order,
 * so nothing can be published with labels the contract does not declare. A point of the wrong kind
 * (a histogram point on a gauge, a single value on a histogram) is a bug and throws.
 */
public final class CatalogFamily {
  private final MetricDefinition definition;
  private final String[] names;
  private final List<Labels> labels = new ArrayList<>();
  private final List<Object> points = new ArrayList<>();
  private @Nullable MetricSnapshot built;

  CatalogFamily(MetricDefinition definition) {
    this.definition = definition;
    this.names = definition.labels().toArray(String[]::new);
  }

  public MetricDefinition definition() {
    return definition;
  }

  /** Adds a counter or gauge point; {@code labelValues} in the catalog's label order. */
  public CatalogFamily add(double value, String... labelValues) {
    return point(value, labels(labelValues));
  }

  /**
   * Adds a counter or gauge point whose leading labels are already built (a container's identity,
   * say, shared by all of its series); {@code moreValues} are the catalog's remaining labels, in
   * order.
   */
  public CatalogFamily add(double value, Labels leading, String... moreValues) {
    if (leading.size() + moreValues.length != names.length) {
      throw wrongLabels(leading.size() + moreValues.length);
    }
    for (int i = 0; i < leading.size(); i++) {
      if (!leading.contains(names[i])) {
        throw wrongLabels(leading.size() + moreValues.length);
      }
    }
    if (moreValues.length == 0) {
      return point(value, leading);
    }
    String[] tail = new String[moreValues.length];
    System.arraycopy(names, leading.size(), tail, 0, moreValues.length);
    return point(value, leading.merge(tail, moreValues));
  }

  /**
   * Adds a point that carries the catalog's labels and more, for the metrics whose help says which
   * extra labels they carry (an info metric with allow-listed Docker labels).
   */
  public CatalogFamily addWithExtraLabels(double value, Labels all) {
    for (String name : names) {
      if (!all.contains(name)) {
        throw wrongLabels(all.size());
      }
    }
    return point(value, all);
  }

  /**
   * Adds a histogram point: classic buckets (the last one +Inf), their sum, labels in catalog
   * order.
   */
  public CatalogFamily addHistogram(
      ClassicHistogramBuckets buckets, double sum, String... labelValues) {
    if (definition.type() != MetricType.HISTOGRAM) {
      throw new IllegalArgumentException(
          definition.name() + " is a " + definition.type().prometheusName() + ", not a histogram");
    }
    labels.add(labels(labelValues));
    points.add(new HistogramPoint(buckets, sum));
    return this;
  }

  public boolean isEmpty() {
    return points.isEmpty();
  }

  /** The family as client_java models it, its points sorted by labels; built once. */
  public MetricSnapshot build() {
    if (built == null) {
      built = snapshot();
    }
    return built;
  }

  /**
   * Whether {@code other} holds the same points, in the same order: then its snapshot, and whatever
   * a caller derived from it (encoded bytes), stand for this family too. Label sets are compared by
   * reference first, so callers that reuse their {@link Labels} pay one comparison per point.
   */
  boolean samePointsAs(CatalogFamily other) {
    if (!definition.equals(other.definition) || points.size() != other.points.size()) {
      return false;
    }
    for (int i = 0; i < points.size(); i++) {
      Labels a = labels.get(i);
      Labels b = other.labels.get(i);
      if (a != b && !a.equals(b)) {
        return false;
      }
      Object p = points.get(i);
      Object q = other.points.get(i);
      if (p instanceof Double d ? !(q instanceof Double e && Double.compare(d, e) == 0) : p != q) {
        return false; // histogram points count as the same only when they are the same object
      }
    }
    return true;
  }

  /** Takes over {@code same}'s snapshot: same points, so the same snapshot object. */
  void reuseSnapshotOf(CatalogFamily same) {
    built = same.build();
  }

  private MetricSnapshot snapshot() {
    Unit unit = definition.unit().suffix().isEmpty() ? null : new Unit(definition.unit().suffix());
    MetricMetadata metadata = new MetricMetadata(definition.baseName(), definition.help(), unit);
    return switch (definition.type()) {
      case COUNTER -> {
        List<CounterDataPointSnapshot> out = new ArrayList<>(points.size());
        for (int i = 0; i < points.size(); i++) {
          out.add(new CounterDataPointSnapshot((Double) points.get(i), labels.get(i), null, 0L));
        }
        yield new CounterSnapshot(metadata, out);
      }
      case GAUGE -> {
        List<GaugeDataPointSnapshot> out = new ArrayList<>(points.size());
        for (int i = 0; i < points.size(); i++) {
          out.add(new GaugeDataPointSnapshot((Double) points.get(i), labels.get(i), null));
        }
        yield new GaugeSnapshot(metadata, out);
      }
      case HISTOGRAM -> {
        List<HistogramDataPointSnapshot> out = new ArrayList<>(points.size());
        for (int i = 0; i < points.size(); i++) {
          HistogramPoint h = (HistogramPoint) points.get(i);
          out.add(
              new HistogramDataPointSnapshot(
                  h.buckets(), h.sum(), labels.get(i), Exemplars.EMPTY, 0L));
        }
        yield new HistogramSnapshot(metadata, out);
      }
    };
  }

  private CatalogFamily point(double value, Labels l) {
    if (definition.type() == MetricType.HISTOGRAM) {
      throw new IllegalArgumentException(
          definition.name() + " is a histogram: add buckets, not a value");
    }
    labels.add(l);
    points.add(value);
    return this;
  }

  private Labels labels(String[] values) {
    if (values.length != names.length) {
      throw wrongLabels(values.length);
    }
    return names.length == 0 ? Labels.EMPTY : Labels.of(names, values);
  }

  private IllegalArgumentException wrongLabels(int given) {
    return new IllegalArgumentException(
        definition.name()
            + " takes the labels "
            + definition.labels()
            + ", got "
            + given
            + " label(s)");
  }

  private record HistogramPoint(ClassicHistogramBuckets buckets, double sum) {}
}
