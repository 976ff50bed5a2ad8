package io.opspulse.gpu;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves a container id found in a cgroup path to the container's name and compose service. The
 * exporter implements it with its fleet model; {@link #of(Map)} serves tests and the standalone
 * CLI.
 */
@FunctionalInterface
public interface ContainerDirectory {
  /** A directory that knows no container: GPU processes keep their container ids, without names. */
  ContainerDirectory NONE = id -> Optional.empty();

  /**
   * @param containerId the full 64-hex id from the cgroup path
   */
  Optional<ContainerRef> byId(String containerId);

  /**
   * A directory over a fixed map. Keys may be full ids or any unique prefix of at least 12 hex
   * digits (the short ids {@code docker ps} prints).
   */
  static ContainerDirectory of(Map<String, ContainerRef> byId) {
    Map<String, ContainerRef> copy = new HashMap<>();
    byId.forEach(
        (k, v) -> {
          String key = k.toLowerCase(Locale.ROOT);
          if (key.length() < 12) {
            throw new IllegalArgumentException(
                "container id '" + k + "' is shorter than 12 characters");
          }
          copy.put(key, v);
        });
    return id -> {
      String full = id.toLowerCase(Locale.ROOT);
      ContainerRef exact = copy.get(full);
      if (exact != null) {
        return Optional.of(exact);
      }
      return copy.entrySet().stream()
          .filter(e -> full.startsWith(e.getKey()))
          .map(Map.Entry::getValue)
          .findFirst();
    };
  }
}
