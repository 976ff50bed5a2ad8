package io.opspulse.exporter;

import static io.opspulse.catalog.DockerMetrics.*;

import io.opspulse.catalog.BuildInfo;
import io.opspulse.catalog.LabelValues;
import io.opspulse.catalog.MetricDefinition;
import io.opspulse.catalog.prometheus.CatalogFamily;
import io.opspulse.exporter.FleetView.ContainerView;
import io.opspulse.exporter.FleetView.ServiceView;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Where each of the exporter's catalog metrics comes from: every metric bound to the function that
 * writes its samples from one {@link Rendering}. Name, type, unit, help and label names are the
 * catalog's; this table says only which values go in. A new exporter metric is a catalog entry plus
 * one line here ({@code FleetMetricsTest} fails while a catalog metric of the exporter has no
 * line).
 */
final class FleetMetrics {
  private FleetMetrics() {}

  /** Writes a metric's samples from the whole rendering. */
  @FunctionalInterface
  interface FleetSamples {
    void write(Rendering r, CatalogFamily out);
  }

  /** Writes a metric's samples for one container that gets per-container series. */
  @FunctionalInterface
  interface ContainerSamples {
    void write(ContainerView c, ContainerLabels labels, CatalogFamily out);
  }

  /** A catalog metric and what writes it. */
  record Binding(MetricDefinition metric, FleetSamples samples) {}

  /** One container that gets per-container series, with its label sets. */
  record Published(ContainerView container, ContainerLabels labels) {}

  /**
   * What one rendering reads: the fleet, the containers that get per-container series (the first
   * {@code limits.max_containers}), how many were left out, and the exporter's own counts.
   */
  record Rendering(
      FleetView view,
      List<Published> published,
      int dropped,
      SelfStats stats,
      double lastRenderSeconds) {}

