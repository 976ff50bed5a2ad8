package io.opspulse.gpu;

import java.util.Objects;

/**
 * What the exporter knows of a container, for labels.
 *
 * @param id12 the short id (first 12 hex digits), as {@code docker ps} shows it
 * @param name the container's name without Docker's leading slash
 * @param composeService the compose service it belongs to, empty when none
 */
public record ContainerRef(String id12, String name, String composeService) {
  public ContainerRef {
    Objects.requireNonNull(id12, "id12");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(composeService, "composeService");
    name = name.startsWith("/") ? name.substring(1) : name;
  }
}
