package io.opspulse.exporter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fixture cgroup hierarchy and /proc in a temporary folder, with the files the kernel puts there
 * (trimmed to the lines that matter): what {@link CgroupReader} reads on each layout Docker runs
 * on.
 */
final class CgroupTree {
  final Path proc;
  final Path root;

  private CgroupTree(Path dir) {
    this.proc = dir.resolve("proc");
    this.root = dir.resolve("sys/fs/cgroup");
  }

  /** A cgroup v2 host: one unified hierarchy with the root's controller files. */
  static CgroupTree v2(Path dir) {
    CgroupTree t = new CgroupTree(dir);
    t.write(t.root.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
    t.write(t.root.resolve("cgroup.subtree_control"), "cpuset cpu io memory pids\n");
    t.write(t.root.resolve("cpu.stat"), "usage_usec 999999999999\nuser_usec 1\nsystem_usec 1\n");
    t.write(t.root.resolve("system.slice/cgroup.controllers"), "cpuset cpu io memory pids\n");
    t.write(t.root.resolve("system.slice/memory.current"), "8000000000\n");
    return t;
  }

  /**
   * A cgroup v1 host: a tmpfs with one mount per controller. {@code joinedCpu} mounts cpu and
   * cpuacct together as most distributions do (with the single names as links); otherwise they are
   * separate, as on the machine these tests run on.
   */
  static CgroupTree v1(Path dir, boolean joinedCpu) {
    CgroupTree t = new CgroupTree(dir);
    try {
      Files.createDirectories(t.root);
      for (String c : new String[] {"memory", "pids", "blkio", "devices", "freezer", "systemd"}) {
        t.write(t.root.resolve(c).resolve("cgroup.procs"), "1\n");
      }
      if (joinedCpu) {
        t.write(t.root.resolve("cpu,cpuacct/cgroup.procs"), "1\n");
        Files.createSymbolicLink(t.root.resolve("cpu"), Path.of("cpu,cpuacct"));
        Files.createSymbolicLink(t.root.resolve("cpuacct"), Path.of("cpu,cpuacct"));
      } else {
        t.write(t.root.resolve("cpu/cgroup.procs"), "1\n");
        t.write(t.root.resolve("cpuacct/cgroup.procs"), "1\n");
      }
      t.write(t.root.resolve("memory/memory.usage_in_bytes"), "9000000000\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return t;
  }

  /** A container's cgroup on v2 at {@code path} (relative to the hierarchy's root). */
  CgroupTree v2Container(String path, long usageUsec, long memoryBytes, int pids) {
    Path d = root.resolve(path);
    write(d.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
    write(d.resolve("cgroup.procs"), "4242\n");
    write(
        d.resolve("cpu.stat"),
        """
        usage_usec %d
        user_usec %d
        system_usec %d
        nr_periods 0
        nr_throttled 0
        throttled_usec 0
        """
            .formatted(usageUsec, usageUsec * 2 / 3, usageUsec / 3));
    write(d.resolve("memory.current"), memoryBytes + "\n");
    write(d.resolve("memory.max"), "max\n");
    write(
        d.resolve("memory.stat"),
        """
        anon %d
        file %d
        inactive_file %d
        active_file 0
        """
            .formatted(memoryBytes / 2, memoryBytes / 2, memoryBytes / 4));
    write(d.resolve("pids.current"), pids + "\n");
    write(d.resolve("pids.max"), "max\n");
    return this;
  }

  /** A container's cgroup on v1 at {@code path} in each controller's hierarchy. */
  CgroupTree v1Container(String path, long cpuNanos, long memoryBytes, int pids) {
    String rel = path.startsWith("/") ? path.substring(1) : path;
    Path cpuacct =
        root.resolve(Files.isDirectory(root.resolve("cpu,cpuacct")) ? "cpu,cpuacct" : "cpuacct")
            .resolve(rel);
    write(cpuacct.resolve("cpuacct.usage"), cpuNanos + "\n");
    write(
        cpuacct.resolve("cpuacct.stat"),
        "user %d\nsystem %d\n".formatted(cpuNanos / 20_000_000, cpuNanos / 40_000_000));
    write(cpuacct.resolve("cgroup.procs"), "4242\n");
    if (!Files.isDirectory(root.resolve("cpu,cpuacct"))) {
      write(root.resolve("cpu").resolve(rel).resolve("cpu.shares"), "1024\n");
    }
    Path memory = root.resolve("memory").resolve(rel);
    write(memory.resolve("memory.usage_in_bytes"), memoryBytes + "\n");
    write(memory.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
    write(
        memory.resolve("memory.stat"),
        """
        cache %d
        rss %d
        total_cache %d
        total_rss %d
        total_inactive_file %d
        """
            .formatted(
                memoryBytes / 2,
                memoryBytes / 2,
                memoryBytes / 2,
                memoryBytes / 2,
                memoryBytes / 4));
    write(root.resolve("pids").resolve(rel).resolve("pids.current"), pids + "\n");
    write(root.resolve("pids").resolve(rel).resolve("pids.max"), "max\n");
    return this;
  }

  /** {@code /proc/<pid>/cgroup} as the exporter reads it. */
  CgroupTree process(long pid, String procCgroup) {
    write(proc.resolve(Long.toString(pid)).resolve("cgroup"), procCgroup);
    return this;
  }

  CgroupReader reader() {
    return new CgroupReader(proc, root);
  }

  private void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
