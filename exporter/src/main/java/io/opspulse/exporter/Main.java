package io.opspulse.exporter;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code java -jar opspulse-exporter.jar [serve|report] [options]}. */
@Command(
    name = "opspulse-exporter",
    mixinStandardHelpOptions = true,
    version = "opspulse-exporter 0.1.0",
    description =
        "Prometheus exporter for a Docker host: fleet, sprawl against compose files, crash loops, health, limits.",
    subcommands = {Main.Serve.class, Main.ReportCommand.class})
public final class Main implements Callable<Integer> {
  @Mixin Options options = new Options();

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    // `gpu`: the NVML table, with each process's container named from one list+inspect of the
    // engine.
    cli.addSubcommand("gpu", new io.opspulse.gpu.GpuCommand(new FleetDirectory()));
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof ConfigFileException || e instanceof IllegalArgumentException) {
            cmd.getErr().println("opspulse-exporter: " + e.getMessage());
            return 2;
          }
          throw e;
        });
    return cli.execute(args);
  }

  /** With no subcommand, serve. */
  @Override
  public Integer call() throws Exception {
    return new Serve(options).call();
  }

  /** Options every command takes; flags win over the file, the file over defaults. */
  static final class Options {
    @Option(names = "--config.file", description = "YAML configuration file.")
    @Nullable Path configFile;

    @Option(
        names = "--docker.host",
        description = "Docker engine (default: $DOCKER_HOST, else unix:///var/run/docker.sock).")
    @Nullable String dockerHost;

    @Option(
        names = "--web.listen-address",
        description = "Address to serve on (default :${sys:opspulse.port:-9838}).")
    @Nullable String listenAddress;

    @Option(names = "--web.telemetry-path", description = "Path of the metrics (default /metrics).")
    @Nullable String telemetryPath;

    @Option(
        names = "--compose.file",
        description = "Compose file or folder with the declared state (repeatable).")
    List<Path> composeFiles = new ArrayList<>();

    @Option(names = "--compose.profile", description = "Active compose profile (repeatable).")
    List<String> profiles = new ArrayList<>();

    @Option(
        names = "--compose.retention",
        description =
            "How long a compose project with no container and no configured file is remembered (default 1h).")
    @Nullable String composeRetention;

    @Option(
        names = "--deprecated.image",
        description = "Image glob marking a container deprecated (repeatable).")
    List<String> deprecatedImages = new ArrayList<>();

    @Option(
        names = "--deprecated.name",
        description = "Name glob marking a container deprecated (repeatable).")
    List<String> deprecatedNames = new ArrayList<>();

    @Option(
        names = "--label.allow",
        description = "Docker label copied onto docker_container_info (repeatable).")
    List<String> allowLabels = new ArrayList<>();

    @Option(
        names = "--limits.max-containers",
        description = "Cap on containers with per-container series.")
    @Nullable Integer maxContainers;

    @Option(names = "--resync.period", description = "Full resync period (default 60s).")
    @Nullable String resyncPeriod;

    @Option(names = "--cgroup.interval", description = "cgroup sampling interval (default 5s).")
    @Nullable String cgroupInterval;

    @Option(
        names = "--docker.cert-path",
        description = "TLS folder for tcp:// (default: $DOCKER_CERT_PATH).")
    @Nullable Path dockerCertPath;

    @Option(
        names = "--docker.tls-verify",
        arity = "1",
        description = "Verify the engine's certificate (default: $DOCKER_TLS_VERIFY set).")
    @Nullable Boolean dockerTlsVerify;

    @Option(
        names = "--web.config.file",
        description = "exporter-toolkit web-config file: TLS, basic auth.")
    @Nullable Path webConfigFile;

    @Option(
        names = "--gpu.enabled",
        arity = "1",
        description = "Poll NVML for GPU metrics (default true).")
    @Nullable Boolean gpuEnabled;

    @Option(names = "--gpu.interval", description = "NVML poll interval (default 5s).")
    @Nullable String gpuInterval;

    ExporterConfig resolve() throws ConfigFileException {
      ExporterConfig.Builder b = ExporterConfig.builder();
      String envHost = System.getenv("DOCKER_HOST");
      if (envHost != null && !envHost.isBlank()) {
        b.dockerHost(envHost);
      }
      String envCerts = System.getenv("DOCKER_CERT_PATH");
      if (envCerts != null && !envCerts.isBlank()) {
        b.dockerCertPath(Path.of(envCerts));
      }
      String envVerify = System.getenv("DOCKER_TLS_VERIFY");
      b.dockerTlsVerify(envVerify != null && !envVerify.isBlank() && !envVerify.equals("0"));
      if (configFile != null) {
        ConfigFile.apply(configFile, b);
      }
      if (dockerCertPath != null) {
        b.dockerCertPath(dockerCertPath);
      }
      if (dockerTlsVerify != null) {
        b.dockerTlsVerify(dockerTlsVerify);
      }
      if (dockerHost != null) {
        b.dockerHost(dockerHost);
      }
      if (listenAddress != null) {
        Exporter.listenAddress(listenAddress);
        b.listenAddress(listenAddress);
      }
      if (telemetryPath != null) {
        b.telemetryPath(telemetryPath);
      }
      composeFiles.forEach(b::composeFile);
      profiles.forEach(b::composeProfile);
      deprecatedImages.forEach(b::deprecatedImage);
      deprecatedNames.forEach(b::deprecatedName);
      allowLabels.forEach(b::allowLabel);
      if (composeRetention != null) {
        b.composeRetention(ConfigFile.parseDuration(composeRetention));
      }
      if (maxContainers != null) {
        b.maxContainers(maxContainers);
      }
      if (resyncPeriod != null) {
        b.resyncPeriod(ConfigFile.parseDuration(resyncPeriod));
      }
      if (cgroupInterval != null) {
        b.cgroupInterval(ConfigFile.parseDuration(cgroupInterval));
      }
      if (webConfigFile != null) {
        b.webConfigFile(webConfigFile);
      }
      if (gpuEnabled != null) {
        b.gpuEnabled(gpuEnabled);
      }
      if (gpuInterval != null) {
        b.gpuInterval(ConfigFile.parseDuration(gpuInterval));
      }
      ExporterConfig config = b.build();
      if (config.webConfigFile() != null) {
        io.opspulse.webconfig.WebConfig.load(
            config.webConfigFile()); // a bad file exits 2 before anything starts
      }
      return config;
    }
  }

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = "Serve metrics (the default).")
  static final class Serve implements Callable<Integer> {
    @Mixin Options options;

    Serve() {
      this(new Options());
    }

    Serve(Options options) {
      this.options = options;
    }

    @Override
    public Integer call() throws Exception {
      ExporterConfig config = options.resolve();
      Exporter exporter = new Exporter(config).start();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    exporter.close();
                    stop.countDown();
                  },
                  "opspulse-shutdown"));
      stop.await();
      return 0;
    }
  }

  @Command(
      name = "report",
      mixinStandardHelpOptions = true,
      description =
          "Print a one-shot diagnosis of the Docker host: sprawl, crash loops, health, limits.")
  static final class ReportCommand implements Callable<Integer> {
    @Mixin Options options;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      ExporterConfig config = options.resolve();
      FleetView view;
      try {
        view = Exporter.snapshotOnce(config);
      } catch (EngineException e) {
        System.err.println("opspulse-exporter: cannot reach the Docker engine: " + e.getMessage());
        return 1;
      }
      Report report = new Report(view, Instant.now());
      System.out.print(json ? report.json() : report.text());
      return 0;
    }
  }
}
