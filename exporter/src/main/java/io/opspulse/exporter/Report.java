package io.opspulse.exporter;

import static io.opspulse.catalog.LabelValues.HEALTH_HEALTHY;
import static io.opspulse.catalog.LabelValues.HEALTH_UNHEALTHY;
import static io.opspulse.catalog.LabelValues.STATE_DEAD;
import static io.opspulse.catalog.LabelValues.STATE_EXITED;
import static io.opspulse.catalog.LabelValues.STATE_RESTARTING;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opspulse.catalog.Thresholds;
import io.opspulse.exporter.FleetView.ContainerView;
import io.opspulse.exporter.FleetView.ServiceView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The diagnosis a person used to write by hand from {@code docker ps}: sprawl against the declared
 * state, crash loops with what their exit codes mean, unhealthy containers, health-check timeouts,
 * and limits against the host. Pure: it reads a {@link FleetView} and renders text or JSON.
 */
final class Report {
  private final FleetView view;
  private final Instant now;

  Report(FleetView view, Instant now) {
    this.view = view;
    this.now = now;
  }

  // --- the findings, shared by both renderings ---

  List<ContainerView> running() {
    return view.containers().stream().filter(c -> c.info().isRunning()).toList();
  }

  int declaredReplicas() {
    return view.services().stream()
        .filter(ServiceView::declared)
        .mapToInt(ServiceView::desiredReplicas)
        .sum();
  }

  Map<Origin, List<ContainerView>> runningByOrigin() {
    Map<Origin, List<ContainerView>> out = new EnumMap<>(Origin.class);
    for (ContainerView c : running()) {
      out.computeIfAbsent(c.origin(), k -> new ArrayList<>()).add(c);
    }
    return out;
  }

  List<ServiceView> notRunning() {
    return view.services().stream()
        .filter(s -> s.declared() && s.desiredReplicas() > 0 && s.runningReplicas() == 0)
        .toList();
  }

  List<ContainerView> exited() {
    return view.containers().stream()
        .filter(c -> c.info().state().equals(STATE_EXITED) || c.info().state().equals(STATE_DEAD))
        .sorted(Comparator.comparing(c -> c.lastExit() == null ? Instant.EPOCH : c.lastExit().at()))
        .toList();
  }

  /**
   * Containers that restart, or keep failing: restarting now, or restarted by their policy and last
   * exited badly. A one-shot report sees only inspect, and Docker clears the exit code when the
   * policy starts the container again: such a container is listed with its exit unknown ("-").
   */
  List<ContainerView> crashLooping() {
    return view.containers().stream()
        .filter(
            c ->
                c.info().state().equals(STATE_RESTARTING)
                    || (c.restarts() > 0
                        && (c.lastExit() == null || c.lastExit().reason() != ExitReason.COMPLETED)))
        .sorted(Comparator.comparingLong(ContainerView::restarts).reversed())
        .toList();
  }

  Map<ExitReason, Integer> lastExitReasons() {
    Map<ExitReason, Integer> out = new EnumMap<>(ExitReason.class);
    for (ContainerView c : view.containers()) {
      if (c.lastExit() != null && c.lastExit().reason() != ExitReason.COMPLETED) {
        out.merge(c.lastExit().reason(), 1, Integer::sum);
      }
    }
    return out;
  }

  List<ContainerView> unhealthy() {
    return view.containers().stream()
        .filter(c -> c.info().healthStatus().equals(HEALTH_UNHEALTHY))
        .toList();
  }

  List<ContainerView> healthChecked() {
    return running().stream().filter(c -> c.info().hasHealthcheck()).toList();
  }

  List<ContainerView> shortHealthTimeouts() {
    double floor = Thresholds.HEALTHCHECK_TIMEOUT_FLOOR.value();
    return view.containers().stream()
        .filter(c -> c.info().hasHealthcheck() && c.info().healthcheckTimeoutSeconds() < floor)
        .toList();
  }

  double cpuLimitSum() {
    return running().stream().mapToDouble(c -> c.info().cpuLimitCores()).sum();
  }

  double memoryLimitSum() {
    return running().stream().mapToDouble(c -> c.info().memoryLimitBytes()).sum();
  }

  // --- renderings ---

