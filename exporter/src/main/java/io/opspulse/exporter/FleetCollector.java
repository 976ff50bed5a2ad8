package io.opspulse.exporter;

import io.opspulse.catalog.prometheus.CatalogSnapshots;
import io.opspulse.exporter.FleetMetrics.Binding;
import io.opspulse.exporter.FleetMetrics.Published;
import io.opspulse.exporter.FleetMetrics.Rendering;
import io.opspulse.exporter.FleetView.ContainerView;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Renders the fleet from memory on each scrape: no Docker API call ever happens here. Which values
 * go into which catalog metric is {@link FleetMetrics}' table; this class decides when to render
 * and which containers get per-container series. A rendering is reused until the fleet or the
 * exporter's own counts change, each container's label sets are reused until its identity changes,
 * and each family keeps its snapshot object while its points stay the same: a cgroup sample
 * re-renders values, not labels, and {@link MetricsEndpoint} re-encodes the three usage families,
 * not thirty.
 */
final class FleetCollector implements MultiCollector {
  private final LongSupplier fleetVersion;
  private final Supplier<FleetView> views;
  private final SelfStats stats;
  private final int maxContainers;
  private final List<String> labelAllowList;
  private final Map<String, String> allowListedLabelNames = new HashMap<>();
  private Map<String, ContainerLabels> labelsById = new HashMap<>();
  private long cachedVersion = -1;
  private @Nullable MetricSnapshots cached;
  private @Nullable CatalogSnapshots previous;
  private long lastRenderNanos;

  FleetCollector(
      FleetModel model,
      Supplier<FleetView> views,
      SelfStats stats,
      int maxContainers,
      List<String> labelAllowList) {
    this(model::version, views, stats, maxContainers, labelAllowList);
  }

  /** {@code fleetVersion} moves whenever what {@code views} returns may have changed. */
  FleetCollector(
      LongSupplier fleetVersion,
      Supplier<FleetView> views,
      SelfStats stats,
      int maxContainers,
      List<String> labelAllowList) {
    this.fleetVersion = fleetVersion;
    this.views = views;
    this.stats = stats;
    this.maxContainers = maxContainers;
    this.labelAllowList = List.copyOf(labelAllowList);
    for (String l : labelAllowList) {
      allowListedLabelNames.put(l, LabelText.allowListedLabelName(l));
    }
  }

  /** What a rendering depends on: the fleet and the exporter's own counts. */
  long version() {
    return fleetVersion.getAsLong() * 1_000_003L + stats.changes();
  }

  @Override
  public synchronized MetricSnapshots collect() {
    long version =
        version(); // read before the view: a change in between makes the next scrape render again
    if (cached != null && version == cachedVersion) {
      return cached;
    }
    long start = System.nanoTime();
    cached = render(views.get());
    cachedVersion = version;
    lastRenderNanos = System.nanoTime() - start;
    return cached;
  }

  private MetricSnapshots render(FleetView view) {
    List<ContainerView> containers = view.containers();
    int publish = Math.min(containers.size(), maxContainers);
    List<Published> published = new ArrayList<>(publish);
    Map<String, ContainerLabels> labels = new HashMap<>(publish * 2);
    for (int i = 0; i < publish; i++) {
      ContainerView c = containers.get(i);
      ContainerLabels l =
          ContainerLabels.of(
              c, labelsById.get(c.info().id()), labelAllowList, allowListedLabelNames);
      labels.put(c.info().id(), l);
      published.add(new Published(c, l));
    }
    labelsById = labels; // containers gone from the fleet leave the cache with this
    Rendering r =
        new Rendering(view, published, containers.size() - publish, stats, lastRenderNanos / 1e9);
    CatalogSnapshots out = new CatalogSnapshots();
    for (Binding b : FleetMetrics.ALL) {
      b.samples().write(r, out.family(b.metric()));
    }
    // Unchanged families keep their snapshot object, so the endpoint re-encodes only what changed.
    MetricSnapshots snapshots = out.buildReusing(previous);
    previous = out;
    return snapshots;
  }
}
