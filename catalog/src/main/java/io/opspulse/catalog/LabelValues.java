package io.opspulse.catalog;

import java.util.List;

/**
 * The closed sets of label values that rules and dashboards match on. The exporter's enums are tested
 * against these lists, so a renamed value fails the build instead of silencing an alert.
 */
public final class LabelValues {
  private LabelValues() {}

  /** {@code origin} on docker_container_info and docker_containers. */
  public static final List<String> ORIGINS =
      List.of("declared", "orphan", "oneoff", "anonymous", "unmanaged", "deprecated");

  /** {@code reason} on the exit metrics. */
  public static final List<String> EXIT_REASONS = List.of(
      "completed", "error", "not_executable", "command_not_found", "oom_killed", "killed", "segfault",
      "terminated");

  /** {@code state} on docker_container_state and docker_containers: Docker's own state names. */
  public static final List<String> CONTAINER_STATES =
      List.of("created", "running", "paused", "restarting", "removing", "exited", "dead");

  /** {@code status} on docker_container_health_status. */
  public static final List<String> HEALTH_STATUSES = List.of("starting", "healthy", "unhealthy");

  /** {@code reason} on opspulse_exporter_compose_file_errors. */
  public static final List<String> COMPOSE_FILE_ERROR_REASONS = List.of(
      "not_found", "unreadable", "too_large", "yaml_syntax", "schema", "interpolation", "include_cycle");

  /** {@code reason} on opspulse_exporter_compose_labels_refused. */
  public static final List<String> COMPOSE_LABEL_REFUSALS =
      List.of("control_character", "too_long", "invalid_utf8", "not_a_path");
}