  static final List<Binding> ALL =
      List.of(
          // --- engine ---
          fleet(UP, (r, out) -> out.add(r.view().up() ? 1 : 0)),
          engine(HOST_CPUS, (r, out) -> out.add(r.view().engine().cpus())),
          engine(HOST_MEMORY, (r, out) -> out.add(r.view().engine().memoryBytes())),
          engine(
              ENGINE_INFO,
              (r, out) -> out.add(1, r.view().engine().version(), r.view().engine().apiVersion())),

          // --- per container ---
          container(CONTAINER_INFO, (c, l, out) -> out.addWithExtraLabels(1, l.info)),
          container(
              CONTAINER_STATE,
              (c, l, out) ->
                  stateSet(out, l.states, indexOf(LabelValues.CONTAINER_STATES, c.info().state()))),
          container(CONTAINER_RESTARTS, (c, l, out) -> out.add(c.restarts(), l.id)),
          container(
              CONTAINER_LAST_EXIT_CODE,
              (c, l, out) -> {
                if (c.lastExit() != null) {
                  out.add(c.lastExit().code(), l.id);
                }
              }),
          container(
              CONTAINER_LAST_EXIT_REASON,
              (c, l, out) -> {
                if (c.lastExit() != null) {
                  stateSet(out, l.reasons, c.lastExit().reason().ordinal());
                }
              }),
          container(
              CONTAINER_EXITS,
              (c, l, out) ->
                  c.exits().forEach((reason, n) -> out.add(n, l.reasons[reason.ordinal()]))),
          container(CONTAINER_OOM_KILLS, (c, l, out) -> out.add(c.oomKills(), l.id)),
          container(
              CONTAINER_STARTED_TIME,
              (c, l, out) -> {
                if (c.info().startedAt() != null) {
                  out.add(c.info().startedAt().toEpochMilli() / 1000.0, l.id);
                }
              }),
          container(
              CONTAINER_FINISHED_TIME,
              (c, l, out) -> {
                if (c.lastExit() != null) {
                  out.add(c.lastExit().at().toEpochMilli() / 1000.0, l.id);
                }
              }),
          container(
              CONTAINER_HEALTH_STATUS,
              (c, l, out) -> {
                if (c.info().hasHealthcheck()) {
                  stateSet(
                      out, l.health, indexOf(LabelValues.HEALTH_STATUSES, c.info().healthStatus()));
                }
              }),
          container(
              CONTAINER_HEALTH_FAILING_STREAK,
              (c, l, out) -> {
                if (c.info().hasHealthcheck()) {
                  out.add(c.info().healthFailingStreak(), l.id);
                }
              }),
          container(
              CONTAINER_HEALTHCHECK_INTERVAL,
              (c, l, out) -> {
                if (c.info().hasHealthcheck()) {
                  out.add(c.info().healthcheckIntervalSeconds(), l.id);
                }
              }),
          container(
              CONTAINER_HEALTHCHECK_TIMEOUT,
              (c, l, out) -> {
                if (c.info().hasHealthcheck()) {
                  out.add(c.info().healthcheckTimeoutSeconds(), l.id);
                }
              }),
          container(
              CONTAINER_CPU_LIMIT, (c, l, out) -> positive(out, c.info().cpuLimitCores(), l.id)),
          container(
              CONTAINER_MEMORY_LIMIT,
              (c, l, out) -> positive(out, c.info().memoryLimitBytes(), l.id)),
          container(
              CONTAINER_MEMORY_RESERVATION,
              (c, l, out) -> positive(out, c.info().memoryReservationBytes(), l.id)),
          // Usage only while running: a stopped container's last cgroup reading is not its usage
          // now.
          container(
              CONTAINER_CPU_USAGE, (c, l, out) -> usage(out, c, c.usage().cpuSeconds(), l.id)),
          container(
              CONTAINER_MEMORY_USAGE, (c, l, out) -> usage(out, c, c.usage().memoryBytes(), l.id)),
          container(CONTAINER_PIDS, (c, l, out) -> usage(out, c, c.usage().pids(), l.id)),

          // --- aggregates: over every container, those past the cap included ---
          fleet(CONTAINERS, FleetMetrics::containersByStateAndOrigin),

          // --- compose services ---
          service(
              SERVICE_DESIRED_REPLICAS,
              (s, out) ->
                  out.add(
                      s.desiredReplicas(),
                      LabelText.value(s.project()),
                      LabelText.value(s.service()))),
          service(
              SERVICE_RUNNING_REPLICAS,
              (s, out) ->
                  out.add(
                      s.runningReplicas(),
                      LabelText.value(s.project()),
                      LabelText.value(s.service()))),
          service(
              SERVICE_EXITS,
              (s, out) ->
                  s.exits()
                      .forEach(
                          (reason, n) ->
                              out.add(
                                  n,
                                  LabelText.value(s.project()),
                                  LabelText.value(s.service()),
                                  reason.label()))),

          // --- the exporter itself ---
          fleet(
              EXPORTER_EVENTS,
              (r, out) ->
                  r.stats().events().forEach((action, n) -> out.add(n, LabelText.value(action)))),
          fleet(
              EXPORTER_RESYNCS,
              (r, out) -> r.stats().resyncs().forEach((cause, n) -> out.add(n, cause))),
          fleet(
              EXPORTER_API_ERRORS,
              (r, out) -> r.stats().apiErrors().forEach((op, n) -> out.add(n, op))),
          fleet(
              EXPORTER_TASK_FAILURES,
              (r, out) -> r.stats().taskFailures().forEach((task, n) -> out.add(n, task))),
          fleet(
              EXPORTER_LABELS_REFUSED,
              (r, out) -> {
                Map<String, Long> refused = new TreeMap<>();
                for (ContainerView c : r.view().containers()) {
                  c.info()
                      .refusedLabels()
                      .forEach((reason, n) -> refused.merge(reason, (long) n, Long::sum));
                }
                refused.forEach((reason, n) -> out.add(n, reason));
              }),
          fleet(
              EXPORTER_COMPOSE_FILE_ERRORS,
              (r, out) ->
                  r.view()
                      .composeFileErrors()
                      .forEach(
                          (path, error) ->
                              out.add(1, LabelText.value(path), error.kind().label()))),
          fleet(
              EXPORTER_COMPOSE_LABELS_REFUSED,
              (r, out) ->
                  r.view()
                      .composeLabelsRefused()
                      .forEach((reason, n) -> out.add(n, reason.label()))),
          fleet(EXPORTER_RENDER_DURATION, (r, out) -> out.add(r.lastRenderSeconds())),
          fleet(EXPORTER_CONTAINERS_DROPPED, (r, out) -> out.add(r.dropped())),
          fleet(EXPORTER_BUILD_INFO, (r, out) -> out.add(1, BuildInfo.VERSION, BuildInfo.REVISION)),
          fleet(
              EXPORTER_LAST_EVENT_TIME,
              (r, out) -> {
                if (r.stats().lastEventTimeSeconds() > 0) {
                  out.add(r.stats().lastEventTimeSeconds());
                }
              }));