  String text() {
    StringBuilder out = new StringBuilder();
    FleetView.EngineFacts e = view.engine();
    out.append("opspulse report — ").append(now).append('\n');
    if (!view.up()) {
      out.append("Docker engine: NOT REACHABLE\n");
      return out.toString();
    }
    out.append(
        String.format(
            Locale.ROOT,
            "Docker %s (API %s), %d CPUs, %s memory%n%n",
            e.version(),
            e.apiVersion(),
            e.cpus(),
            bytes(e.memoryBytes())));

    int running = running().size();
    int declared = declaredReplicas();
    out.append("SPRAWL\n");
    out.append(
        String.format(
            Locale.ROOT,
            "  %d containers running where %d are declared%s; %d containers in all%n",
            running,
            declared,
            running > declared ? " (" + (running - declared) + " extra)" : "",
            view.containers().size()));
    runningByOrigin()
        .forEach(
            (origin, list) -> {
              out.append(String.format(Locale.ROOT, "  %-10s %3d", origin.label(), list.size()));
              if (origin != Origin.DECLARED) {
                out.append("  ").append(names(list, 8));
              }
              out.append('\n');
            });
    List<ServiceView> missing = notRunning();
    if (!missing.isEmpty()) {
      out.append("  declared but not running: ");
      out.append(
              String.join(
                  ", ", missing.stream().map(s -> s.project() + "/" + s.service()).toList()))
          .append('\n');
    }
    List<ContainerView> exited = exited();
    if (!exited.isEmpty()) {
      out.append(
          String.format(
              Locale.ROOT,
              "  %d exited containers not removed, oldest %s ago: %s%n",
              exited.size(),
              age(exited.get(0)),
              names(exited, 8)));
    }
    view.composeFileErrors()
        .forEach(
            (path, error) ->
                out.append("  compose file not read: ").append(error.message()).append('\n'));
    view.composeLabelsRefused()
        .forEach(
            (reason, n) ->
                out.append(
                    String.format(
                        Locale.ROOT,
                        "  %d container(s) with compose labels refused (%s); see the exporter's log%n",
                        n,
                        reason.label())));

    out.append("\nCRASH LOOPS AND EXITS\n");
    List<ContainerView> loops = crashLooping();
    if (loops.isEmpty()) {
      out.append("  none\n");
    }
    out.append(
        String.format(
            Locale.ROOT,
            "  %-32s %-10s %8s %5s  %s%n",
            "CONTAINER",
            "STATE",
            "RESTARTS",
            "EXIT",
            "MEANING"));
    for (ContainerView c : loops) {
      out.append(
          String.format(
              Locale.ROOT,
              "  %-32s %-10s %8d %5s  %s%n",
              trim(c.info().name(), 32),
              c.info().state(),
              c.restarts(),
              c.lastExit() == null ? "-" : Integer.toString(c.lastExit().code()),
              c.lastExit() == null ? "" : c.lastExit().reason().meaning()));
    }
    lastExitReasons()
        .forEach(
            (reason, n) ->
                out.append(
                    String.format(
                        Locale.ROOT,
                        "  %d containers last exited with %s%n",
                        n,
                        reason.meaning())));

    out.append("\nHEALTH\n");
    List<ContainerView> checked = healthChecked();
    List<ContainerView> unhealthy = unhealthy();
    if (!checked.isEmpty()) {
      long healthy =
          checked.stream().filter(c -> c.info().healthStatus().equals(HEALTH_HEALTHY)).count();
      out.append(
          String.format(
              Locale.ROOT,
              "  %d of %d health-checked containers healthy (%.0f%%)%n",
              healthy,
              checked.size(),
              100.0 * healthy / checked.size()));
    } else {
      out.append("  no running container has a health check\n");
    }
    for (ContainerView c : unhealthy) {
      out.append(
          String.format(
              Locale.ROOT,
              "  unhealthy: %s (failing streak %d)%n",
              c.info().name(),
              c.info().healthFailingStreak()));
    }
    for (ContainerView c : shortHealthTimeouts()) {
      out.append(
          String.format(
              Locale.ROOT,
              "  health-check timeout %.1fs (< %.0fs floor) on %s: it will flap under load%n",
              c.info().healthcheckTimeoutSeconds(),
              Thresholds.HEALTHCHECK_TIMEOUT_FLOOR.value(),
              c.info().name()));
    }

    out.append("\nLIMITS AGAINST THE HOST\n");
    if (e.cpus() > 0) {
      out.append(
          String.format(
              Locale.ROOT,
              "  CPU limits of running containers add up to %.2f cores: %.0f%% of %d CPUs%s%n",
              cpuLimitSum(),
              100 * cpuLimitSum() / e.cpus(),
              e.cpus(),
              cpuLimitSum() > e.cpus() ? "  OVERCOMMITTED" : ""));
      out.append(
          String.format(
              Locale.ROOT,
              "  memory limits add up to %s: %.0f%% of %s%s%n",
              bytes((long) memoryLimitSum()),
              100 * memoryLimitSum() / e.memoryBytes(),
              bytes(e.memoryBytes()),
              memoryLimitSum() > e.memoryBytes() ? "  OVERCOMMITTED" : ""));
    }
    return out.toString();
  }

