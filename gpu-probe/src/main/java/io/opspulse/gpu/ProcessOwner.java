package io.opspulse.gpu;

import java.util.List;
import java.util.Objects;

/**
 * Who runs a GPU process, as its {@code /proc/<pid>/cgroup} says.
 *
 * @param kind host process, container process, a pid that no longer exists, or a cgroup file that
 *     could not be read
 * @param containerIds for {@link Kind#CONTAINER}: the full container ids in the cgroup path,
 *     outermost first (more than one when containers nest, e.g. kind or Docker-in-Docker)
 * @param runtime the runtime the cgroup path names: docker, containerd, cri-o, podman, kubernetes,
 *     nerdctl, or empty when the path does not say
 */
public record ProcessOwner(Kind kind, List<String> containerIds, String runtime) {
  public enum Kind {
    HOST,
    CONTAINER,
    GONE,
    UNKNOWN
  }

  public static final ProcessOwner HOST = new ProcessOwner(Kind.HOST, List.of(), "");
  public static final ProcessOwner GONE = new ProcessOwner(Kind.GONE, List.of(), "");
  public static final ProcessOwner UNKNOWN = new ProcessOwner(Kind.UNKNOWN, List.of(), "");

  public ProcessOwner {
    Objects.requireNonNull(kind, "kind");
    containerIds = List.copyOf(containerIds);
    Objects.requireNonNull(runtime, "runtime");
    if ((kind == Kind.CONTAINER) == containerIds.isEmpty()) {
      throw new IllegalArgumentException(
          "a container owner has container ids, and only it: " + kind + " " + containerIds);
    }
  }

  static ProcessOwner container(List<String> ids, String runtime) {
    return new ProcessOwner(Kind.CONTAINER, ids, runtime);
  }

  /** The innermost container id: the container the process itself runs in. */
  public String innermostId() {
    return containerIds.isEmpty() ? "" : containerIds.get(containerIds.size() - 1);
  }

  /**
   * This owner with the kind GONE but the containers kept: a pid seen in a container earlier, now
   * gone.
   */
  ProcessOwner gone() {
    return kind == Kind.CONTAINER ? this : GONE;
  }
}
