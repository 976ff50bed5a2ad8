package io.opspulse.catalog;

import static io.opspulse.catalog.MetricDefinition.counter;
import static io.opspulse.catalog.MetricDefinition.gauge;

import java.util.List;

/**
 * What the exporter publishes about a Docker host: engine, containers, compose services, itself.
 */
public final class DockerMetrics {
  private DockerMetrics() {}

  /** Labels that identify a container on every per-container series. */
  public static final List<String> CONTAINER_LABELS =
      List.of("id", "name", "compose_project", "compose_service");

  /** Labels that identify a compose service. */
  public static final List<String> SERVICE_LABELS = List.of("compose_project", "compose_service");

  // --- engine ---
  public static final MetricDefinition UP =
      gauge("docker_up")
          .help("1 when the exporter can reach the Docker engine, 0 while it cannot.")
          .build(Source.EXPORTER);
  public static final MetricDefinition HOST_CPUS =
      gauge("docker_host_cpus")
          .help("CPUs the Docker engine reports for its host.")
          .build(Source.EXPORTER);
  public static final MetricDefinition HOST_MEMORY =
      gauge("docker_host_memory_bytes")
          .unit(Unit.BYTES)
          .help("Memory the Docker engine reports for its host.")
          .build(Source.EXPORTER);
  public static final MetricDefinition ENGINE_INFO =
      gauge("docker_engine_info")
          .labels("version", "api_version")
          .help("The Docker engine's version, as labels; the value is always 1.")
          .build(Source.EXPORTER);

  // --- per container ---
  public static final MetricDefinition CONTAINER_INFO =
      gauge("docker_container_info")
          .labels(CONTAINER_LABELS, "image", "origin")
          .help(
              "One series per container, value 1; image, origin and allow-listed Docker labels as labels.")
          .build(Source.EXPORTER);
  public static final MetricDefinition CONTAINER_STATE =
      gauge("docker_container_state")
          .labels(CONTAINER_LABELS, "state")
          .help("The container's state as a state set: 1 for the current state, 0 for the others.")
          .build(Source.EXPORTER);
  public static final MetricDefinition CONTAINER_RESTARTS =
      counter("docker_container_restarts_total")
          .labels(CONTAINER_LABELS)
          .help(
              "Restarts of the container by its restart policy; never decreases across resyncs or engine restarts.")
          .build(Source.EXPORTER);
  public static final MetricDefinition CONTAINER_LAST_EXIT_CODE =
      gauge("docker_container_last_exit_code")
          .labels(CONTAINER_LABELS)
          .help("The exit code of the container's last exit; absent until it has exited once.")
          .build(Source.EXPORTER);
  public static final MetricDefinition CONTAINER_LAST_EXIT_REASON =
      gauge("docker_container_last_exit_reason")
          .labels(CONTAINER_LABELS, "reason")
          .help(
              "What the last exit means, as a state set over the exit reasons (command_not_found for 127, ...).")
          .build(Source.EXPORTER);
  public static final MetricDefinition CONTAINER_EXITS =
      counter("docker_container_exits_total")
          .labels(CONTAINER_LABELS, "reason")
          .help("Exits of the container seen by the exporter, by reason.")
          .build(Source.EXPORTER);
  public static final MetricDefinition CONTAINER_OOM_KILLS =
      counter("docker_container_oom_kills_total")
          .labels(CONTAINER_LABELS)
          .help("Times the kernel's OOM killer killed a process of the container.")
          .build(Source.EXPORTER);
  public static final MetricDefinition CONTAINER_STARTED_TIME =
      gauge("docker_container_started_time_seconds")
          .unit(Unit.SECONDS)
          .labels(CONTAINER_LABELS)
          .help("When the container last started, in seconds since the epoch.")
          .build(Source.EXPORTER);
  public static final MetricDefinition CONTAINER_FINISHED_TIME =
      gauge("docker_container_finished_time_seconds")
          .unit(Unit.SECONDS)
          .labels(CONTAINER_LABELS)
          .help(
              "When the container last exited, in seconds since the epoch; absent until it has exited once.")
          .build(Source.EXPORTER);
  public static final MetricDefinition CONTAINER_HEALTH_STATUS =
      gauge("docker_container_health_status")
          .labels(CONTAINER_LABELS, "status")
          .help(
              "The health check's status (starting, healthy, unhealthy) as a state set; absent without a health check.")
          .build(Source.EXPORTER);
  public static final MetricDefinition CONTAINER_HEALTH_FAILING_STREAK =
      gauge("docker_container_health_failing_streak")
          .labels(CONTAINER_LABELS)
          .help("Consecutive failed health checks.")
          .build(Source.EXPORTER);
  public static final MetricDefinition CONTAINER_HEALTHCHECK_INTERVAL =
      gauge("docker_container_healthcheck_interval_seconds")
          .unit(Unit.SECONDS)
          .labels(CONTAINER_LABELS)
          .help("The configured health-check interval (Docker's 30 s default when unset).")
          .build(Source.EXPORTER);
  public static final MetricDefinition CONTAINER_HEALTHCHECK_TIMEOUT =
      gauge("docker_container_healthcheck_timeout_seconds")
          .unit(Unit.SECONDS)
          .labels(CONTAINER_LABELS)
          .help("The configured health-check timeout (Docker's 30 s default when unset).")
          .build(Source.EXPORTER);
  public static final MetricDefinition CONTAINER_CPU_LIMIT =
      gauge("docker_container_cpu_limit_cores")
          .unit(Unit.CORES)
          .labels(CONTAINER_LABELS)
          .help(
              "The container's CPU limit in cores (NanoCpus, or CpuQuota/CpuPeriod); absent when unlimited.")
          .build(Source.EXPORTER);
  public static final MetricDefinition CONTAINER_MEMORY_LIMIT =
      gauge("docker_container_memory_limit_bytes")
          .unit(Unit.BYTES)
          .labels(CONTAINER_LABELS)
          .help("The container's memory limit; absent when unlimited.")
          .build(Source.EXPORTER);
  public static final MetricDefinition CONTAINER_MEMORY_RESERVATION =
      gauge("docker_container_memory_reservation_bytes")
          .unit(Unit.BYTES)
          .labels(CONTAINER_LABELS)
          .help("The container's memory reservation (soft limit); absent when unset.")
          .build(Source.EXPORTER);
  public static final MetricDefinition CONTAINER_CPU_USAGE =
      counter("docker_container_cpu_usage_seconds_total")
          .unit(Unit.SECONDS)
          .labels(CONTAINER_LABELS)
          .help("CPU time the container's cgroup has used, read from the cgroup files.")
          .build(Source.EXPORTER);
  public static final MetricDefinition CONTAINER_MEMORY_USAGE =
      gauge("docker_container_memory_usage_bytes")
          .unit(Unit.BYTES)
          .labels(CONTAINER_LABELS)
          .help("Memory the container's cgroup uses, read from the cgroup files.")
          .build(Source.EXPORTER);
  public static final MetricDefinition CONTAINER_PIDS =
      gauge("docker_container_pids")
          .labels(CONTAINER_LABELS)
          .help("Processes and threads in the container's cgroup.")
          .build(Source.EXPORTER);

