package io.opspulse.exporter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a container's CPU, memory and pids from its cgroup files, as cAdvisor does, instead of one
 * stats API call per container. The cgroup is found from the container's init pid
 * ({@code /proc/<pid>/cgroup}), which works for the cgroupfs and systemd drivers alike, on cgroup v1
 * (per-controller hierarchies) and v2 (one unified hierarchy).
 */
final class CgroupReader {
  private final Path procRoot;
  private final Path cgroupRoot;
  private final boolean unified;
  private final Map<Long, Map<String, String>> pathsByPid = new HashMap<>();

  CgroupReader(Path procRoot, Path cgroupRoot) {
    this.procRoot = procRoot;
    this.cgroupRoot = cgroupRoot;
    this.unified = Files.exists(cgroupRoot.resolve("cgroup.controllers"));
  }

  boolean isUnified() {
    return unified;
  }

  /** Reads one container's usage; a value that cannot be read is negative. */
  ContainerUsage read(long pid) {
    Map<String, String> paths = pathsByPid.computeIfAbsent(pid, this::cgroupPaths);
    if (paths.isEmpty()) {
      pathsByPid.remove(pid);
      return ContainerUsage.NONE;
    }
    if (unified) {
      Path dir = under(paths.get(""));
      double cpu = dir == null ? -1 : parseUsageUsec(readOrNull(dir.resolve("cpu.stat"))) / 1e6;
      return new ContainerUsage(cpu < 0 ? -1 : cpu, readLong(dir, "memory.current"), readLong(dir, "pids.current"));
    }
    long cpuNanos = readLong(controllerDir("cpuacct", paths), "cpuacct.usage");
    return new ContainerUsage(cpuNanos < 0 ? -1 : cpuNanos / 1e9,
        readLong(controllerDir("memory", paths), "memory.usage_in_bytes"),
        readLong(controllerDir("pids", paths), "pids.current"));
  }

  /** Forgets pids that are no longer running containers' init processes. */
  void retainPids(java.util.Collection<Long> pids) {
    pathsByPid.keySet().retainAll(pids);
  }

  private Map<String, String> cgroupPaths(long pid) {
    String text = readOrNull(procRoot.resolve(Long.toString(pid)).resolve("cgroup"));
    return text == null ? Map.of() : parseProcCgroup(text);
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

  /** The {@code usage_usec} line of a v2 {@code cpu.stat}, or -1. */
  static long parseUsageUsec(String cpuStat) {
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

  private Path controllerDir(String controller, Map<String, String> paths) {
    String path = paths.get(controller);
    if (path == null) {
      return null;
    }
    // Distributions mount some controllers together ("cpu,cpuacct") and link the single names.
    for (String mount : new String[] {controller, "cpu,cpuacct", "cpuacct,cpu"}) {
      Path base = cgroupRoot.resolve(mount);
      if (Files.isDirectory(base)) {
        return base.resolve(relative(path));
      }
    }
    return null;
  }

  private Path under(String path) {
    return path == null ? null : cgroupRoot.resolve(relative(path));
  }

  private static String relative(String path) {
    return path.startsWith("/") ? path.substring(1) : path;
  }

  private static long readLong(Path dir, String file) {
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

  private static String readOrNull(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
