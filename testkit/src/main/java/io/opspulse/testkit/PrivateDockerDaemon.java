package io.opspulse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A Docker daemon of the test's own: its own socket, data root, exec root and pidfile, no bridge
 * and no iptables, so it touches nothing of the host's networking and no other daemon. It runs on a
 * containerd of its own too (own config, root, state, socket, and a namespace named after its
 * folder): dockerd would otherwise attach to a host's /run/containerd/containerd.sock whenever one
 * answers, and share the host engine's {@code moby} namespace. It imports a busybox image built
 * from Debian's busybox-static (no registry is reachable), and it is stopped by the pid in its
 * pidfile, then its containerd by pid, with every container it ran removed first.
 */
public final class PrivateDockerDaemon implements AutoCloseable {
  /** The image every test container runs: busybox with all its applets on PATH. */
  public static final String BUSYBOX = "opspulse/busybox:test";

  private final Path root;
  private final List<String> extraArgs;
  private @Nullable ManagedProcess containerd;
  private @Nullable ManagedProcess process;

  private PrivateDockerDaemon(Path root, List<String> extraArgs) {
    this.root = root;
    this.extraArgs = List.copyOf(extraArgs);
  }

  /** Starts a daemon in a fresh temporary folder and waits until it answers. */
  public static PrivateDockerDaemon start() {
    return start(List.of());
  }

  /**
   * Starts a daemon with more dockerd flags beside the private ones (a second {@code -H
   * tcp://127.0.0.1:port} with {@code --tlsverify}, say). The CLI helpers keep using the unix
   * socket.
   */
  public static PrivateDockerDaemon start(List<String> extraArgs) {
    try {
      // Short path: a unix socket's path is limited to 108 bytes.
      Path root = Files.createTempDirectory(Path.of("/tmp"), "opd-");
      PrivateDockerDaemon daemon = new PrivateDockerDaemon(root, extraArgs);
      daemon.launch();
      return daemon;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void launch() throws IOException {
    String dockerd =
        Stream.of("/usr/sbin/dockerd", "/usr/bin/dockerd")
            .filter(p -> Files.isExecutable(Path.of(p)))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "dockerd not found: install Debian's docker.io (./opspulse test or ./opspulse lab, run as root, installs it)"));
    Files.createDirectories(root.resolve("data"));
    Files.createDirectories(root.resolve("exec"));
    Files.deleteIfExists(socket());
    ManagedProcess containerd = startContainerd();
    List<String> command =
        new ArrayList<>(
            List.of(
                dockerd,
                "-H",
                "unix://" + socket(),
                "--containerd",
                containerdSocket().toString(),
                "--containerd-namespace",
                containerdNamespace(),
                "--containerd-plugins-namespace",
                containerdNamespace() + "-plugins",
                "--data-root",
                root.resolve("data").toString(),
                "--exec-root",
                root.resolve("exec").toString(),
                "--pidfile",
                root.resolve("docker.pid").toString(),
                "--bridge=none",
                "--iptables=false",
                "--ip6tables=false",
                "--ip-masq=false",
                "--userland-proxy=false",
                "--log-level=warn"));
    command.addAll(extraArgs);
    ManagedProcess process =
        ManagedProcess.start("dockerd", command, Map.of(), root.resolve("dockerd.log"));
    this.process = process;
    try {
      Poll.untilTrue(
          "dockerd at " + socket() + " to answer",
          Duration.ofSeconds(60),
          () -> {
            if (!process.isAlive()) {
              throw new IllegalStateException("dockerd exited: " + process.logTail(20));
            }
            return Files.exists(socket())
                && docker(List.of("version", "--format", "{{.Server.Version}}")).exitCode() == 0;
          });
    } catch (RuntimeException | AssertionError e) {
      process.stop(Duration.ofSeconds(10));
      containerd.stop(Duration.ofSeconds(10));
      throw new AssertionError(e.getMessage() + "; dockerd's log ends:\n" + process.logTail(30), e);
    }
  }

