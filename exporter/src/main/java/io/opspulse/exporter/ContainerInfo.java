package io.opspulse.exporter;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    Instant startedAt,
    Instant finishedAt,
    int restartCount,
    long pid,
    String healthStatus,
    int healthFailingStreak,
    double healthcheckIntervalSeconds,
    double healthcheckTimeoutSeconds,
    double cpuLimitCores,
    long memoryLimitBytes,
    long memoryReservationBytes) {

  static final String PROJECT = "com.docker.compose.project";
  static final String SERVICE = "com.docker.compose.service";
  static final String ONEOFF = "com.docker.compose.oneoff";
  static final String CONFIG_FILES = "com.docker.compose.project.config_files";
  static final String WORKING_DIR = "com.docker.compose.project.working_dir";

  /** Docker's defaults for a health check that sets no interval or timeout. */
  static final double DEFAULT_HEALTHCHECK_SECONDS = 30;

  ContainerInfo {
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
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
    return "running".equals(state);
  }

  boolean hasHealthcheck() {
    return healthcheckIntervalSeconds > 0;
  }

  /** Has it ever exited? Docker reports 0001-01-01 as FinishedAt until it has. */
  boolean hasExited() {
    return finishedAt != null;
  }

  /** Compose files named in the container's labels, as the compose tool wrote them (comma-separated). */
  List<String> composeConfigFiles() {
    String files = labels.getOrDefault(CONFIG_FILES, "");
    if (files.isBlank()) {
      return List.of();
    }
    String workingDir = labels.getOrDefault(WORKING_DIR, "");
    return java.util.Arrays.stream(files.split(",")).map(String::strip).filter(s -> !s.isEmpty())
        .map(f -> f.startsWith("/") || workingDir.isEmpty() ? f : workingDir + "/" + f).toList();
  }

  ExitReason lastExitReason() {
    return ExitReason.classify(exitCode, oomKilled);
  }

  static ContainerInfo fromInspect(JsonNode n) {
    JsonNode state = n.path("State");
    JsonNode config = n.path("Config");
    JsonNode host = n.path("HostConfig");
    Map<String, String> labels = new LinkedHashMap<>();
    config.path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));

    JsonNode health = state.path("Health");
    JsonNode check = config.path("Healthcheck");
    boolean checkDisabled = check.path("Test").size() > 0 && "NONE".equals(check.path("Test").get(0).asText());
    boolean hasCheck = check.isObject() && check.path("Test").size() > 0 && !checkDisabled;
    double interval = hasCheck ? seconds(check.path("Interval").asLong(0)) : 0;
    double timeout = hasCheck ? seconds(check.path("Timeout").asLong(0)) : 0;

    double cpus = host.path("NanoCpus").asLong(0) / 1e9;
    if (cpus == 0 && host.path("CpuQuota").asLong(0) > 0) {
      long period = host.path("CpuPeriod").asLong(0);
      cpus = host.path("CpuQuota").asLong() / (double) (period > 0 ? period : 100_000);
    }

    String name = n.path("Name").asText("");
    return new ContainerInfo(
        n.path("Id").asText(),
        name.startsWith("/") ? name.substring(1) : name,
        config.path("Image").asText(""),
        labels,
        state.path("Status").asText("unknown"),
        state.path("ExitCode").asInt(0),
        state.path("OOMKilled").asBoolean(false),
        time(state.path("StartedAt").asText(null)),
        time(state.path("FinishedAt").asText(null)),
        n.path("RestartCount").asInt(0),
        state.path("Pid").asLong(0),
        hasCheck && health.isObject() ? health.path("Status").asText("") : "",
        hasCheck ? health.path("FailingStreak").asInt(0) : 0,
        hasCheck ? (interval > 0 ? interval : DEFAULT_HEALTHCHECK_SECONDS) : 0,
        hasCheck ? (timeout > 0 ? timeout : DEFAULT_HEALTHCHECK_SECONDS) : 0,
        cpus,
        host.path("Memory").asLong(0),
        host.path("MemoryReservation").asLong(0));
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** Docker's zero time (0001-01-01T00:00:00Z) means "never". */
  private static Instant time(String text) {
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
