package io.opspulse.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a pid to the container that runs it through {@code <procRoot>/<pid>/cgroup}, for cgroup v1
 * (one line per hierarchy) and v2 ({@code 0::/path}). Container ids are the 64-hex path segments,
 * bare ({@code /docker/<id>}, {@code /kubepods/.../<id>}, containerd namespaces) or in a systemd
 * scope ({@code docker-<id>.scope}, {@code cri-containerd-<id>.scope}, {@code crio-<id>.scope},
 * {@code libpod-<id>.scope}). Conmon scopes ({@code libpod-conmon-<id>.scope}) are the runtime's
 * helper on the host, not the container, and do not match. Paths seen from another cgroup namespace
 * ({@code /../docker-<id>.scope}) work the same.
 */
final class CgroupOwners {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern SCOPE =
      Pattern.compile("(docker|cri-containerd|crio|libpod|nerdctl)-([0-9a-f]{64})(?:\\.scope)?");

  private final Path procRoot;

  /**
   * @param procRoot the host's /proc: /proc itself, or where it is mounted (e.g. /host/proc).
   */
  CgroupOwners(Path procRoot) {
    this.procRoot = procRoot;
  }

  Path procRoot() {
    return procRoot;
  }

  boolean exists(long pid) {
    return Files.isDirectory(procRoot.resolve(Long.toString(pid)));
  }

  /**
   * Who runs {@code pid}: {@link ProcessOwner#GONE} when the pid does not exist under the proc
   * root.
   */
  ProcessOwner ownerOf(long pid) {
    Path dir = procRoot.resolve(Long.toString(pid));
    try {
      return parse(Files.readString(dir.resolve("cgroup"), StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Files.isDirectory(dir) ? ProcessOwner.UNKNOWN : ProcessOwner.GONE;
    } catch (IOException | RuntimeException e) {
      // Gone between the check and the read, or not readable by this user.
      return Files.isDirectory(dir) ? ProcessOwner.UNKNOWN : ProcessOwner.GONE;
    }
  }

  /**
   * The owner a cgroup file names. Every line is read; the one naming the most containers wins (on
   * hybrid hosts some v1 hierarchies or the unified line may sit at the root).
   */
  static ProcessOwner parse(String cgroupFile) {
    List<String> bestIds = List.of();
    String bestRuntime = "";
    for (String line : cgroupFile.split("\n")) {
      String[] parts = line.strip().split(":", 3);
      if (parts.length < 3) {
        continue;
      }
      List<String> ids = new ArrayList<>();
      String[] runtime = {""};
      scanPath(parts[2], ids, runtime);
      if (ids.size() > bestIds.size()) {
        bestIds = ids;
        bestRuntime = runtime[0];
      }
    }
    return bestIds.isEmpty() ? ProcessOwner.HOST : ProcessOwner.container(bestIds, bestRuntime);
  }

  private static void scanPath(String path, List<String> ids, String[] runtime) {
    String previous = "";
    for (String segment : path.split("/")) {
      if (segment.isEmpty() || segment.equals("..") || segment.equals(".")) {
        continue;
      }
      Matcher scope = SCOPE.matcher(segment);
      String id = null;
      String kind = "";
      if (scope.matches()) {
        id = scope.group(2);
        kind =
            switch (scope.group(1)) {
              case "docker" -> "docker";
              case "cri-containerd" -> "containerd";
              case "crio" -> "cri-o";
              case "libpod" -> "podman";
              default -> "nerdctl";
            };
      } else if (HEX64.matcher(segment).matches()) {
        id = segment;
        if (previous.equals("docker")) {
          kind = "docker";
        } else if (previous.startsWith("pod") || previous.startsWith("kubepods")) {
          kind = "kubernetes";
        }
      }
      if (id != null) {
        if (ids.isEmpty() || !ids.get(ids.size() - 1).equals(id)) {
          ids.add(id);
        }
        runtime[0] = kind;
      }
      previous = segment;
    }
  }
}
