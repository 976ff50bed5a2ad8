package io.opspulse.exporter;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import io.opspulse.gpu.ContainerDirectory;
import io.opspulse.gpu.ContainerRef;
import io.opspulse.gpu.GpuCollector;
import io.opspulse.webconfig.BoundedExecutor;
import io.opspulse.webconfig.WebConfig;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The running exporter: follows the engine, samples cgroups on their own schedule, serves {@code
 * /metrics} from memory. {@link #start} returns once the HTTP endpoint is up; the engine may still
 * be unreachable then ({@code docker_up 0}), and the exporter keeps trying.
 */
public final class Exporter implements Closeable {
  private static final Logger LOG = Logger.getLogger(Exporter.class.getName());

  /** How often the engine is asked whether it is still there, beside the event stream. */
  static final java.time.Duration PING_INTERVAL = java.time.Duration.ofSeconds(5);

  private final ExporterConfig config;
  private final EngineClient engine;
  private final FleetModel model = new FleetModel();
  private final SelfStats stats = new SelfStats();
  private final ComposeReconciler compose;
  private final OriginClassifier origins;
  private final FleetSync sync;
  private final CgroupReader cgroups;
  private final FleetCollector collector;
  private final MetricsEndpoint endpoint;
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "opspulse-cgroup-sampler");
            t.setDaemon(true);
            return t;
          });
  private final WebConfig web;
  private @Nullable HttpServer server;
  private java.util.concurrent.@Nullable ExecutorService serverThreads;
  private @Nullable GpuCollector gpu;

  public Exporter(ExporterConfig config) {
    this.config = config;
    DockerEndpoint docker = DockerEndpoint.parse(config.dockerHost());
    // Docker's convention: DOCKER_CERT_PATH means TLS on tcp://; DOCKER_TLS_VERIFY also checks the
    // server.
    javax.net.ssl.SSLContext tls =
        !docker.isUnix() && config.dockerCertPath() != null
            ? io.opspulse.webconfig.ClientTls.fromDockerCertPath(
                config.dockerCertPath(), config.dockerTlsVerify())
            : null;
    this.engine = new EngineClient(docker, config.engineTimeout(), tls);
    this.compose =
        new ComposeReconciler(
            config.composeFiles(),
            config.composeProfiles(),
            new ProjectRetention(config.composeRetention(), java.time.Clock.systemUTC()),
            System.getenv());
    this.origins = new OriginClassifier(config.deprecatedImages(), config.deprecatedNames());
    this.sync =
        new FleetSync(
            engine,
            model,
            compose,
            stats,
            config.resyncPeriod(),
            java.time.Duration.ofSeconds(30),
            PING_INTERVAL);
    this.cgroups = new CgroupReader(config.procRoot(), config.cgroupRoot());
    this.collector =
        new FleetCollector(
            model, this::view, stats, config.maxContainers(), config.labelAllowList());
    this.endpoint = new MetricsEndpoint(collector, collector::version);
    // Loaded (and checked: certificate, key, users) before anything starts, so a bad file fails
    // fast.
    this.web =
        config.webConfigFile() == null ? WebConfig.none() : WebConfig.load(config.webConfigFile());
  }

  /**
   * The fleet model as the GPU probe's directory: a GPU process's container id to its name and
   * service.
   */
  ContainerDirectory containerDirectory() {
    return fullId ->
        model
            .container(fullId)
            .map(c -> new ContainerRef(c.shortId(), c.name(), c.composeService()));
  }

  /** Adds another collector (the GPU probe) to what the endpoint serves. */
  public void register(MultiCollector other) {
    endpoint.register(other);
  }

  FleetView view() {
    return model.view(compose.state(), origins);
  }

  public Exporter start() throws IOException {
    sync.start();
    long interval = config.cgroupInterval().toMillis();
    sampler.scheduleWithFixedDelay(this::sampleCgroups, 0, interval, TimeUnit.MILLISECONDS);
    InetSocketAddress unresolved = listenAddress(config.listenAddress());
    InetSocketAddress address =
        unresolved.getHostString().isEmpty()
            ? new InetSocketAddress(unresolved.getPort())
            : new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
    if (config.gpuEnabled()) {
      gpu =
          GpuCollector.builder()
              .procRoot(config.procRoot())
              .interval(config.gpuInterval())
              .containerDirectory(containerDirectory())
              .start();
      endpoint.register(gpu);
    }
    if (web.httpsConfigurator().isPresent()) {
      HttpsServer https = HttpsServer.create(address, 64);
      https.setHttpsConfigurator(web.httpsConfigurator().get());
      server = https;
    } else {
      server = HttpServer.create(address, 64);
    }
    // Scrapes are served from memory: a few threads suffice, and a bounded pool bounds concurrent
    // scrapes.
    serverThreads = BoundedExecutor.create(4);
    server.setExecutor(serverThreads);
    HttpContext metrics = server.createContext(config.telemetryPath(), endpoint);
    HttpContext landing = server.createContext("/", new LandingPage(config.telemetryPath()));
    web.authenticator()
        .ifPresent(
            a -> {
              metrics.setAuthenticator(a);
              landing.setAuthenticator(a);
            });
    server.start();
    LOG.info(
        "serving "
            + config.telemetryPath()
            + " on "
            + server.getAddress()
            + " ("
            + web.describe()
            + "), following "
            + engine.endpoint());
    return this;
  }

  public int port() {
    HttpServer s = server;
    if (s == null) {
      throw new IllegalStateException("the exporter is not serving yet");
    }
    return s.getAddress().getPort();
  }

  /** "http" or "https", as the web config decides. */
  public String scheme() {
    return web.scheme();
  }

  /** Reads the files here; the model takes the result on its writer, like every other change. */
  private void sampleCgroups() {
    try {
      Map<String, ContainerUsage> usage = readCgroups();
      sync.submit("cgroups", () -> model.updateUsage(usage));
    } catch (RuntimeException e) {
      stats.taskFailure("cgroups");
      LOG.log(Level.WARNING, "cgroup sampling failed", e);
    }
  }

  private Map<String, ContainerUsage> readCgroups() {
    Map<String, Long> pids = model.runningPids();
    Map<String, ContainerUsage> usage = new HashMap<>(pids.size());
    pids.forEach((id, pid) -> usage.put(id, cgroups.read(id, pid)));
    cgroups.retainPids(pids.values());
    return usage;
  }

  /** Exporter-toolkit style: ":9838", "127.0.0.1:9838", "[::1]:9838". */
  static InetSocketAddress listenAddress(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "listen address '" + text + "' needs a port, like :" + ExporterConfig.DEFAULT_PORT);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "listen address '" + text + "': '" + text.substring(colon + 1) + "' is not a port");
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    if (serverThreads != null) {
      serverThreads.shutdownNow();
    }
    sampler.shutdownNow();
    if (gpu != null) {
      gpu.close();
    }
    sync.close();
    engine.close();
  }

  /** One list+inspect and compose read, without serving: what {@code report} runs on. */
  static FleetView snapshotOnce(ExporterConfig config) throws EngineException {
    try (Exporter e = new Exporter(config)) {
      e.sync.resyncOnce();
      e.model.updateUsage(e.readCgroups());
      return e.view();
    }
  }
}
