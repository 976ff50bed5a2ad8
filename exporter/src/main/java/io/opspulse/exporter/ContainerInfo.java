package io.opspulse.exporter;

import com.github.dockerjava.api.command.HealthState;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import io.opspulse.catalog.LabelValues;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What one {@code GET /containers/{id}/json} says about a container, reduced to what the exporter
 * publishes. Immutable; a new inspect makes a new one.
 */
record ContainerInfo(
    String id,
    String name,
    String image,
    Map<String, String> labels,
    String state,
    int exitCode,
    boolean oomKilled,
    @Nullable Instant startedAt,
    @Nullable Instant finishedAt,
    int restartCount,
    long pid,
    String healthStatus,
    int healthFailingStreak,
    double healthcheckIntervalSeconds,
    double healthcheckTimeoutSeconds,
    double cpuLimitCores,
    long memoryLimitBytes,
    long memoryReservationBytes,
    String startError,
    Map<String, Integer> refusedLabels) {

  static final String PROJECT = "com.docker.compose.project";
  static final String SERVICE = "com.docker.compose.service";
  static final String ONEOFF = "com.docker.compose.oneoff";

  /** Docker's defaults for a health check that sets no interval or timeout. */
  static final double DEFAULT_HEALTHCHECK_SECONDS = 30;

  ContainerInfo {
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    refusedLabels = Map.copyOf(refusedLabels);
  }

  /**
   * Docker could not start it: it names why in State.Error and sets the exit code (127 for a
   * missing command) without the process ever running, and sends no die event.
   */
  boolean failedToStart() {
    return !startError.isEmpty() && !isRunning() && exitCode != 0;
  }

  String shortId() {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  String composeProject() {
    return labels.getOrDefault(PROJECT, "");
  }

  String composeService() {
    return labels.getOrDefault(SERVICE, "");
  }

  boolean isOneOff() {
    return "true".equalsIgnoreCase(labels.getOrDefault(ONEOFF, ""));
  }

  boolean isRunning() {
    return LabelValues.STATE_RUNNING.equals(state);
  }

  boolean hasHealthcheck() {
    return healthcheckIntervalSeconds > 0;
  }

  /** Has it ever exited? Docker reports 0001-01-01 as FinishedAt until it has. */
  boolean hasExited() {
    return finishedAt != null;
  }

  ExitReason lastExitReason() {
    return ExitReason.classify(exitCode, oomKilled);
  }

  /**
   * From docker-java's inspect answer. Label values that no honest tool writes (control characters,
   * NUL included; over {@link LabelScreen#MAX_LENGTH}; U+FFFD from invalid UTF-8) are refused here,
   * per label, and counted in {@link #refusedLabels()}, so nothing downstream (compose paths, label
   * values) sees them.
   */
  static ContainerInfo fromInspect(InspectContainerResponse n) {
    InspectContainerResponse.ContainerState state =
        Objects.requireNonNull(n.getState(), "inspect answer without a State");
    ContainerConfig config = n.getConfig() != null ? n.getConfig() : new ContainerConfig();
    HostConfig host = n.getHostConfig() != null ? n.getHostConfig() : new HostConfig();
    Map<String, Integer> refused = new TreeMap<>();
    Map<String, String> labels = LabelScreen.screen(config.getLabels(), refused);

    HealthCheck check = config.getHealthcheck();
    List<String> test = check == null || check.getTest() == null ? List.of() : check.getTest();
    boolean hasCheck = !test.isEmpty() && !"NONE".equals(test.get(0));
    double interval = hasCheck ? seconds(orZero(check.getInterval())) : 0;
    double timeout = hasCheck ? seconds(orZero(check.getTimeout())) : 0;
    HealthState health = state.getHealth();

    double cpus = orZero(host.getNanoCPUs()) / 1e9;
    if (cpus == 0 && orZero(host.getCpuQuota()) > 0) {
      long period = orZero(host.getCpuPeriod());
      cpus = host.getCpuQuota() / (double) (period > 0 ? period : 100_000);
    }

    String name = n.getName() == null ? "" : n.getName();
    String error = state.getError() == null ? "" : state.getError();
    return new ContainerInfo(
        Objects.requireNonNull(n.getId(), "inspect answer without an Id"),
        name.startsWith("/") ? name.substring(1) : name,
        config.getImage() == null ? "" : config.getImage(),
        labels,
        state.getStatus() == null ? "unknown" : state.getStatus(),
        (int) orZero(state.getExitCodeLong()),
        Boolean.TRUE.equals(state.getOOMKilled()),
        time(state.getStartedAt()),
        time(state.getFinishedAt()),
        n.getRestartCount() == null ? 0 : n.getRestartCount(),
        orZero(state.getPidLong()),
        hasCheck && health != null && health.getStatus() != null ? health.getStatus() : "",
        hasCheck && health != null && health.getFailingStreak() != null
            ? health.getFailingStreak()
            : 0,
        hasCheck ? (interval > 0 ? interval : DEFAULT_HEALTHCHECK_SECONDS) : 0,
        hasCheck ? (timeout > 0 ? timeout : DEFAULT_HEALTHCHECK_SECONDS) : 0,
        cpus,
        orZero(host.getMemory()),
        orZero(host.getMemoryReservation()),
        error.length() > 1024 ? error.substring(0, 1024) : error,
        refused);
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** Docker's zero time (0001-01-01T00:00:00Z) means "never". */
  private static @Nullable Instant time(String text) {
    if (text == null || text.isEmpty() || text.startsWith("0001-")) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