  // --- aggregates ---
  public static final MetricDefinition CONTAINERS =
      gauge("docker_containers")
          .labels("state", "origin")
          .help(
              "Containers by state and origin (declared, orphan, oneoff, anonymous, unmanaged, deprecated).")
          .build(Source.EXPORTER);

  // --- compose services ---
  public static final MetricDefinition SERVICE_DESIRED_REPLICAS =
      gauge("compose_service_desired_replicas")
          .labels(SERVICE_LABELS)
          .help(
              "Replicas the compose files declare for the service (0 when its profile is not active).")
          .build(Source.EXPORTER);
  public static final MetricDefinition SERVICE_RUNNING_REPLICAS =
      gauge("compose_service_running_replicas")
          .labels(SERVICE_LABELS)
          .help("Containers of the service that are running.")
          .build(Source.EXPORTER);
  public static final MetricDefinition SERVICE_EXITS =
      counter("compose_service_exits_total")
          .labels(SERVICE_LABELS, "reason")
          .help(
              "Exits of the service's containers by reason; survives containers being re-created with new ids.")
          .build(Source.EXPORTER);

  // --- the exporter itself ---
  public static final MetricDefinition EXPORTER_EVENTS =
      counter("opspulse_exporter_events_total")
          .labels("action")
          .help("Docker container events the exporter handled, by action.")
          .build(Source.EXPORTER);
  public static final MetricDefinition EXPORTER_RESYNCS =
      counter("opspulse_exporter_resyncs_total")
          .labels("cause")
          .help(
              "Full list-and-inspect resyncs, by cause (start, period, stream_broken, stream_silent, reconnect, overflow).")
          .build(Source.EXPORTER);
  public static final MetricDefinition EXPORTER_API_ERRORS =
      counter("opspulse_exporter_docker_api_errors_total")
          .labels("operation")
          .help("Docker Engine API calls that failed, by operation.")
          .build(Source.EXPORTER);
  public static final MetricDefinition EXPORTER_TASK_FAILURES =
      counter("opspulse_exporter_task_failures_total")
          .labels("task")
          .help(
              "Failures inside the exporter's own tasks (an event's handling, a resync, a timer, cgroup sampling); each was carried on.")
          .build(Source.EXPORTER);
  public static final MetricDefinition EXPORTER_LABELS_REFUSED =
      gauge("opspulse_exporter_container_labels_refused")
          .labels("reason")
          .help(
              "Docker labels of current containers refused as hostile (too_long, control_character, invalid_utf8); the containers are still tracked.")
          .build(Source.EXPORTER);
  public static final MetricDefinition EXPORTER_COMPOSE_FILE_ERRORS =
      gauge("opspulse_exporter_compose_file_errors")
          .labels("path", "reason")
          .help(
              "1 for each compose file that failed to load on the last attempt, with why as a fixed reason "
                  + "(not_found, unreadable, too_large, yaml_syntax, schema, interpolation, include_cycle); "
                  + "gone once the file loads. The full message is in the log and the report.")
          .build(Source.EXPORTER);
  public static final MetricDefinition EXPORTER_COMPOSE_LABELS_REFUSED =
      gauge("opspulse_exporter_compose_labels_refused")
          .labels("reason")
          .help(
              "Containers whose compose labels (config_files, working_dir, environment_file) are refused now, "
                  + "by reason (control_character, too_long, invalid_utf8, not_a_path); their files are not read.")
          .build(Source.EXPORTER);
  public static final MetricDefinition EXPORTER_RENDER_DURATION =
      gauge("opspulse_exporter_render_duration_seconds")
          .unit(Unit.SECONDS)
          .help(
              "How long the previous rendering of the fleet's metrics took (0 until one has finished); one rendering per change, scrapes in between reuse it.")
          .build(Source.EXPORTER);
  public static final MetricDefinition EXPORTER_CONTAINERS_DROPPED =
      gauge("opspulse_exporter_containers_dropped")
          .help(
              "Containers left out of per-container series now because the cap (limits.max_containers) is reached; "
                  + "the aggregates still count them.")
          .build(Source.EXPORTER);
  public static final MetricDefinition EXPORTER_LAST_EVENT_TIME =
      gauge("opspulse_exporter_last_event_time_seconds")
          .unit(Unit.SECONDS)
          .help("When the exporter last received a Docker event, in seconds since the epoch.")
          .build(Source.EXPORTER);
  public static final MetricDefinition EXPORTER_BUILD_INFO =
      gauge("opspulse_exporter_build_info")
          .labels("version", "revision")
          .help(
              "The exporter's version and the git revision it was built from, as labels; the value is always 1.")
          .build(Source.EXPORTER);

