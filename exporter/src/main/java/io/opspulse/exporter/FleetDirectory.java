package io.opspulse.exporter;

import io.opspulse.gpu.ContainerDirectory;
import io.opspulse.gpu.ContainerRef;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * For the one-shot {@code gpu} command: names GPU processes' containers from one list+inspect of
 * the engine in {@code DOCKER_HOST}, taken on first use. Without a reachable engine, containers
 * keep their ids.
 */
final class FleetDirectory implements ContainerDirectory {
  private static final Logger LOG = Logger.getLogger(FleetDirectory.class.getName());
  private @Nullable Map<String, ContainerRef> byId; // loaded on first use

  @Override
  public synchronized Optional<ContainerRef> byId(String containerId) {
    if (byId == null) {
      byId = load();
    }
    return Optional.ofNullable(byId.get(containerId));
  }

  private static Map<String, ContainerRef> load() {
    try {
      ExporterConfig.Builder b = ExporterConfig.builder().gpuEnabled(false);
      String host = System.getenv("DOCKER_HOST");
      if (host != null && !host.isBlank()) {
        b.dockerHost(host);
      }
      Map<String, ContainerRef> out = new java.util.HashMap<>();
      for (FleetView.ContainerView c : Exporter.snapshotOnce(b.build()).containers()) {
        out.put(
            c.info().id(),
            new ContainerRef(c.info().shortId(), c.info().name(), c.info().composeService()));
      }
      return out;
    } catch (EngineException e) {
      LOG.warning("no container names: cannot reach the Docker engine: " + e.getMessage());
      return Map.of();
    }
  }
}