  private static Binding fleet(MetricDefinition metric, FleetSamples samples) {
    return new Binding(metric, samples);
  }

  /** Engine facts, published once {@code /info} has answered. */
  private static Binding engine(MetricDefinition metric, FleetSamples samples) {
    return fleet(
        metric,
        (r, out) -> {
          if (r.view().engine().cpus() > 0) {
            samples.write(r, out);
          }
        });
  }

  private static Binding container(MetricDefinition metric, ContainerSamples samples) {
    return fleet(
        metric,
        (r, out) -> {
          for (Published p : r.published()) {
            samples.write(p.container(), p.labels(), out);
          }
        });
  }

  private static Binding service(
      MetricDefinition metric, BiConsumer<ServiceView, CatalogFamily> samples) {
    return fleet(
        metric,
        (r, out) -> {
          for (ServiceView s : r.view().services()) {
            samples.accept(s, out);
          }
        });
  }

  /**
   * A state set: 1 for the current value's labels, 0 for the others (all 0 when it is none of
   * them).
   */
  private static void stateSet(CatalogFamily out, Labels[] labels, int current) {
    for (int i = 0; i < labels.length; i++) {
      out.add(i == current ? 1 : 0, labels[i]);
    }
  }

  /** Where {@code value} is in {@code values}; -1 for none of them, null included. */
  private static int indexOf(List<String> values, String value) {
    return value == null ? -1 : values.indexOf(value);
  }

  private static void positive(CatalogFamily out, double value, Labels id) {
    if (value > 0) {
      out.add(value, id);
    }
  }

  /** A cgroup reading the cgroup offered (negative: it did not), while the container runs. */
  private static void usage(CatalogFamily out, ContainerView c, double value, Labels id) {
    if (c.info().isRunning() && value >= 0) {
      out.add(value, id);
    }
  }

  /**
   * Every state x origin pair, zeros included: an alert on "orphans > 0" must see a 0, not nothing.
   */
  private static void containersByStateAndOrigin(Rendering r, CatalogFamily out) {
    Origin[] origins = Origin.values();
    long[] counts = new long[LabelValues.CONTAINER_STATES.size() * origins.length];
    for (ContainerView c : r.view().containers()) {
      int state = indexOf(LabelValues.CONTAINER_STATES, c.info().state());
      if (state >= 0) {
        counts[state * origins.length + c.origin().ordinal()]++;
      }
    }
    for (int s = 0; s < LabelValues.CONTAINER_STATES.size(); s++) {
      for (Origin o : origins) {
        out.add(
            counts[s * origins.length + o.ordinal()],
            LabelValues.CONTAINER_STATES.get(s),
            o.label());
      }
    }
  }
}