  /** Every metric above, in declaration order. */
  public static final List<MetricDefinition> ALL =
      List.of(
          UP,
          HOST_CPUS,
          HOST_MEMORY,
          ENGINE_INFO,
          CONTAINER_INFO,
          CONTAINER_STATE,
          CONTAINER_RESTARTS,
          CONTAINER_LAST_EXIT_CODE,
          CONTAINER_LAST_EXIT_REASON,
          CONTAINER_EXITS,
          CONTAINER_OOM_KILLS,
          CONTAINER_STARTED_TIME,
          CONTAINER_FINISHED_TIME,
          CONTAINER_HEALTH_STATUS,
          CONTAINER_HEALTH_FAILING_STREAK,
          CONTAINER_HEALTHCHECK_INTERVAL,
          CONTAINER_HEALTHCHECK_TIMEOUT,
          CONTAINER_CPU_LIMIT,
          CONTAINER_MEMORY_LIMIT,
          CONTAINER_MEMORY_RESERVATION,
          CONTAINER_CPU_USAGE,
          CONTAINER_MEMORY_USAGE,
          CONTAINER_PIDS,
          CONTAINERS,
          SERVICE_DESIRED_REPLICAS,
          SERVICE_RUNNING_REPLICAS,
          SERVICE_EXITS,
          EXPORTER_EVENTS,
          EXPORTER_RESYNCS,
          EXPORTER_API_ERRORS,
          EXPORTER_TASK_FAILURES,
          EXPORTER_LABELS_REFUSED,
          EXPORTER_COMPOSE_FILE_ERRORS,
          EXPORTER_COMPOSE_LABELS_REFUSED,
          EXPORTER_RENDER_DURATION,
          EXPORTER_CONTAINERS_DROPPED,
          EXPORTER_LAST_EVENT_TIME,
          EXPORTER_BUILD_INFO);
}
