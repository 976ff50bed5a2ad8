package io.opspulse.catalog;

import java.util.List;

/**
 * The closed sets of label values that rules and dashboards match on. The exporter's enums are
 * tested against these lists, so a renamed value fails the build instead of silencing an alert.
 */
public final class LabelValues {
  private LabelValues() {}

  /** {@code origin} on docker_container_info and docker_containers. */
  public static final List<String> ORIGINS =
      List.of("declared", "orphan", "oneoff", "anonymous", "unmanaged", "deprecated");

  /** {@code reason} on the exit metrics. */
  public static final List<String> EXIT_REASONS =
      List.of(
          "completed",
          "error",
          "not_executable",
          "command_not_found",
          "oom_killed",
          "killed",
          "segfault",
          "terminated");

  // Docker's own container state names, one constant each so Java code compares states by name.
  public static final String STATE_CREATED = "created";
  public static final String STATE_RUNNING = "running";
  public static final String STATE_PAUSED = "paused";
  public static final String STATE_RESTARTING = "restarting";
  public static final String STATE_REMOVING = "removing";
  public static final String STATE_EXITED = "exited";
  public static final String STATE_DEAD = "dead";

  /** {@code state} on docker_container_state and docker_containers: Docker's own state names. */
  public static final List<String> CONTAINER_STATES =
      List.of(
          STATE_CREATED,
          STATE_RUNNING,
          STATE_PAUSED,
          STATE_RESTARTING,
          STATE_REMOVING,
          STATE_EXITED,
          STATE_DEAD);

  // Docker's health statuses; a container without a health check has none of them.
  public static final String HEALTH_STARTING = "starting";
  public static final String HEALTH_HEALTHY = "healthy";
  public static final String HEALTH_UNHEALTHY = "unhealthy";

  /** {@code status} on docker_container_health_status. */
  public static final List<String> HEALTH_STATUSES =
      List.of(HEALTH_STARTING, HEALTH_HEALTHY, HEALTH_UNHEALTHY);

  /** {@code reason} on opspulse_exporter_compose_file_errors. */
  public static final List<String> COMPOSE_FILE_ERROR_REASONS =
      List.of(
          "not_found",
          "unreadable",
          "too_large",
          "yaml_syntax",
          "schema",
          "interpolation",
          "include_cycle");

  /** {@code reason} on opspulse_exporter_compose_labels_refused. */
  public static final List<String> COMPOSE_LABEL_REFUSALS =
      List.of("control_character", "too_long", "invalid_utf8", "not_a_path");
}
