package io.opspulse.lab;

import io.opspulse.testkit.PrometheusServer.Alert;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./opspulse lab} and {@code ./opspulse stop}: the incident lab's command line.
 *
 * <pre>
 * java -jar lab/target/opspulse-lab.jar [start] [--docker-host unix:///var/run/docker.sock]
 * java -jar lab/target/opspulse-lab.jar stop | status
 * </pre>
 */
@Command(
    name = "opspulse-lab",
    mixinStandardHelpOptions = true,
    version = "opspulse-lab 0.1.0",
    description =
        "The incident lab: the reports' incidents re-created on 127.0.0.1 and caught by the pack.",
    subcommands = {Lab.Start.class, Lab.Stop.class, Lab.Status.class})
public final class Lab implements Callable<Integer> {
  @Option(names = "--repo", description = "The opspulse checkout (default: the current folder).")
  Path repo = Path.of("");

  @Option(
      names = "--state-file",
      description = "Where the lab records what it started (default: REPO/.lab/state.json).")
  Path stateFile;

  public static void main(String[] args) {
    System.exit(
        new CommandLine(new Lab())
            .setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                  cmd.getErr().println("opspulse lab: " + e.getMessage());
                  return 1;
                })
            .execute(args));
  }

  LabConfig config(@Nullable String dockerHost) {
    LabConfig c = LabConfig.forRepo(repo, dockerHost, System.out);
    return stateFile == null ? c : c.withStateFile(stateFile);
  }

  @Override
  public Integer call() throws Exception {
    return new Start(this).call();
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Start the lab and watch alerts fire (the default).")
  static final class Start implements Callable<Integer> {
    @CommandLine.ParentCommand Lab parent;

    @Option(
        names = "--docker-host",
        description =
            "Watch this Docker engine instead of a private one; no lab containers are added.")
    String dockerHost;

    @Option(names = "--refresh", description = "Seconds between alert tables (default 10).")
    int refresh = 10;

    @Option(
        names = "--lab-jar",
        description =
            "The shaded lab jar the demo service runs from (default: REPO/lab/target/opspulse-lab.jar).")
    Path labJar;

    Start() {}

    Start(Lab parent) {
      this.parent = parent;
    }

    @Override
    public Integer call() throws Exception {
      LabConfig base = parent.config(dockerHost);
      LabConfig config = labJar == null ? base : base.withLabJar(labJar);
      RunningLab lab = RunningLab.start(config);
      java.util.concurrent.atomic.AtomicBoolean stopping =
          new java.util.concurrent.atomic.AtomicBoolean();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    stopping.set(true);
                    lab.close();
                  },
                  "opspulse-lab-stop"));
      System.out.println();
      System.out.println("The lab is up. Everything listens on 127.0.0.1:");
      lab.state().urls().forEach((what, url) -> System.out.printf("  %-22s %s%n", what, url));
      System.out.printf("  %-22s %s%n", "alerts (API)", lab.prometheus().url() + "/api/v1/alerts");
      System.out.printf(
          "  %-22s %s%n", "docker", "DOCKER_HOST=" + lab.dockerHost() + " docker ps -a");
      System.out.printf("  %-22s %s%n", "logs", lab.workDir());
      System.out.println(
          "GPU metrics are SIMULATED (gpu-probe's NVML stand-in); everything else is real.");
      System.out.println(
          "Alerts fire within about 1-3 minutes (the lab cuts every 'for:' to "
              + LabRules.LAB_FOR
              + "). Ctrl-C or ./opspulse stop removes everything.");
      Set<String> expected =
          Incidents.all().keySet().stream()
              .filter(a -> config.privateDaemon() || !Incidents.needsLabContainers(a))
              .collect(Collectors.toCollection(java.util.TreeSet::new));
      long started = System.nanoTime();
      boolean reported = false;
      while (true) {
        Thread.sleep(Duration.ofSeconds(refresh).toMillis());
        List<Alert> alerts;
        try {
          alerts = lab.prometheus().alerts();
        } catch (RuntimeException e) {
          if (stopping.get()) {
            return 0;
          }
          System.out.println("(Prometheus did not answer: " + e.getMessage() + ")");
          continue;
        }
        System.out.printf(
            "%n=== alerts after %ds (from %s/api/v1/alerts) ===%n",
            Duration.ofNanos(System.nanoTime() - started).toSeconds(), lab.prometheus().url());
        System.out.print(AlertBoard.render(alerts, expected));
        try {
          System.out.print(AlertBoard.routing(lab.alertmanager().api("/api/v2/alerts/groups")));
        } catch (RuntimeException e) {
          System.out.println("(Alertmanager did not answer: " + e.getMessage() + ")");
        }
        if (!reported && Duration.ofNanos(System.nanoTime() - started).toSeconds() >= 30) {
          reported = true;
          System.out.println(
              "\n=== java -jar exporter/target/opspulse-exporter.jar report (against the lab) ===");
          try {
            System.out.print(lab.report());
          } catch (RuntimeException e) {
            System.out.println("report failed: " + e.getMessage());
          }
        }
      }
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = "Stop everything a running lab started.")
  static final class Stop implements Callable<Integer> {
    @CommandLine.ParentCommand Lab parent;

    @Override
    public Integer call() {
      LabConfig config = parent.config(null);
      var data = LabState.read(config.stateFile());
      if (data.isEmpty()) {
        System.out.println("no lab is running (no " + config.stateFile() + ")");
        return 0;
      }
      Teardown.fromState(data.get(), System.out);
      new LabState(config.stateFile()).delete();
      System.out.println("[stop] the lab is stopped; nothing of it is running");
      return 0;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Say what a running lab has started.")
  static final class Status implements Callable<Integer> {
    @CommandLine.ParentCommand Lab parent;

    @Override
    public Integer call() {
      LabConfig config = parent.config(null);
      var data = LabState.read(config.stateFile());
      if (data.isEmpty()) {
        System.out.println("no lab is running");
        return 1;
      }
      var d = data.get();
      System.out.println(
          "lab pid "
              + d.labPid()
              + (ProcessHandle.of(d.labPid()).isPresent() ? " (running)" : " (gone)"));
      d.processes()
          .forEach(
              p ->
                  System.out.printf(
                      "  %-14s pid %-8d %s%n",
                      p.label(), p.pid(), Reaper.find(p).isPresent() ? "running" : "gone"));
      d.urls().forEach((what, url) -> System.out.printf("  %-22s %s%n", what, url));
      return 0;
    }
  }
}
