package io.opspulse.rules;

import static io.opspulse.catalog.DockerMetrics.CONTAINERS;
import static io.opspulse.catalog.DockerMetrics.CONTAINER_CPU_LIMIT;
import static io.opspulse.catalog.DockerMetrics.CONTAINER_CPU_USAGE;
import static io.opspulse.catalog.DockerMetrics.CONTAINER_HEALTHCHECK_TIMEOUT;
import static io.opspulse.catalog.DockerMetrics.CONTAINER_HEALTH_STATUS;
import static io.opspulse.catalog.DockerMetrics.CONTAINER_INFO;
import static io.opspulse.catalog.DockerMetrics.CONTAINER_LAST_EXIT_REASON;
import static io.opspulse.catalog.DockerMetrics.CONTAINER_MEMORY_LIMIT;
import static io.opspulse.catalog.DockerMetrics.CONTAINER_MEMORY_USAGE;
import static io.opspulse.catalog.DockerMetrics.CONTAINER_OOM_KILLS;
import static io.opspulse.catalog.DockerMetrics.CONTAINER_RESTARTS;
import static io.opspulse.catalog.DockerMetrics.CONTAINER_STATE;
import static io.opspulse.catalog.DockerMetrics.EXPORTER_LABELS_REFUSED;
import static io.opspulse.catalog.DockerMetrics.EXPORTER_TASK_FAILURES;
import static io.opspulse.catalog.DockerMetrics.HOST_CPUS;
import static io.opspulse.catalog.DockerMetrics.HOST_MEMORY;
import static io.opspulse.catalog.DockerMetrics.SERVICE_DESIRED_REPLICAS;
import static io.opspulse.catalog.DockerMetrics.SERVICE_EXITS;
import static io.opspulse.catalog.DockerMetrics.SERVICE_RUNNING_REPLICAS;
import static io.opspulse.catalog.DockerMetrics.UP;
import static io.opspulse.catalog.LabelValues.CONTAINER_STATES;
import static io.opspulse.catalog.LabelValues.EXIT_REASONS;
import static io.opspulse.catalog.LabelValues.HEALTH_STATUSES;
import static io.opspulse.catalog.LabelValues.ORIGINS;
import static io.opspulse.rules.Promql.oneOf;

import io.opspulse.catalog.ExternalMetrics;
import io.opspulse.catalog.Threshold;
import io.opspulse.catalog.Thresholds;
import java.util.List;

/**
 * Rules over the Docker host exporter: sprawl, crash loops, exit codes, health, limits, the
 * exporter itself. Fleet-level sums are taken {@code by (job, instance)} so one rule file serves
 * many hosts whatever the scrape job is called.
 */
final class FleetRules {
  static final String GROUP = "opspulse-fleet";

  static final String RUNNING = "instance:docker_containers_running:sum";
  static final String DESIRED = "instance:compose_service_desired_replicas:sum";
  static final String SERVICE_RESTART_RATE = "compose_service:docker_container_restarts:rate5m";
  static final String SERVICE_FAILED_EXITS =
      "compose_service:compose_service_failed_exits:increase1h";
  static final String HEALTH_RATIO = "instance:docker_container_health:ratio";
  static final String CPU_LIMITS_RATIO =
      "instance:docker_container_cpu_limit_cores:ratio_host_cpus";
  static final String MEMORY_LIMITS_RATIO =
      "instance:docker_container_memory_limit_bytes:ratio_host_memory";
  static final String MEMORY_RATIO = "container:docker_container_memory_usage_bytes:ratio_limit";
  static final String CPU_RATE = "container:docker_container_cpu_usage_seconds:rate5m";
  static final String CPU_RATIO = "container:docker_container_cpu_usage_seconds:ratio_limit";
  static final String HEALTH_CHECKED = "instance:docker_container_health_checked:sum";
  static final String EXPORTER_SEEN = "instance:docker_up:latched";

  /** The alert that is always firing, so a silent pipeline is noticed by its absence downstream. */
  static final String WATCHDOG = "OpspulseWatchdog";

  private FleetRules() {}

