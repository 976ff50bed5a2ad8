package io.opspulse.exporter;

import io.opspulse.catalog.MetricDefinition;
import io.opspulse.catalog.MetricType;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the data points of one catalog metric during a scrape and turns them into a client_java
 * snapshot. Label names come from the catalog definition, in its order; a data point must give a value
 * for each, so a metric cannot be published with labels the contract does not declare.
 */
final class SnapshotFamily {
  private final MetricDefinition definition;
  private final String[] names;
  private final List<Labels> labels = new ArrayList<>();
  private final List<Double> values = new ArrayList<>();

  SnapshotFamily(MetricDefinition definition) {
    this.definition = definition;
    this.names = definition.labels().toArray(String[]::new);
  }

  /** Adds a data point; {@code labelValues} in the catalog's label order. */
  SnapshotFamily add(double value, String... labelValues) {
    if (labelValues.length != names.length) {
      throw new IllegalArgumentException(definition.name() + ": expected labels " + definition.labels());
    }
    labels.add(Labels.of(names, labelValues));
    values.add(value);
    return this;
  }

  /** Adds a data point whose leading labels are already built (a container's identity, say). */
  SnapshotFamily add(double value, Labels identity, String... moreValues) {
    if (identity.size() + moreValues.length != names.length) {
      throw new IllegalArgumentException(definition.name() + ": expected labels " + definition.labels());
    }
    if (moreValues.length == 0) {
      labels.add(identity);
    } else {
      String[] extraNames = new String[moreValues.length];
      System.arraycopy(names, identity.size(), extraNames, 0, moreValues.length);
      labels.add(identity.merge(extraNames, moreValues));
    }
    values.add(value);
    return this;
  }

  /** Adds a point with arbitrary extra labels beyond the catalog's (allow-listed Docker labels). */
  SnapshotFamily addWithExtra(double value, Labels all) {
    labels.add(all);
    values.add(value);
    return this;
  }

  boolean isEmpty() {
    return values.isEmpty();
  }

  MetricSnapshot build() {
    Unit unit = definition.unit().suffix().isEmpty() ? null : new Unit(definition.unit().suffix());
    if (definition.type() == MetricType.COUNTER) {
      CounterSnapshot.Builder b = CounterSnapshot.builder().name(definition.baseName()).help(definition.help());
      if (unit != null) {
        b.unit(unit);
      }
      for (int i = 0; i < values.size(); i++) {
        b.dataPoint(CounterDataPointSnapshot.builder().value(values.get(i)).labels(labels.get(i)).build());
      }
      return b.build();
    }
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(definition.baseName()).help(definition.help());
    if (unit != null) {
      b.unit(unit);
    }
    for (int i = 0; i < values.size(); i++) {
      b.dataPoint(GaugeDataPointSnapshot.builder().value(values.get(i)).labels(labels.get(i)).build());
    }
    return b.build();
  }
}
