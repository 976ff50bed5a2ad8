package io.opspulse.exporter;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An immutable picture of the fleet at one moment: what a scrape renders and what {@code report}
 * prints. {@code version} changes whenever anything in it may have changed.
 */
record FleetView(
    long version,
    boolean up,
    EngineFacts engine,
    List<ContainerView> containers,
    List<ServiceView> services,
    Map<String, DeclaredState.FileError> composeFileErrors,
    Map<ComposeLabels.Refusal, Integer> composeLabelsRefused) {

  FleetView {
    containers = List.copyOf(containers);
    services = List.copyOf(services);
    composeFileErrors = Map.copyOf(composeFileErrors);
    composeLabelsRefused = Map.copyOf(composeLabelsRefused);
  }

  /** What {@code GET /info} and {@code /version} said about the engine. */
  record EngineFacts(String version, String apiVersion, int cpus, long memoryBytes) {
    static final EngineFacts UNKNOWN = new EngineFacts("", "", 0, 0);
  }

  /** The last exit the exporter knows of: from a die event, or from inspect at start-up. */
  record LastExit(int code, ExitReason reason, Instant at) {}

  record ContainerView(
      ContainerInfo info,
      Origin origin,
      long restarts,
      Map<ExitReason, Long> exits,
      long oomKills,
      @Nullable LastExit lastExit,
      ContainerUsage usage) {
    ContainerView {
      exits = Map.copyOf(exits);
    }
  }

  record ServiceView(
      String project,
      String service,
      int desiredReplicas,
      int runningReplicas,
      boolean declared,
      Map<ExitReason, Long> exits) {
    ServiceView {
      exits = Map.copyOf(exits);
    }
  }
}