  static RuleGroup group(Promql q) {
    String running = "state=\"" + oneOf(CONTAINER_STATES, "running") + "\"";
    // A normal stop (docker stop, compose down, a redeploy) ends in SIGTERM (143) or a clean exit
    // (0);
    // neither is a crash, so the service crash-loop count leaves both out.
    String failedExit = "reason!~\"" + oneOf(EXIT_REASONS, "completed", "terminated") + "\"";
    String runningContainer = "(" + q.m(CONTAINER_STATE, running) + " == 1)";

    List<Rule> rules =
        List.of(
            new RecordingRule(RUNNING, "sum by (job, instance) (" + q.m(CONTAINERS, running) + ")"),
            new RecordingRule(
                DESIRED, "sum by (job, instance) (" + q.m(SERVICE_DESIRED_REPLICAS) + ")"),
            new RecordingRule(
                SERVICE_RESTART_RATE,
                "sum by (job, instance, compose_project, compose_service) (rate("
                    + q.m(CONTAINER_RESTARTS)
                    + "[5m]))"),
            new RecordingRule(
                SERVICE_FAILED_EXITS,
                "sum by (job, instance, compose_project, compose_service) (increase("
                    + q.m(SERVICE_EXITS, failedExit)
                    + "[1h]))"),
            // Containers still starting have no verdict yet; the ratio is healthy / (healthy +
            // unhealthy).
            new RecordingRule(
                HEALTH_RATIO,
                "sum by (job, instance) ("
                    + q.m(
                        CONTAINER_HEALTH_STATUS,
                        "status=\"" + oneOf(HEALTH_STATUSES, "healthy") + "\"")
                    + ")\n/\nsum by (job, instance) ("
                    + q.m(
                        CONTAINER_HEALTH_STATUS,
                        "status=~\"" + oneOf(HEALTH_STATUSES, "healthy", "unhealthy") + "\"")
                    + ")"),
            // Limits of running containers only: an exited container holds no CPU or memory.
            new RecordingRule(
                CPU_LIMITS_RATIO,
                "sum by (job, instance) ("
                    + q.m(CONTAINER_CPU_LIMIT)
                    + " and on (job, instance, id) "
                    + runningContainer
                    + ")\n/ on (job, instance)\n"
                    + q.m(HOST_CPUS)),
            new RecordingRule(
                MEMORY_LIMITS_RATIO,
                "sum by (job, instance) ("
                    + q.m(CONTAINER_MEMORY_LIMIT)
                    + " and on (job, instance, id) "
                    + runningContainer
                    + ")\n/ on (job, instance)\n"
                    + q.m(HOST_MEMORY)),
            new RecordingRule(
                MEMORY_RATIO, q.m(CONTAINER_MEMORY_USAGE) + " / " + q.m(CONTAINER_MEMORY_LIMIT)),
            new RecordingRule(CPU_RATE, "rate(" + q.m(CONTAINER_CPU_USAGE) + "[5m])"),
            new RecordingRule(
                HEALTH_CHECKED,
                "sum by (job, instance) ("
                    + q.m(
                        CONTAINER_HEALTH_STATUS,
                        "status=~\"" + oneOf(HEALTH_STATUSES, "healthy", "unhealthy") + "\"")
                    + ")"),
            latch(EXPORTER_SEEN, "present_over_time(" + q.m(UP) + "[1d])", q),
            // Against the CPU limit, or against one core for a container without one: an unlimited
            // container spinning a core (uvicorn --reload, report 000) is the case this exists for.
            new RecordingRule(
                CPU_RATIO,
                "("
                    + CPU_RATE
                    + " / "
                    + q.m(CONTAINER_CPU_LIMIT)
                    + ")\nor\n("
                    + CPU_RATE
                    + " unless "
                    + q.m(CONTAINER_CPU_LIMIT)
                    + ")"),
            AlertRule.builder(WATCHDOG)
                .expr("vector(1)")
                .instantBecause(
                    "it fires always, by design: the page is its absence at the receiver")
                .severity(Severity.NONE)
                .summary("The alerting pipeline is alive: this alert always fires.")
                .description(
                    "Prometheus evaluates the opspulse rules and reaches Alertmanager. Route it to a"
                        + " dead man's switch, which pages when it stops arriving.")
                .build(),
            AlertRule.builder("OpspulseContainersOverDeclared")
                .expr(
                    RUNNING
                        + " - on (job, instance) "
                        + DESIRED
                        + " > "
                        + q.t(Thresholds.CONTAINERS_OVER_DECLARED))
                .forDuration(q.forOf(Thresholds.CONTAINERS_OVER_DECLARED))
                .severity(Severity.WARNING)
                .summary("More containers are running than the compose files declare.")
                .description(
                    "{{ $labels.instance }} runs {{ $value | printf \"%.0f\" }} containers more than its"
                        + " compose files declare.")
                .build(),
            AlertRule.builder("OpspulseUnexpectedContainerRunning")
                .expr(
                    q.m(
                            CONTAINER_INFO,
                            "origin=~\""
                                + oneOf(ORIGINS, "orphan", "anonymous", "deprecated")
                                + "\"")
                        + "\nand on (job, instance, id)\n"
                        + runningContainer)
                .forDuration("10m")
                .severity(Severity.WARNING)
                .summary("An orphan, anonymous or deprecated container is running.")
                .description(
                    "{{ $labels.origin }} container {{ $labels.name }} (image {{ $labels.image }}) is"
                        + " running on {{ $labels.instance }}.")
                .build(),
            AlertRule.builder("OpspulseComposeServiceDown")
                .expr(
                    "("
                        + q.m(SERVICE_DESIRED_REPLICAS)
                        + " > 0)\nunless on (job, instance, compose_project,"
                        + " compose_service)\n("
                        + q.m(SERVICE_RUNNING_REPLICAS)
                        + " > 0)")
                .forDuration("5m")
                .severity(Severity.CRITICAL)
                .summary("A declared compose service has no running replica.")
                .description(
                    "Service {{ $labels.compose_project }}/{{ $labels.compose_service }} on"
                        + " {{ $labels.instance }} declares {{ $value | printf \"%.0f\" }} replicas and none is running.")
                .build(),
            AlertRule.builder("OpspulseExitedContainersPilingUp")
                .expr(
                    "sum by (job, instance) ("
                        + q.m(CONTAINERS, "state=\"" + oneOf(CONTAINER_STATES, "exited") + "\"")
                        + ") > "
                        + q.t(Thresholds.EXITED_CONTAINERS))
                .forDuration(q.forOf(Thresholds.EXITED_CONTAINERS))
                .severity(Severity.INFO)
                .summary("Exited containers are piling up on a host.")
                .description(
                    "{{ $labels.instance }} keeps {{ $value | printf \"%.0f\" }} exited containers (more than "
                        + q.t(Thresholds.EXITED_CONTAINERS)
                        + ").")
                .build(),
            AlertRule.builder("OpspulseContainerCrashLooping")
                .expr(
                    "increase("
                        + q.m(CONTAINER_RESTARTS)
                        + "[1h]) > "
                        + q.t(Thresholds.RESTARTS_PER_HOUR))
                .forDuration(q.forOf(Thresholds.RESTARTS_PER_HOUR))
                .severity(Severity.WARNING)
                .summary("A container is crash-looping.")
                .description(
                    "Container {{ $labels.name }} on {{ $labels.instance }} restarted"
                        + " {{ $value | printf \"%.0f\" }} times in the last hour (more than "
                        + q.t(Thresholds.RESTARTS_PER_HOUR)
                        + ").")
                .build(),
            AlertRule.builder("OpspulseComposeServiceCrashLooping")
                .expr(SERVICE_FAILED_EXITS + " > " + q.t(Thresholds.RESTARTS_PER_HOUR))
                .forDuration(q.forOf(Thresholds.RESTARTS_PER_HOUR))
                .severity(Severity.WARNING)
                .summary("A compose service keeps failing across container re-creations.")
                .description(
                    "Containers of {{ $labels.compose_project }}/{{ $labels.compose_service }} on"
                        + " {{ $labels.instance }} failed {{ $value | printf \"%.0f\" }} times in the last hour (more than "
                        + q.t(Thresholds.RESTARTS_PER_HOUR)
                        + "; clean exits and SIGTERM stops not counted).")
                .build(),
            AlertRule.builder("OpspulseContainerCommandNotFound")
                .expr(
                    q.m(
                            CONTAINER_LAST_EXIT_REASON,
                            "reason=~\""
                                + oneOf(EXIT_REASONS, "command_not_found", "not_executable")
                                + "\"")
                        + " == 1")
                .forDuration("1m")
                .severity(Severity.CRITICAL)
                .summary(
                    "A container's command was not found or is not executable (exit 127 or 126).")
                .description(
                    "Container {{ $labels.name }} on {{ $labels.instance }} last exited with"
                        + " {{ $labels.reason }}: its entrypoint or command cannot run.")
                .build(),
            AlertRule.builder("OpspulseContainerOomKilled")
                .expr("increase(" + q.m(CONTAINER_OOM_KILLS) + "[15m]) > 0")
                // An OOM kill is an event: the 15m window already keeps it visible for 15 minutes,
                // and the
                // container usually restarts and looks fine before any pending period would end.
                .instantBecause("an OOM kill is an event; the 15m increase window already holds it")
                .severity(Severity.WARNING)
                .summary("The kernel OOM killer killed a process in a container.")
                .description(
                    "Container {{ $labels.name }} on {{ $labels.instance }} had"
                        + " {{ $value | printf \"%.0f\" }} OOM kills in the last 15 minutes.")
                .build(),
            AlertRule.builder("OpspulseContainerUnhealthy")
                .expr(
                    q.m(
                            CONTAINER_HEALTH_STATUS,
                            "status=\"" + oneOf(HEALTH_STATUSES, "unhealthy") + "\"")
                        + " == 1")
                .forDuration("5m")
                .severity(Severity.WARNING)
                .summary("A container's health check is failing.")
                .description(
                    "Container {{ $labels.name }} on {{ $labels.instance }} has been unhealthy for 5 minutes.")
                .build(),
            fleetHealth(q, Severity.WARNING, Thresholds.HEALTH_RATIO_WARNING, "warning"),
            fleetHealth(q, Severity.CRITICAL, Thresholds.HEALTH_RATIO_CRITICAL, "critical"),
            AlertRule.builder("OpspulseHealthcheckTimeoutTooShort")
                .expr(
                    q.m(CONTAINER_HEALTHCHECK_TIMEOUT)
                        + " < "
                        + q.t(Thresholds.HEALTHCHECK_TIMEOUT_FLOOR))
                .forDuration(q.forOf(Thresholds.HEALTHCHECK_TIMEOUT_FLOOR))
                .severity(Severity.WARNING)
                .summary("A container's health-check timeout is shorter than a sane floor.")
                .description(
                    "Container {{ $labels.name }} on {{ $labels.instance }} gives its health check"
                        + " {{ $value }}s (floor "
                        + q.t(Thresholds.HEALTHCHECK_TIMEOUT_FLOOR)
                        + "s); it will flap under load.")
                .build(),
            AlertRule.builder("OpspulseHostCpuOvercommitted")
                .expr(CPU_LIMITS_RATIO + " > " + q.t(Thresholds.LIMITS_OVERCOMMIT))
                .forDuration(q.forOf(Thresholds.LIMITS_OVERCOMMIT))
                .severity(Severity.WARNING)
                .summary("CPU limits of running containers add up past the host's CPUs.")
                .description(
                    "CPU limits of the running containers on {{ $labels.instance }} add up to"
                        + " {{ $value | humanizePercentage }} of its CPUs.")
                .build(),
            AlertRule.builder("OpspulseHostMemoryOvercommitted")
                .expr(MEMORY_LIMITS_RATIO + " > " + q.t(Thresholds.LIMITS_OVERCOMMIT))
                .forDuration(q.forOf(Thresholds.LIMITS_OVERCOMMIT))
                .severity(Severity.WARNING)
                .summary("Memory limits of running containers add up past the host's memory.")
                .description(
                    "Memory limits of the running containers on {{ $labels.instance }} add up to"
                        + " {{ $value | humanizePercentage }} of its memory.")
                .build(),
            AlertRule.builder("OpspulseContainerMemoryNearLimit")
                .expr(MEMORY_RATIO + " > " + q.t(Thresholds.MEMORY_NEAR_LIMIT))
                .forDuration(q.forOf(Thresholds.MEMORY_NEAR_LIMIT))
                .severity(Severity.WARNING)
                .summary("A container uses nearly all of its memory limit.")
                .description(
                    "Container {{ $labels.name }} on {{ $labels.instance }} uses"
                        + " {{ $value | humanizePercentage }} of its memory limit.")
                .build(),
            AlertRule.builder("OpspulseContainerCpuNearLimit")
                .expr(CPU_RATIO + " > " + q.t(Thresholds.CPU_NEAR_LIMIT))
                .forDuration(q.forOf(Thresholds.CPU_NEAR_LIMIT))
                .severity(Severity.WARNING)
                .summary(
                    "A container uses nearly all of its CPU limit (or a whole core without one).")
                .description(
                    "Container {{ $labels.name }} on {{ $labels.instance }} uses"
                        + " {{ $value | humanizePercentage }} of its CPU limit (one core when it has none).")
                .build(),
            AlertRule.builder("OpspulseExporterDown")
                .expr(q.m(ExternalMetrics.UP) + " == 0\nand on (job, instance)\n" + EXPORTER_SEEN)
                .forDuration("5m")
                .severity(Severity.CRITICAL)
                .summary("Prometheus cannot scrape an opspulse exporter.")
                .description(
                    "The opspulse exporter at {{ $labels.instance }} (job {{ $labels.job }}) has not been"
                        + " scraped for 5 minutes or more; every fleet alert for that host is blind.")
                .build(),
            AlertRule.builder("OpspulseExporterAbsent")
                .expr("absent(" + q.m(UP) + ")")
                .forDuration("10m")
                .severity(Severity.CRITICAL)
                .summary("No opspulse exporter reports to Prometheus.")
                .description(
                    "No target has reported docker_up for 10 minutes: no exporter is scraped, so no fleet"
                        + " alert can fire.")
                .build(),
            // The window is shorter than the pending period, so one burst (an engine restart)
            // cannot fire it:
            // only failures that keep coming for the whole period do.
            AlertRule.builder("OpspulseExporterTaskFailing")
                .expr(
                    "sum by (job, instance, task) (increase("
                        + q.m(EXPORTER_TASK_FAILURES)
                        + "[10m])) > "
                        + q.t(Thresholds.EXPORTER_TASK_FAILURES))
                .forDuration(q.forOf(Thresholds.EXPORTER_TASK_FAILURES))
                .severity(Severity.WARNING)
                .summary(
                    "One of the exporter's own tasks keeps failing; it goes on, but what it feeds may be stale.")
                .description(
                    "The exporter at {{ $labels.instance }} counted {{ $value | printf \"%.0f\" }} failures of its"
                        + " '{{ $labels.task }}' task in the last 10 minutes, and they keep coming.")
                .build(),
            // The gauge counts refused labels of the containers there now: it stays up for as long
            // as the container exists, so the pending period only keeps a short-lived container
            // (a one-off run) from raising it.
            AlertRule.builder("OpspulseExporterContainerLabelsRefused")
                .expr("sum by (job, instance, reason) (" + q.m(EXPORTER_LABELS_REFUSED) + ") > 0")
                .forDuration("15m")
                .severity(Severity.WARNING)
                .summary(
                    "The exporter refuses hostile Docker labels of a container; it tracks the container without them.")
                .description(
                    "The exporter at {{ $labels.instance }} refuses {{ $value | printf \"%.0f\" }} Docker"
                        + " label(s) of its current containers as {{ $labels.reason }}; those containers"
                        + " are tracked without the refused labels.")
                .build(),
            AlertRule.builder("OpspulseDockerEngineUnreachable")
                .expr(q.m(UP) + " == 0")
                .forDuration("2m")
                .severity(Severity.CRITICAL)
                .summary("The exporter cannot reach the Docker engine.")
                .description(
                    "The exporter at {{ $labels.instance }} cannot reach its Docker engine; container"
                        + " metrics there are stale.")
                .build());
    return new RuleGroup(GROUP, rules);
  }

