package io.opspulse.catalog.prometheus;

import io.opspulse.catalog.MetricDefinition;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One scrape's worth of catalog metrics on their way to client_java: a {@link CatalogFamily} per
 * metric, in the order they were first asked for, and families without points left out (a metric
 * with nothing to report is absent, not empty).
 */
public final class CatalogSnapshots {
  private final Map<MetricDefinition, CatalogFamily> families = new LinkedHashMap<>();

  /** The family of {@code definition}, made on first use. */
  public CatalogFamily family(MetricDefinition definition) {
    return families.computeIfAbsent(definition, CatalogFamily::new);
  }

  /** Every family with at least one point, in first-use order. */
  public List<MetricSnapshot> toList() {
    List<MetricSnapshot> out = new ArrayList<>(families.size());
    for (CatalogFamily f : families.values()) {
      if (!f.isEmpty()) {
        out.add(f.build());
      }
    }
    return out;
  }

  public MetricSnapshots build() {
    return new MetricSnapshots(toList());
  }

  /**
   * Like {@link #build()}, but a family whose points are the same as in {@code previous} (an
   * earlier scrape's) keeps {@code previous}'s snapshot object. A caller that caches what it
   * derives from a snapshot by identity (its encoded text) then redoes only the families that
   * changed: a cgroup sample changes three families of a fleet's thirty.
   */
  public MetricSnapshots buildReusing(@Nullable CatalogSnapshots previous) {
    if (previous != null) {
      for (CatalogFamily f : families.values()) {
        CatalogFamily before = previous.families.get(f.definition());
        if (before != null && !f.isEmpty() && f.samePointsAs(before)) {
          f.reuseSnapshotOf(before);
        }
      }
    }
    return build();
  }
}