  String json() {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("time", now.toString());
    root.put("dockerUp", view.up());
    ObjectNode engine = root.putObject("engine");
    engine.put("version", view.engine().version());
    engine.put("apiVersion", view.engine().apiVersion());
    engine.put("cpus", view.engine().cpus());
    engine.put("memoryBytes", view.engine().memoryBytes());

    ObjectNode sprawl = root.putObject("sprawl");
    sprawl.put("running", running().size());
    sprawl.put("declared", declaredReplicas());
    sprawl.put("total", view.containers().size());
    ObjectNode byOrigin = sprawl.putObject("runningByOrigin");
    runningByOrigin()
        .forEach(
            (o, list) -> {
              ArrayNode names = byOrigin.putArray(o.label());
              list.forEach(c -> names.add(c.info().name()));
            });
    ArrayNode missing = sprawl.putArray("declaredNotRunning");
    notRunning()
        .forEach(
            s ->
                missing
                    .addObject()
                    .put("project", s.project())
                    .put("service", s.service())
                    .put("desiredReplicas", s.desiredReplicas()));
    ArrayNode exited = sprawl.putArray("exited");
    exited()
        .forEach(
            c ->
                exited
                    .addObject()
                    .put("name", c.info().name())
                    .put("exitCode", c.lastExit() == null ? null : c.lastExit().code())
                    .put("finishedAt", c.lastExit() == null ? null : c.lastExit().at().toString()));
    ObjectNode fileErrors = sprawl.putObject("composeFileErrors");
    view.composeFileErrors().forEach((path, error) -> fileErrors.put(path, error.message()));
    ObjectNode refused = sprawl.putObject("composeLabelsRefused");
    view.composeLabelsRefused().forEach((reason, n) -> refused.put(reason.label(), n));

    ArrayNode loops = root.putArray("crashLoops");
    crashLooping()
        .forEach(
            c -> {
              ObjectNode n =
                  loops
                      .addObject()
                      .put("name", c.info().name())
                      .put("state", c.info().state())
                      .put("restarts", c.restarts())
                      .put("composeProject", c.info().composeProject())
                      .put("composeService", c.info().composeService());
              if (c.lastExit() != null) {
                n.put("exitCode", c.lastExit().code())
                    .put("reason", c.lastExit().reason().label())
                    .put("meaning", c.lastExit().reason().meaning());
              }
            });
    ObjectNode reasons = root.putObject("lastExitReasons");
    lastExitReasons().forEach((r, n) -> reasons.put(r.label(), n));

    ObjectNode health = root.putObject("health");
    health.put("checked", healthChecked().size());
    health.put(
        "healthy",
        healthChecked().stream()
            .filter(c -> c.info().healthStatus().equals(HEALTH_HEALTHY))
            .count());
    ArrayNode unhealthy = health.putArray("unhealthy");
    unhealthy().forEach(c -> unhealthy.add(c.info().name()));
    ArrayNode shortTimeouts = health.putArray("shortTimeouts");
    shortHealthTimeouts()
        .forEach(
            c ->
                shortTimeouts
                    .addObject()
                    .put("name", c.info().name())
                    .put("timeoutSeconds", c.info().healthcheckTimeoutSeconds()));

    ObjectNode limits = root.putObject("limits");
    limits.put("cpuLimitCores", cpuLimitSum());
    limits.put("memoryLimitBytes", (long) memoryLimitSum());
    limits.put("cpuRatio", view.engine().cpus() > 0 ? cpuLimitSum() / view.engine().cpus() : 0);
    limits.put(
        "memoryRatio",
        view.engine().memoryBytes() > 0 ? memoryLimitSum() / view.engine().memoryBytes() : 0);
    try {
      return mapper.writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private String age(ContainerView c) {
    if (c.lastExit() == null) {
      return "?";
    }
    Duration d = Duration.between(c.lastExit().at(), now);
    if (d.toDays() > 0) {
      return d.toDays() + "d";
    }
    if (d.toHours() > 0) {
      return d.toHours() + "h";
    }
    return Math.max(0, d.toMinutes()) + "m";
  }

  private static String names(List<ContainerView> list, int max) {
    List<String> names =
        new ArrayList<>(new java.util.TreeSet<>(list.stream().map(c -> c.info().name()).toList()));
    String shown = String.join(", ", names.subList(0, Math.min(max, names.size())));
    return names.size() > max ? shown + ", … (" + (names.size() - max) + " more)" : shown;
  }

  private static String trim(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }

  static String bytes(long b) {
    if (b >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
    }
    if (b >= 1L << 20) {
      return String.format(Locale.ROOT, "%.0f MiB", b / (double) (1L << 20));
    }
    return b + " B";
  }
}