  /**
   * A latch: one series per target that has ever reported {@code seen} (within the lookback), kept
   * for as long as Prometheus still scrapes the target (its {@code up} exists), however long it
   * stays down. The rule reads its own previous value; the lookback only re-arms it after a
   * Prometheus restart that outlasted the 5-minute staleness window.
   */
  static RecordingRule latch(String record, String seen, Promql q) {
    return new RecordingRule(
        record,
        "group by (job, instance) ("
            + seen
            + ")\nor\n("
            + record
            + " and on (job, instance) "
            + q.m(ExternalMetrics.UP)
            + ")");
  }

  /** One condition, two grades: the critical one inhibits the warning one in Alertmanager. */
  private static AlertRule fleetHealth(
      Promql q, Severity severity, Threshold threshold, String grade) {
    return AlertRule.builder("OpspulseFleetHealthDegraded")
        .expr(
            HEALTH_RATIO
                + " < "
                + q.t(threshold)
                + "\nand on (job, instance)\n"
                + HEALTH_CHECKED
                + " >= "
                + q.t(Thresholds.HEALTH_MIN_CONTAINERS))
        .forDuration(q.forOf(threshold))
        .severity(severity)
        .summary("Too few health-checked containers on a host are healthy.")
        .description(
            "Only {{ $value | humanizePercentage }} of the health-checked containers on"
                + " {{ $labels.instance }} are healthy ("
                + grade
                + " below "
                + q.pct(threshold)
                + ").")
        .build();
  }
}
