package io.opspulse.exporter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Reads a container's CPU, memory and pids from its cgroup files, as cAdvisor does, instead of one
 * stats API call per container. The cgroup is found from the container's init pid ({@code
 * /proc/<pid>/cgroup}), which works for the cgroupfs and systemd drivers alike, on cgroup v1
 * (per-controller hierarchies) and v2 (one unified hierarchy).
 *
 * <p>The path in {@code /proc/<pid>/cgroup} is relative to the reader's own cgroup namespace. With
 * the host's namespace it is the path under the mount; when the exporter runs in a private cgroup
 * namespace (Docker's default on v2) it climbs out of it ({@code /../docker-<id>.scope}) or is just
 * {@code /}. The container id then anchors the search: Docker names the cgroup {@code
 * docker-<id>.scope} (systemd driver) or {@code <id>} under {@code docker/} (cgroupfs driver), so
 * the right folder is found under the configured root (the host's hierarchy mounted into the
 * exporter's container) without knowing where the exporter's own namespace starts.
 */
final class CgroupReader {
  /**
   * Bounds on the fallback search for a container's folder: the hierarchy is untrusted and can be
   * wide.
   */
  static final int MAX_SEARCH_DEPTH = 6;

  static final int MAX_SEARCH_FOLDERS = 4096;

  private final Path procRoot;
  private final Path cgroupRoot;
  private final boolean unified;
  private final Map<Long, Located> byPid = new HashMap<>();

  CgroupReader(Path procRoot, Path cgroupRoot) {
    this.procRoot = procRoot;
    this.cgroupRoot = cgroupRoot;
    this.unified = Files.exists(cgroupRoot.resolve("cgroup.controllers"));
  }

  boolean isUnified() {
    return unified;
  }

  /** Where one container's usage is read: one folder per controller (the same one on v2). */
  record Folders(@Nullable Path cpu, @Nullable Path memory, @Nullable Path pids) {}

  private record Located(String containerId, @Nullable Folders folders) {}

  /** Reads one container's usage; a value that cannot be read is negative. */
  ContainerUsage read(String containerId, long pid) {
    Located cached = byPid.get(pid);
    if (cached == null || !cached.containerId.equals(containerId)) {
      // A miss is remembered too, so a wrong cgroup root costs one bounded search per container,
      // not one
      // per sample.
      cached = new Located(containerId, locate(containerId, pid));
      byPid.put(pid, cached);
    }
    Folders folders = cached.folders;
    if (folders == null) {
      return ContainerUsage.NONE;
    }
    ContainerUsage usage =
        unified
            ? new ContainerUsage(
                usecToSeconds(parseUsageUsec(readOrNull(file(folders.cpu, "cpu.stat")))),
                readLong(folders.memory, "memory.current"),
                readLong(folders.pids, "pids.current"))
            : new ContainerUsage(
                nanosToSeconds(readLong(folders.cpu, "cpuacct.usage")),
                readLong(folders.memory, "memory.usage_in_bytes"),
                readLong(folders.pids, "pids.current"));
    if (usage.equals(ContainerUsage.NONE)) {
      byPid.remove(pid); // the folder went away (or was never right): look again next time
    }
    return usage;
  }

  /** Forgets pids that are no longer running containers' init processes. */
  void retainPids(Collection<Long> pids) {
    byPid.keySet().retainAll(pids);
  }

  /** The container's folders, or null when neither its pid nor its id lead to one. */
  @Nullable Folders locate(String containerId, long pid) {
    String text = readOrNull(procRoot.resolve(Long.toString(pid)).resolve("cgroup"));
    if (text == null) {
      return null;
    }
    Map<String, String> paths = parseProcCgroup(text);
    if (unified) {
      String path = paths.get("");
      Path dir = path == null ? null : resolve(cgroupRoot, path, containerId);
      return dir == null ? null : new Folders(dir, dir, dir);
    }
    Path cpu = controllerDir(paths, containerId, "cpuacct", "cpu,cpuacct", "cpuacct,cpu");
    Path memory = controllerDir(paths, containerId, "memory");
    Path pids = controllerDir(paths, containerId, "pids");
    return cpu == null && memory == null && pids == null ? null : new Folders(cpu, memory, pids);
  }

  /**
   * Parses {@code /proc/<pid>/cgroup}: {@code hierarchy-id:controller,list:/path} per line. Returns
   * controller → path, with the v2 line ({@code 0::/path}) under the empty name.
   */
  static Map<String, String> parseProcCgroup(String text) {
    Map<String, String> out = new HashMap<>();
    for (String line : text.split("\n")) {
      int first = line.indexOf(':');
      int second = first < 0 ? -1 : line.indexOf(':', first + 1);
      if (second < 0) {
        continue;
      }
      String controllers = line.substring(first + 1, second);
      String path = line.substring(second + 1).strip();
      if (controllers.isEmpty()) {
        out.put("", path);
      } else {
        for (String c : controllers.split(",")) {
          out.put(c.startsWith("name=") ? c : c.strip(), path);
        }
      }
    }
    return out;
  }

  /**
   * The folder under {@code base} (one hierarchy's mount) of the cgroup that {@code
   * /proc/<pid>/cgroup} names as {@code path}, or null. A path inside the namespace is taken as it
   * is; a path that climbs out of it ({@code /../x}) or names its root ({@code /}) is found by the
   * container id. Where the path passes through the container's own folder (a process moved into a
   * child cgroup, as systemd inside a container does), the container's folder is the one read, so
   * usage covers the whole container.
   */
  static @Nullable Path resolve(Path base, String path, String containerId) {
    List<String> segments = new ArrayList<>();
    int above = 0;
    for (String s : path.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        if (segments.isEmpty()) {
          above++;
        } else {
          segments.remove(segments.size() - 1);
        }
      } else {
        segments.add(s);
      }
    }
    int anchor = lastIndexNaming(segments, containerId);
    if (anchor >= 0) {
      segments = segments.subList(0, anchor + 1);
    }
    if (above == 0 && !segments.isEmpty()) {
      Path direct = under(base, segments);
      if (direct != null && Files.isDirectory(direct, LinkOption.NOFOLLOW_LINKS)) {
        return direct;
      }
    }
    if (containerId == null || containerId.isEmpty()) {
      return null; // nothing to anchor a search on
    }
    // The usual places first: the systemd driver's scope, the cgroupfs driver's folder.
    for (List<String> known :
        List.of(
            List.of("system.slice", "docker-" + containerId + ".scope"),
            List.of("docker", containerId))) {
      Path dir = under(base, known);
      if (dir != null && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        return dir;
      }
    }
    // Elsewhere (a cgroup parent, rootless, nested): the path's tail below the namespace, else the
    // id.
    List<String> tail = anchor >= 0 ? List.copyOf(segments) : List.of();
    return search(
        base,
        dir ->
            tail.isEmpty()
                ? namesContainer(dir.getFileName().toString(), containerId)
                : endsWith(base.relativize(dir), tail));
  }

  /** The {@code usage_usec} line of a v2 {@code cpu.stat}, or -1. */
  static long parseUsageUsec(@Nullable String cpuStat) {
    if (cpuStat == null) {
      return -1;
    }
    for (String line : cpuStat.split("\n")) {
      if (line.startsWith("usage_usec ")) {
        try {
          return Long.parseLong(line.substring("usage_usec ".length()).strip());
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }

  private @Nullable Path controllerDir(
      Map<String, String> paths, String containerId, String... mounts) {
    String path = paths.get(mounts[0]);
    if (path == null) {
      return null;
    }
    // Distributions mount some controllers together ("cpu,cpuacct") and link the single names.
    for (String mount : mounts) {
      Path base = cgroupRoot.resolve(mount);
      if (Files.isDirectory(base)) {
        return resolve(base, path, containerId);
      }
    }
    return null;
  }

  /**
   * Whether a folder name is Docker's for this container: {@code <id>} or {@code
   * docker-<id>.scope}.
   */
  private static boolean namesContainer(String name, String containerId) {
    return name.equals(containerId) || name.equals("docker-" + containerId + ".scope");
  }

  private static int lastIndexNaming(List<String> segments, String containerId) {
    if (containerId == null || containerId.isEmpty()) {
      return -1;
    }
    for (int i = segments.size() - 1; i >= 0; i--) {
      if (namesContainer(segments.get(i), containerId)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean endsWith(Path relative, List<String> tail) {
    int n = relative.getNameCount();
    if (n < tail.size()) {
      return false;
    }
    for (int i = 0; i < tail.size(); i++) {
      if (!relative.getName(n - tail.size() + i).toString().equals(tail.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Breadth-first, bounded in depth and folders, never following links. */
  private static @Nullable Path search(Path base, Predicate<Path> wanted) {
    Deque<Path> queue = new ArrayDeque<>();
    queue.add(base);
    int visited = 0;
    while (!queue.isEmpty() && visited < MAX_SEARCH_FOLDERS) {
      Path dir = queue.poll();
      visited++;
      if (!dir.equals(base) && wanted.test(dir)) {
        return dir;
      }
      if (base.relativize(dir).getNameCount() >= MAX_SEARCH_DEPTH && !dir.equals(base)) {
        continue;
      }
      try (Stream<Path> children = Files.list(dir)) {
        children
            .filter(c -> Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS))
            .sorted()
            .forEach(queue::add);
      } catch (IOException | RuntimeException e) {
        // unreadable folder: skip it
      }
    }
    return null;
  }

  /**
   * {@code base/segments}, or null when a segment is not a plain name (it came from untrusted
   * text).
   */
  private static @Nullable Path under(Path base, List<String> segments) {
    Path p = base;
    for (String s : segments) {
      if (s.indexOf('\0') >= 0 || s.equals("..") || s.equals(".")) {
        return null;
      }
      try {
        p = p.resolve(s);
      } catch (RuntimeException e) {
        return null;
      }
    }
    return p;
  }

  private static double usecToSeconds(long usec) {
    return usec < 0 ? -1 : usec / 1e6;
  }

  private static double nanosToSeconds(long nanos) {
    return nanos < 0 ? -1 : nanos / 1e9;
  }

  private static @Nullable Path file(@Nullable Path dir, String name) {
    return dir == null ? null : dir.resolve(name);
  }

  private static long readLong(@Nullable Path dir, String file) {
    if (dir == null) {
      return -1;
    }
    String text = readOrNull(dir.resolve(file));
    if (text == null) {
      return -1;
    }
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      return -1; // "max" and the like
    }
  }

  private static @Nullable String readOrNull(@Nullable Path file) {
    if (file == null) {
      return null;
    }
    try {
      return Files.readString(file);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
