package io.opspulse.exporter;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
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

/**
 * The running exporter: follows the engine, samples cgroups on their own schedule, serves
 * {@code /metrics} from memory. {@link #start} returns once the HTTP endpoint is up; the engine may
 * still be unreachable then ({@code docker_up 0}), and the exporter keeps trying.
 */
public final class Exporter implements Closeable {
  private static final Logger LOG = Logger.getLogger(Exporter.class.getName());

  private final ExporterConfig config;
  private final EngineClient engine;
  private final FleetModel model = new FleetModel();
  private final SelfStats stats = new SelfStats();
  private final ComposeReconciler compose;
  private final OriginClassifier origins;
  private final FleetSync sync;
  private final CgroupReader cgroups;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "opspulse-cgroup-sampler");
    t.setDaemon(true);
    return t;
  });
  private HTTPServer server;

  public Exporter(ExporterConfig config) {
    this.config = config;
    this.engine = new EngineClient(DockerEndpoint.parse(config.dockerHost()), config.engineTimeout());
    this.compose = new ComposeReconciler(config.composeFiles(), config.composeProfiles());
    this.origins = new OriginClassifier(config.deprecatedImages(), config.deprecatedNames());
    this.sync = new FleetSync(engine, model, compose, stats, config.resyncPeriod(), java.time.Duration.ofSeconds(30));
    this.cgroups = new CgroupReader(config.procRoot(), config.cgroupRoot());
    registry.register(new FleetCollector(model, this::view, stats, config.maxContainers(), config.labelAllowList()));
  }

  /** The registry the endpoint serves; other collectors (the GPU probe) register here too. */
  public PrometheusRegistry registry() {
    return registry;
  }

  FleetView view() {
    return model.view(compose.state(), origins);
  }

  public Exporter start() throws IOException {
    sync.start();
    long interval = config.cgroupInterval().toMillis();
    sampler.scheduleWithFixedDelay(this::sampleCgroups, 0, interval, TimeUnit.MILLISECONDS);
    InetSocketAddress address = listenAddress(config.listenAddress());
    HTTPServer.Builder b = HTTPServer.builder().registry(registry).port(address.getPort())
        .metricsHandlerPath(config.telemetryPath());
    if (address.getHostString() != null && !address.getHostString().isEmpty() && !address.getHostString().equals("0.0.0.0")) {
      b.hostname(address.getHostString());
    }
    server = b.buildAndStart();
    LOG.info("serving " + config.telemetryPath() + " on port " + server.getPort() + ", following " + engine.endpoint());
    return this;
  }

  public int port() {
    return server.getPort();
  }

  private void sampleCgroups() {
    try {
      Map<String, Long> pids = model.runningPids();
      Map<String, ContainerUsage> usage = new HashMap<>(pids.size());
      pids.forEach((id, pid) -> usage.put(id, cgroups.read(pid)));
      cgroups.retainPids(pids.values());
      model.updateUsage(usage);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cgroup sampling failed", e);
    }
  }

  /** Exporter-toolkit style: ":9838", "127.0.0.1:9838", "[::1]:9838". */
  static InetSocketAddress listenAddress(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("listen address '" + text + "' needs a port, like :" + ExporterConfig.DEFAULT_PORT);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("listen address '" + text + "': '" + text.substring(colon + 1) + "' is not a port");
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    sampler.shutdownNow();
    sync.close();
    engine.close();
  }

  /** One list+inspect and compose read, without serving: what {@code report} runs on. */
  static FleetView snapshotOnce(ExporterConfig config) throws EngineException {
    try (Exporter e = new Exporter(config)) {
      e.sync.resync("start");
      e.sampleCgroups();
      return e.view();
    }
  }
}
