package io.opspulse.exporter;

import static io.opspulse.catalog.DockerMetrics.*;

import io.opspulse.catalog.BuildInfo;
import io.opspulse.catalog.LabelValues;
import io.opspulse.exporter.FleetView.ContainerView;
import io.opspulse.exporter.FleetView.ServiceView;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Renders the fleet from memory on each scrape: no Docker API call ever happens here. The rendered
 * snapshots are reused until the model or the declared state changes, so a scrape of an unchanged
 * fleet costs only the text encoding.
 */
final class FleetCollector implements MultiCollector {
  private final FleetModel model;
  private final Supplier<FleetView> views;
  private final SelfStats stats;
  private final int maxContainers;
  private final List<String> labelAllowList;
  private final Map<String, String> allowListedLabelNames = new HashMap<>();
  private long cachedVersion = -1;
  private List<MetricSnapshot> cached = List.of();

  FleetCollector(FleetModel model, Supplier<FleetView> views, SelfStats stats, int maxContainers,
      List<String> labelAllowList) {
    this.model = model;
    this.views = views;
    this.stats = stats;
    this.maxContainers = maxContainers;
    this.labelAllowList = List.copyOf(labelAllowList);
    for (String l : labelAllowList) {
      allowListedLabelNames.put(l, "label_" + LabelText.sanitizeName(l));
    }
  }

  /** What a rendering depends on: the fleet and the exporter's own counts. */
  long version() {
    return model.version() * 1_000_003L + stats.changes();
  }

  @Override
  public synchronized MetricSnapshots collect() {
    List<MetricSnapshot> fleet;
    if (model.version() == cachedVersion) {
      fleet = cached;
    } else {
      long start = System.nanoTime();
      FleetView view = views.get();
      fleet = render(view);
      cached = fleet;
      cachedVersion = view.version();
      stats.renderNanos(System.nanoTime() - start);
    }
    List<MetricSnapshot> out = new ArrayList<>(fleet.size() + 8);
    out.addAll(fleet);
    out.addAll(renderSelf());
    return new MetricSnapshots(out);
  }