  /**
   * Starts the daemon's own containerd, unless the one started before still runs (a crashed dockerd
   * leaves it, as a host's containerd outlives its dockerd).
   */
  private ManagedProcess startContainerd() throws IOException {
    ManagedProcess running = containerd;
    if (running != null && running.isAlive()) {
      return running;
    }
    String binary =
        Stream.of("/usr/bin/containerd", "/usr/sbin/containerd")
            .filter(p -> Files.isExecutable(Path.of(p)))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "containerd not found: install Debian's docker.io (it brings containerd)"));
    Path dir = root.resolve("containerd");
    Files.createDirectories(dir.resolve("root"));
    Files.createDirectories(dir.resolve("state"));
    Files.deleteIfExists(containerdSocket());
    Path config = dir.resolve("config.toml");
    Files.writeString(config, containerdConfig(dir, containerdSocket()));
    ManagedProcess containerd =
        ManagedProcess.start(
            "containerd",
            List.of(binary, "--config", config.toString()),
            Map.of(),
            root.resolve("containerd.log"));
    this.containerd = containerd;
    try {
      Poll.untilTrue(
          "containerd at " + containerdSocket() + " to answer",
          Duration.ofSeconds(60),
          () -> {
            if (!containerd.isAlive()) {
              throw new IllegalStateException("containerd exited: " + containerd.logTail(20));
            }
            return Files.exists(containerdSocket());
          });
    } catch (RuntimeException | AssertionError e) {
      containerd.stop(Duration.ofSeconds(10));
      throw new AssertionError(
          e.getMessage() + "; containerd's log ends:\n" + containerd.logTail(30), e);
    }
    return containerd;
  }

  /**
   * containerd's configuration: everything under {@code dir}, no CRI, no debug or metrics listener.
   */
  static String containerdConfig(Path dir, Path socket) {
    return """
        version = 2
        root = "%1$s/root"
        state = "%1$s/state"
        disabled_plugins = ["io.containerd.grpc.v1.cri"]
        [grpc]
          address = "%2$s"
        [ttrpc]
          address = "%2$s.ttrpc"
        [debug]
          address = ""
        [metrics]
          address = ""
        """
        .formatted(dir, socket);
  }

  public Path socket() {
    return root.resolve("docker.sock");
  }

  /** The socket of the daemon's own containerd. */
  public Path containerdSocket() {
    return root.resolve("containerd.sock");
  }

  /**
   * The containerd namespace the daemon keeps its containers in: its own, never the host's {@code
   * moby}.
   */
  public String containerdNamespace() {
    return "opspulse-" + root.getFileName();
  }

  /** The pid of the daemon's own containerd. */
  public long containerdPid() {
    return started(containerd, "containerd").pid();
  }

  /** The value for DOCKER_HOST. */
  public String dockerHost() {
    return "unix://" + socket();
  }

  public Path root() {
    return root;
  }

  /** The daemon's pid, from its pidfile. */
  public long pid() {
    try {
      return Long.parseLong(Files.readString(root.resolve("docker.pid")).strip());
    } catch (IOException e) {
      return started(process, "dockerd").pid();
    }
  }

  private static ManagedProcess started(@Nullable ManagedProcess p, String what) {
    if (p == null) {
      throw new IllegalStateException(what + " is not running: the daemon was closed");
    }
    return p;
  }

  /** Runs the docker CLI against this daemon. */
  public CommandResult docker(List<String> args) {
    return docker(args, null);
  }

  public CommandResult docker(List<String> args, byte @Nullable [] stdin) {
    List<String> cmd = new ArrayList<>();
    cmd.add("docker");
    cmd.addAll(args);
    return Commands.run(cmd, Map.of("DOCKER_HOST", dockerHost()), stdin, Duration.ofSeconds(120));
  }

  /** Runs the docker CLI and returns its trimmed stdout, throwing when it fails. */
  public String dockerOk(String... args) {
    return docker(List.of(args)).orThrow("docker " + String.join(" ", args)).stdout().strip();
  }

  /**
   * Imports {@link #BUSYBOX} from the host's static busybox: a root file system holding only
   * /bin/busybox and a link per applet.
   */
  public PrivateDockerDaemon withBusybox() {
    if (docker(List.of("image", "inspect", BUSYBOX)).exitCode() == 0) {
      return this;
    }
    Path busybox =
        Stream.of("/bin/busybox", "/usr/bin/busybox")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "busybox not found: install Debian's busybox-static (./opspulse test or ./opspulse lab, run as root, installs it)"));
    try {
      Path rootfs = root.resolve("busybox-rootfs");
      Files.createDirectories(rootfs.resolve("bin"));
      Files.createDirectories(rootfs.resolve("tmp"));
      Files.createDirectories(rootfs.resolve("etc"));
      Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/:/bin/sh\n");
      Files.copy(busybox, rootfs.resolve("bin/busybox"));
      rootfs.resolve("bin/busybox").toFile().setExecutable(true, false);
      String applets =
          Commands.run(
                  List.of(busybox.toString(), "--list"), Map.of(), null, Duration.ofSeconds(10))
              .orThrow("busybox --list")
              .stdout();
      for (String applet :
          applets
              .lines()
              .map(String::strip)
              .filter(s -> !s.isEmpty() && !s.equals("busybox"))
              .toList()) {
        Path link = rootfs.resolve("bin").resolve(applet);
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, Path.of("busybox"));
        }
      }
      Path tarFile = root.resolve("busybox.tar");
      Commands.run(
              List.of("tar", "-C", rootfs.toString(), "-cf", tarFile.toString(), "."),
              Map.of(),
              null,
              Duration.ofSeconds(30))
          .orThrow("tar");
      docker(
              List.of(
                  "import",
                  "--change",
                  "ENV PATH=/bin",
                  "--change",
                  "CMD [\"sh\"]",
                  tarFile.toString(),
                  BUSYBOX))
          .orThrow("docker import");
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a container from busybox with no network, returning its full id. */
  public String run(String... args) {
    List<String> cmd = new ArrayList<>(List.of("run", "-d", "--network", "none"));
    cmd.addAll(List.of(args));
    return docker(cmd).orThrow("docker run").stdout().strip();
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Stops the daemon by its pid, keeping its data, as a crash or an upgrade would. */
  public void stopDaemon() {
    if (process != null && process.isAlive()) {
      process.stop(Duration.ofSeconds(30));
    }
  }

  /**
   * SIGKILLs the daemon (and any child of its), by pid, as a crash would: no shutdown, no events
   * for what happens meanwhile. Its containerd runs on, as a host's does; {@link #restartDaemon()}
   * attaches to it.
   */
  public void crash() {
    long pid = pid();
    ProcessHandle.of(pid)
        .ifPresent(
            daemon -> {
              List<ProcessHandle> children = daemon.descendants().toList();
              daemon.destroyForcibly();
              children.forEach(ProcessHandle::destroyForcibly);
              daemon.onExit().join();
              children.forEach(c -> c.onExit().join());
            });
  }

  /** Starts the daemon again on the same data root and socket. */
  public void restartDaemon() {
    stopDaemon();
    try {
      launch();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Processes whose command line names this daemon's folder: what {@link #close()} must leave none
   * of.
   */
  public List<ProcessHandle> leftoverProcesses() {
    String marker = root.toString();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .toList();
  }

  private static void unmountBelow(Path root) {
    List<String> mounts = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] f = line.split(" ");
        if (f.length > 4 && (f[4].equals(root.toString()) || f[4].startsWith(root + "/"))) {
          mounts.add(f[4]);
        }
      }
    } catch (java.io.IOException e) {
      return; // no mount table to read: nothing we can do
    }
    mounts.sort(java.util.Comparator.comparingInt(String::length).reversed());
    for (String m : mounts) {
      Commands.run(List.of("umount", "-l", m), Map.of(), null, Duration.ofSeconds(10));
    }
  }

  /**
   * Removes every container, stops the daemon by its pid, kills any straggler, removes the folder.
   */
  @Override
  public void close() {
    if (process == null) {
      return;
    }
    if (process.isAlive()) {
      Optional.of(docker(List.of("ps", "-aq")))
          .filter(r -> r.exitCode() == 0)
          .map(r -> r.stdout().lines().filter(s -> !s.isBlank()).toList())
          .filter(ids -> !ids.isEmpty())
          .ifPresent(
              ids -> {
                List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                rm.addAll(ids);
                docker(rm);
              });
    }
    process.stop(Duration.ofSeconds(30));
    if (containerd != null) {
      containerd.stop(Duration.ofSeconds(30));
    }
    for (ProcessHandle p : leftoverProcesses()) {
      p.destroyForcibly();
    }
    // dockerd leaves its data root's private bind mount and the netns mount behind (a crashed one,
    // more):
    // detach whatever is still mounted below our root, deepest first, so nothing outlives the test.
    unmountBelow(root);
    Commands.run(List.of("rm", "-rf", root.toString()), Map.of(), null, Duration.ofSeconds(60));
    process = null;
  }

  @Override
  public String toString() {
    return "dockerd at " + socket();
  }
}
