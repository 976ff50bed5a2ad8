package io.opspulse.lab;

import io.opspulse.lab.demo.FlakyDependency;
import io.opspulse.lab.demo.LoadGenerator;
import io.opspulse.testkit.AlertmanagerServer;
import io.opspulse.testkit.CommandResult;
import io.opspulse.testkit.Commands;
import io.opspulse.testkit.ManagedProcess;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import io.opspulse.testkit.PrivateDockerDaemon;
import io.opspulse.testkit.PrometheusServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A started lab: everything of it running on 127.0.0.1, each process known by pid and recorded in
 * the state file. {@link #start} returns once Prometheus scrapes every target; {@link #close}
 * removes every container, daemon and process, whether the start completed or not.
 */
public final class RunningLab implements AutoCloseable {
  public static final String EXPORTER_JOB = "opspulse-exporter";
  public static final String NODE_JOB = "node";
  public static final String SERVICE_JOB = "demo-service";
  static final int CRASHES_AT_START = 3;

  private final LabConfig config;
  private final LabState state;
  private final long startedAt = System.nanoTime();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<ManagedProcess> processes = new ArrayList<>();
  private Path workDir;
  private PrivateDockerDaemon daemon;
  private IncidentContainers containers;
  private GpuStandIn gpu;
  private PrometheusServer prometheus;
  private AlertmanagerServer alertmanager;
  private FlakyDependency dependency;
  private LoadGenerator load;
  private String dockerHost;
  private int exporterPort;
  private int servicePort;
  private int agentPort;
  private int nodePort;

  // launch() sets the parts before start() hands the lab out; only close() after a half-finished
  // start sees them unset, and it checks each one.
  @SuppressWarnings("NullAway.Init")
  private RunningLab(LabConfig config) {
    this.config = config;
    this.state = new LabState(config.stateFile());
  }

  /** Starts the whole lab; on failure stops what was started and rethrows. */
  public static RunningLab start(LabConfig config) {
    RunningLab lab = new RunningLab(config);
    try {
      lab.launch();
      return lab;
    } catch (RuntimeException | Error e) {
      lab.progress("start failed: " + e.getMessage() + "; stopping what was started");
      lab.close();
      throw e;
    } catch (IOException e) {
      lab.close();
      throw new UncheckedIOException(e);
    }
  }

  private void launch() throws IOException {
    for (Path jar : List.of(config.exporterJar(), config.agentJar(), config.labJar())) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(jar + " is missing: build first (./opspulse build)");
      }
    }
    LabState.read(config.stateFile())
        .ifPresent(
            old -> {
              if (ProcessHandle.of(old.labPid()).map(ProcessHandle::isAlive).orElse(false)
                  && old.labPid() != ProcessHandle.current().pid()) {
                throw new IllegalStateException(
                    "a lab is already running (pid "
                        + old.labPid()
                        + ", state "
                        + config.stateFile()
                        + "): stop it first with ./opspulse stop");
              }
              progress("a previous lab did not stop cleanly; removing what it left");
              Teardown.fromState(old, config.out());
            });
    workDir = Files.createTempDirectory(Path.of("/tmp"), "opspulse-lab-");
    state.workDir(workDir);
    progress("working folder " + workDir + " (logs, configs); state in " + config.stateFile());

    exporterPort = Ports.freeLoopbackPort();
    servicePort = Ports.freeLoopbackPort();
    agentPort = Ports.freeLoopbackPort();
    nodePort = Ports.freeLoopbackPort();

    dependency = FlakyDependency.start();
    progress(
        "inventory dependency (fails "
            + FlakyDependency.FAILING_OUT_OF_TEN
            + " calls in 10) at "
            + dependency.url());
    CompletableFuture<Void> docker = CompletableFuture.runAsync(this::startDocker);
    CompletableFuture<Void> gpuBuild =
        CompletableFuture.runAsync(
            () -> {
              try {
                gpu = GpuStandIn.build(config.repo(), workDir.resolve("nvml"));
                progress("simulated GPUs: NVML stand-in built with gcc at " + gpu.library());
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    CompletableFuture<Void> service = CompletableFuture.runAsync(this::startDemoService);

    nodePort = startNodeExporter();
    startZombieParent();
    Path rules = LabRules.write(workDir);
    progress(
        "alert rules rendered for the lab (every 'for:' cut to "
            + LabRules.LAB_FOR
            + ") at "
            + rules);
    alertmanager = AlertmanagerServer.start(LabRules.writeAlertmanagerConfig(workDir), workDir);
    state.process("alertmanager", alertmanager.process().pid());
    state.url("alertmanager", alertmanager.url() + "/#/alerts");
    progress(
        "Alertmanager "
            + alertmanager.url()
            + " (pid "
            + alertmanager.process().pid()
            + "), the shipped alertmanager.yml; its receivers are placeholders, nothing is sent");
    prometheus =
        PrometheusServer.builder()
            .alertmanager(alertmanager.hostPort())
            .scrape(EXPORTER_JOB, "127.0.0.1:" + exporterPort)
            .scrape(NODE_JOB, "127.0.0.1:" + nodePort)
            .scrape(SERVICE_JOB, "127.0.0.1:" + agentPort)
            .ruleFile(rules)
            .scrapeInterval("2s")
            .evaluationInterval("2s")
            .start();
    state.process("prometheus", prometheus.process().pid());
    prometheusDir().ifPresent(d -> state.dir(d));
    state.url("prometheus", prometheus.url());
    progress("Prometheus " + prometheus.url() + " (pid " + prometheus.process().pid() + ")");

    join(docker, gpuBuild);
    // The exporter and Prometheus watch before the incidents start, so the first fast restarts of
    // the
    // crash loops are counted (Docker's restart back-off soon stretches them to a minute apart).
    startExporter();
    if (daemon != null) {
      Poll.untilTrue(
          "Prometheus to scrape the exporter",
          Duration.ofSeconds(90),
          () -> {
            checkAlive();
            return !prometheus.query("up{job=\"" + EXPORTER_JOB + "\"} == 1").isEmpty();
          });
      containers =
          new IncidentContainers(
              daemon, workDir.resolve("compose/" + IncidentContainers.PROJECT), this::progress);
      containers.create();
      progress(
          "incident containers created: "
              + daemon.dockerOk("ps", "-aq").lines().count()
              + " in all");
      gpu.writeScenario(containers.ollamaPids());
      progress("simulated GPUs now show ollama's process holding their memory");
    }
    join(service);
    load = LoadGenerator.start(servicePort);
    progress("load generator: orders 8/s, 4 searching clients, reports 3/s");
    Poll.untilTrue(
        "Prometheus to scrape the exporter, node_exporter and the demo service",
        Duration.ofSeconds(120),
        () -> {
          checkAlive();
          return prometheus.activeTargets().stream()
                  .allMatch(t -> "up".equals(t.path("health").asText()))
              && prometheus.activeTargets().size() == 3;
        });
    progress("all targets up");
  }

  private static void join(CompletableFuture<?>... futures) {
    try {
      CompletableFuture.allOf(futures).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  private void startDocker() {
    if (!config.privateDaemon()) {
      // Without a private daemon the lab watches the engine it was given.
      dockerHost =
          Objects.requireNonNull(config.dockerHost(), "no private daemon and no --docker-host");
      state.docker(dockerHost, null);
      progress("watching your Docker engine at " + dockerHost + " (no lab containers added)");
      return;
    }
    progress(
        "starting a private dockerd (own socket, data root and containerd, no bridge, no iptables)");
    daemon = PrivateDockerDaemon.start();
    dockerHost = daemon.dockerHost();
    state.docker(dockerHost, daemon.root());
    state.process("dockerd", daemon.pid());
    state.process("containerd", daemon.containerdPid());
    daemon.withBusybox();
    progress("dockerd " + dockerHost + " (pid " + daemon.pid() + "), busybox imported");
  }

  private int startNodeExporter() throws IOException {
    Path bin = Path.of("/usr/bin/prometheus-node-exporter");
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException(
          bin + " not found: install Debian's prometheus-node-exporter");
    }
    ManagedProcess p =
        track(
            "node_exporter",
            ManagedProcess.start(
                "node_exporter",
                List.of(
                    bin.toString(),
                    "--web.listen-address=127.0.0.1:" + nodePort,
                    "--collector.disable-defaults",
                    "--collector.cpu",
                    "--collector.meminfo",
                    "--collector.loadavg",
                    // processes (zombies, process counts) is off by default; pressure reads
                    // /proc/pressure where PSI exists
                    "--collector.processes",
                    "--collector.pressure"),
                Map.of(),
                workDir.resolve("node_exporter.log")));
    state.url("node_exporter", "http://127.0.0.1:" + nodePort + "/metrics");
    progress("node_exporter http://127.0.0.1:" + nodePort + "/metrics (pid " + p.pid() + ")");
    return nodePort;
  }

  /**
   * Report 003's zombies, on the lab's host: a shell forks 8 children that exit at once, then execs
   * into sleep, which never waits for them. node_exporter's processes collector counts them;
   * stopping this process (by pid) lets init reap them.
   */
  private void startZombieParent() throws IOException {
    ManagedProcess p =
        track(
            "zombie-parent",
            ManagedProcess.start(
                "zombie-parent",
                List.of("sh", "-c", "for i in 1 2 3 4 5 6 7 8; do true & done; exec sleep 86400"),
                Map.of(),
                workDir.resolve("zombies.log")));
    progress("8 zombie processes under pid " + p.pid() + " (report 003's zombies)");
  }

  private void startExporter() throws IOException {
    Path yml = workDir.resolve("exporter.yml");
    StringBuilder y =
        new StringBuilder("# The exporter's configuration in the lab (written by the lab)\n")
            .append("docker:\n  host: ")
            .append(dockerHost)
            .append('\n')
            .append("web:\n  listen_address: 127.0.0.1:")
            .append(exporterPort)
            .append('\n');
    if (daemon != null) {
      Files.createDirectories(workDir.resolve("compose/" + IncidentContainers.PROJECT));
      y.append("compose:\n  files: ['")
          .append(workDir.resolve("compose/" + IncidentContainers.PROJECT))
          .append("']\n");
    }
    y.append("deprecated:\n  names: [");
    y.append(
        String.join(
            ", ", IncidentContainers.DEPRECATED_NAMES.stream().map(n -> "'" + n + "'").toList()));
    y.append("]\nresync_period: 15s\ncgroup:\n  interval: 2s\ngpu:\n  interval: 2s\n");
    Files.writeString(yml, y);
    ManagedProcess p =
        track(
            "exporter",
            ManagedProcess.start(
                "exporter",
                List.of(
                    java(),
                    "-Dopspulse.nvml.library=" + gpu.library(),
                    "-Xmx256m",
                    "-jar",
                    config.exporterJar().toString(),
                    "--config.file",
                    yml.toString()),
                Map.of("OPSPULSE_NVML_SCENARIO", gpu.scenario().toString()),
                workDir.resolve("exporter.log")));
    state.url("exporter", "http://127.0.0.1:" + exporterPort + "/metrics");
    progress(
        "exporter http://127.0.0.1:"
            + exporterPort
            + "/metrics (pid "
            + p.pid()
            + "), GPUs SIMULATED by the NVML stand-in");
  }

  private void startDemoService() {
    Path stateDir = workDir.resolve("agent-state");
    String agent =
        "-javaagent:"
            + config.agentJar()
            + "=host=127.0.0.1,service="
            + SERVICE_JOB
            + ",state.dir="
            + stateDir;
    progress(
        "demo service: crashing at start " + CRASHES_AT_START + " times (a restart loop), then up");
    for (int i = 0; i < CRASHES_AT_START; i++) {
      CommandResult crash =
          Commands.run(
              List.of(
                  java(),
                  agent + ",port=off",
                  "-cp",
                  config.labJar().toString(),
                  "io.opspulse.lab.demo.DemoService",
                  "--crash-on-start"),
              Map.of(),
              null,
              Duration.ofSeconds(90));
      if (crash.exitCode() != 3) {
        throw new IllegalStateException(
            "the demo service's simulated crash exited "
                + crash.exitCode()
                + ": "
                + crash.stderr()
                + crash.stdout());
      }
    }
    try {
      ManagedProcess p =
          track(
              "demo-service",
              ManagedProcess.start(
                  "demo-service",
                  List.of(
                      java(),
                      agent + ",port=" + agentPort,
                      "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0",
                      "-Xmx192m",
                      "-XX:+UseSerialGC",
                      "-cp",
                      config.labJar().toString(),
                      "io.opspulse.lab.demo.DemoService",
                      Integer.toString(servicePort),
                      dependency.url()),
                  Map.of(),
                  workDir.resolve("demo-service.log")));
      Poll.untilTrue(
          "the demo service to serve on " + servicePort,
          Duration.ofSeconds(90),
          () -> {
            if (!p.isAlive()) {
              throw new IllegalStateException("demo service exited: " + p.logTail(20));
            }
            return p.logText().contains("demo-service: serving");
          });
      state.url("demo service", "http://127.0.0.1:" + servicePort + "/api/orders");
      state.url("demo service metrics", "http://127.0.0.1:" + agentPort + "/metrics");
      progress(
          "demo service http://127.0.0.1:"
              + servicePort
              + " (pid "
              + p.pid()
              + "), agent metrics http://127.0.0.1:"
              + agentPort
              + "/metrics, JDWP on (dev mode)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private synchronized ManagedProcess track(String label, ManagedProcess p) {
    processes.add(p);
    state.process(label, p.pid());
    return p;
  }

  private void checkAlive() {
    for (ManagedProcess p : List.copyOf(processes)) {
      if (!p.isAlive()) {
        throw new IllegalStateException(p + " exited:\n" + p.logTail(30));
      }
    }
  }

  private java.util.Optional<Path> prometheusDir() {
    return ProcessHandle.of(prometheus.process().pid())
        .flatMap(h -> h.info().arguments())
        .flatMap(
            args ->
                java.util.Arrays.stream(args)
                    .filter(a -> a.startsWith("--storage.tsdb.path="))
                    .findFirst())
        .map(a -> Path.of(a.substring("--storage.tsdb.path=".length())).getParent());
  }

  static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  void progress(String message) {
    long s = Duration.ofNanos(System.nanoTime() - startedAt).toSeconds();
    config.out().printf("[lab %3ds] %s%n", s, message);
    config.out().flush();
  }

  // --- what a running lab offers ---

  public PrometheusServer prometheus() {
    return prometheus;
  }

  public AlertmanagerServer alertmanager() {
    return alertmanager;
  }

  public String dockerHost() {
    return dockerHost;
  }

  /** The private daemon, or null when the lab watches the user's engine. */
  public PrivateDockerDaemon daemon() {
    return daemon;
  }

  public Path workDir() {
    return workDir;
  }

  public LabState.Data state() {
    return state.data();
  }

  public @Nullable Path composeDir() {
    return containers == null ? null : containers.composeFile().getParent();
  }

  /** The exporter's {@code report} against the lab's engine, as a user would run it. */
  public String report() {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java(),
                "-jar",
                config.exporterJar().toString(),
                "report",
                "--docker.host",
                dockerHost,
                "--gpu.enabled",
                "false"));
    if (containers != null) {
      cmd.addAll(List.of("--compose.file", containers.composeFile().toString()));
    }
    IncidentContainers.DEPRECATED_NAMES.forEach(n -> cmd.addAll(List.of("--deprecated.name", n)));
    return Commands.run(cmd, Map.of(), null, Duration.ofSeconds(120))
        .orThrow("exporter report")
        .stdout();
  }

  /** The last lines of every log of the lab, for failure messages. */
  public String logTails(int lines) {
    StringBuilder out = new StringBuilder();
    for (ManagedProcess p : List.copyOf(processes)) {
      out.append("--- ")
          .append(p)
          .append(p.isAlive() ? "" : " (exited)")
          .append('\n')
          .append(p.logTail(lines))
          .append('\n');
    }
    if (prometheus != null) {
      out.append("--- prometheus\n").append(prometheus.process().logTail(lines)).append('\n');
    }
    return out.toString();
  }

  /**
   * Pids the lab started that are still alive, and processes naming its folders: empty after close.
   */
  public List<ProcessHandle> leftovers(LabState.Data recorded) {
    List<ProcessHandle> out = new ArrayList<>();
    recorded.processes().forEach(p -> Reaper.find(p).ifPresent(out::add));
    if (recorded.privateDaemonRoot() != null) {
      out.addAll(Reaper.namingFolder(recorded.privateDaemonRoot()));
    }
    if (recorded.workDir() != null) {
      out.addAll(Reaper.namingFolder(recorded.workDir()));
    }
    return out.stream().distinct().toList();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LabState.Data recorded = state.data();
    progress(
        "stopping: load, demo service, exporter, node_exporter, Prometheus, Alertmanager, containers, dockerd");
    if (load != null) {
      load.close();
    }
    if (dependency != null) {
      dependency.close();
    }
    List<ManagedProcess> reversed = new ArrayList<>(processes);
    java.util.Collections.reverse(reversed);
    for (ManagedProcess p : reversed) {
      p.stop(Duration.ofSeconds(15));
    }
    if (prometheus != null) {
      prometheus.close();
    }
    if (alertmanager != null) {
      alertmanager.close();
    }
    if (daemon != null) {
      daemon.close();
    }
    // Whatever a half-finished start left (a pid recorded before its handle was kept): by the state
    // file.
    Teardown.fromState(recorded, null);
    state.delete();
    progress("stopped; nothing of the lab is running");
  }
}