  private List<MetricSnapshot> render(FleetView view) {
    List<SnapshotFamily> families = new ArrayList<>();
    family(families, UP).add(view.up() ? 1 : 0);
    if (view.engine().cpus() > 0) {
      family(families, HOST_CPUS).add(view.engine().cpus());
      family(families, HOST_MEMORY).add(view.engine().memoryBytes());
      family(families, ENGINE_INFO).add(1, view.engine().version(), view.engine().apiVersion());
    }

    SnapshotFamily info = family(families, CONTAINER_INFO);
    SnapshotFamily state = family(families, CONTAINER_STATE);
    SnapshotFamily restarts = family(families, CONTAINER_RESTARTS);
    SnapshotFamily exitCode = family(families, CONTAINER_LAST_EXIT_CODE);
    SnapshotFamily exitReason = family(families, CONTAINER_LAST_EXIT_REASON);
    SnapshotFamily exits = family(families, CONTAINER_EXITS);
    SnapshotFamily oom = family(families, CONTAINER_OOM_KILLS);
    SnapshotFamily started = family(families, CONTAINER_STARTED_TIME);
    SnapshotFamily finished = family(families, CONTAINER_FINISHED_TIME);
    SnapshotFamily health = family(families, CONTAINER_HEALTH_STATUS);
    SnapshotFamily streak = family(families, CONTAINER_HEALTH_FAILING_STREAK);
    SnapshotFamily interval = family(families, CONTAINER_HEALTHCHECK_INTERVAL);
    SnapshotFamily timeout = family(families, CONTAINER_HEALTHCHECK_TIMEOUT);
    SnapshotFamily cpuLimit = family(families, CONTAINER_CPU_LIMIT);
    SnapshotFamily memLimit = family(families, CONTAINER_MEMORY_LIMIT);
    SnapshotFamily memReservation = family(families, CONTAINER_MEMORY_RESERVATION);
    SnapshotFamily cpu = family(families, CONTAINER_CPU_USAGE);
    SnapshotFamily mem = family(families, CONTAINER_MEMORY_USAGE);
    SnapshotFamily pids = family(families, CONTAINER_PIDS);

    Map<String, long[]> byStateOrigin = new HashMap<>();
    List<ContainerView> containers = view.containers();
    int published = 0;
    for (ContainerView c : containers) {
      ContainerInfo i = c.info();
      byStateOrigin.computeIfAbsent(i.state() + "\u0000" + c.origin().label(), k -> new long[1])[0]++;
      if (published >= maxContainers) {
        continue; // the aggregates above still count it
      }
      published++;
      Labels id = Labels.of(CONTAINER_LABELS.toArray(String[]::new), new String[] {
          i.shortId(), LabelText.value(i.name()), LabelText.value(i.composeProject()),
          LabelText.value(i.composeService())});

      Labels infoLabels = id.merge(new String[] {"image", "origin"},
          new String[] {LabelText.value(i.image()), c.origin().label()});
      for (String allowed : labelAllowList) {
        String v = i.labels().get(allowed);
        if (v != null) {
          infoLabels = infoLabels.add(allowListedLabelNames.get(allowed), LabelText.value(v));
        }
      }
      info.addWithExtra(1, infoLabels);
      for (String s : LabelValues.CONTAINER_STATES) {
        state.add(s.equals(i.state()) ? 1 : 0, id, s);
      }
      restarts.add(c.restarts(), id);
      oom.add(c.oomKills(), id);
      c.exits().forEach((reason, n) -> exits.add(n, id, reason.label()));
      if (c.lastExit() != null) {
        exitCode.add(c.lastExit().code(), id);
        for (ExitReason r : ExitReason.values()) {
          exitReason.add(r == c.lastExit().reason() ? 1 : 0, id, r.label());
        }
        finished.add(c.lastExit().at().toEpochMilli() / 1000.0, id);
      }
      if (i.startedAt() != null) {
        started.add(i.startedAt().toEpochMilli() / 1000.0, id);
      }
      if (i.hasHealthcheck()) {
        for (String s : LabelValues.HEALTH_STATUSES) {
          health.add(s.equals(i.healthStatus()) ? 1 : 0, id, s);
        }
        streak.add(i.healthFailingStreak(), id);
        interval.add(i.healthcheckIntervalSeconds(), id);
        timeout.add(i.healthcheckTimeoutSeconds(), id);
      }
      if (i.cpuLimitCores() > 0) {
        cpuLimit.add(i.cpuLimitCores(), id);
      }
      if (i.memoryLimitBytes() > 0) {
        memLimit.add(i.memoryLimitBytes(), id);
      }
      if (i.memoryReservationBytes() > 0) {
        memReservation.add(i.memoryReservationBytes(), id);
      }
      if (i.isRunning()) {
        ContainerUsage u = c.usage();
        if (u.cpuSeconds() >= 0) {
          cpu.add(u.cpuSeconds(), id);
        }
        if (u.memoryBytes() >= 0) {
          mem.add(u.memoryBytes(), id);
        }
        if (u.pids() >= 0) {
          pids.add(u.pids(), id);
        }
      }
    }
    if (containers.size() > maxContainers) {
      stats.seriesDropped(containers.size() - maxContainers);
    }

    // Every state x origin pair, zeros included: an alert on "orphans > 0" must see a 0, not nothing.
    SnapshotFamily counts = family(families, CONTAINERS);
    for (String s : LabelValues.CONTAINER_STATES) {
      for (Origin o : Origin.values()) {
        long[] n = byStateOrigin.get(s + "\u0000" + o.label());
        counts.add(n == null ? 0 : n[0], s, o.label());
      }
    }

    SnapshotFamily desired = family(families, SERVICE_DESIRED_REPLICAS);
    SnapshotFamily running = family(families, SERVICE_RUNNING_REPLICAS);
    SnapshotFamily serviceExits = family(families, SERVICE_EXITS);
    for (ServiceView s : view.services()) {
      String project = LabelText.value(s.project());
      String service = LabelText.value(s.service());
      desired.add(s.desiredReplicas(), project, service);
      running.add(s.runningReplicas(), project, service);
      s.exits().forEach((reason, n) -> serviceExits.add(n, project, service, reason.label()));
    }

    SnapshotFamily fileErrors = family(families, EXPORTER_COMPOSE_FILE_ERRORS);
    view.composeFileErrors().forEach((path, error) -> fileErrors.add(1, LabelText.value(path), LabelText.value(error)));

    List<MetricSnapshot> out = new ArrayList<>(families.size());
    for (SnapshotFamily f : families) {
      if (!f.isEmpty()) {
        out.add(f.build());
      }
    }
    return List.copyOf(out);
  }

  private List<MetricSnapshot> renderSelf() {
    List<SnapshotFamily> families = new ArrayList<>();
    SnapshotFamily events = family(families, EXPORTER_EVENTS);
    stats.events().forEach((action, n) -> events.add(n, LabelText.value(action)));
    SnapshotFamily resyncs = family(families, EXPORTER_RESYNCS);
    stats.resyncs().forEach((cause, n) -> resyncs.add(n, cause));
    SnapshotFamily errors = family(families, EXPORTER_API_ERRORS);
    stats.apiErrors().forEach((op, n) -> errors.add(n, op));
    family(families, EXPORTER_SERIES_DROPPED).add(stats.seriesDropped());
    family(families, EXPORTER_RENDER_DURATION).add(stats.lastRenderSeconds());
    if (stats.lastEventTimeSeconds() > 0) {
      family(families, EXPORTER_LAST_EVENT_TIME).add(stats.lastEventTimeSeconds());
    }
    family(families, EXPORTER_BUILD_INFO).add(1, BuildInfo.VERSION, BuildInfo.REVISION);
    List<MetricSnapshot> out = new ArrayList<>();
    for (SnapshotFamily f : families) {
      if (!f.isEmpty()) {
        out.add(f.build());
      }
    }
    return out;
  }

  private static SnapshotFamily family(List<SnapshotFamily> families, io.opspulse.catalog.MetricDefinition d) {
    SnapshotFamily f = new SnapshotFamily(d);
    families.add(f);
    return f;
  }
}
