package io.opspulse.agent.core;

import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opspulse.webconfig.BoundedExecutor;
import io.opspulse.webconfig.NotFoundHandler;
import io.opspulse.webconfig.WebConfig;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The agent's Prometheus endpoint when {@code web.config.file} is set: the exporter's web-config
 * (TLS, client certificates, bcrypt basic auth, rate limit, response headers) in front of the same
 * metrics.
 *
 * <p>Why client_java's {@link HTTPServer} around OpenTelemetry's {@link PrometheusMetricReader},
 * rather than {@code PrometheusHttpServer}: the latter is exactly this pair (same reader, same
 * server, same {@code MetricsHandler}, so the same text, OpenMetrics and protobuf negotiation), but
 * its builder has no way to pass an {@code HttpsConfigurator}; {@code HTTPServer.Builder} takes
 * both halves of a {@link WebConfig}, as the exporter's own server does. Only {@code /metrics} is
 * served; {@code /} and anything else answer 404 (no health or landing page to probe), all behind
 * the authenticator.
 *
 * <p>Loaded only when the setting is present (from {@link Telemetry}, through a static call that
 * returns the {@link MetricReader} interface), so the default start loads no webconfig, TLS or
 * bcrypt class.
 *
 * <p>Fails closed: a file that cannot be used, or a server that cannot start, leaves the agent
 * without an endpoint, logs the file and what is wrong, and counts a {@code prometheus-endpoint}
 * error. It never falls back to serving the metrics unprotected.
 */
final class WebConfigEndpoint implements MetricReader {
  static final String COMPONENT = "prometheus-endpoint";

  /**
   * Scrapes served at once, and waiting beyond those; more are refused at once (the JDK server
   * drops the connection). Two workers, so one slow TLS client cannot starve Prometheus. The reader
   * keeps the SDK's immutable-data memory mode for the same reason: reusable data would allow one
   * collection at a time.
   */
  static final int MAX_CONCURRENT_SCRAPES = 2;

  static final int QUEUED_SCRAPES = 2;

  private final PrometheusMetricReader reader;
  private final PrometheusRegistry registry;
  private final HTTPServer server;

  private WebConfigEndpoint(
      PrometheusMetricReader reader, PrometheusRegistry registry, HTTPServer server) {
    this.reader = reader;
    this.registry = registry;
    this.server = server;
  }

  /**
   * The protected endpoint, serving; or null when the web-config file or the server failed (logged
   * with the file, and counted).
   *
   * <p>Timeouts are the JDK server's: client_java's HTTPServer sets {@code
   * sun.net.httpserver.maxReqTime} to 60 s and {@code maxRspTime} to 600 s unless the application
   * already chose (those properties are JVM-wide; the agent must not change its host's servers),
   * and idle connections close after the JDK's 30 s {@code idleInterval}. A stalled client holds
   * one of the bounded workers at most that long.
   */
  static @Nullable MetricReader start(AgentConfig config, AgentErrors errors) {
    Path file =
        Objects.requireNonNull(
            config.webConfigFile(), "started only when web.config.file is set (Telemetry checks)");
    WebConfig web;
    try {
      // Reads and checks everything (certificate, key, CA, users) now, so a bad file fails here.
      web = WebConfig.load(file);
    } catch (RuntimeException e) {
      return refuse(errors, e, e.getMessage() + " (web.config.file)");
    }
    PrometheusMetricReader reader =
        PrometheusMetricReader.builder().setOtelScopeLabelsEnabled(false).build();
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(reader);
    BoundedExecutor workers =
        BoundedExecutor.create(MAX_CONCURRENT_SCRAPES, QUEUED_SCRAPES, "opspulse-agent-metrics");
    HTTPServer.Builder builder =
        HTTPServer.builder()
            .hostname(config.prometheusHost())
            .port(config.prometheusPort())
            .registry(registry)
            .executorService(workers)
            .defaultHandler(new NotFoundHandler())
            .registerHealthHandler(false);
    web.httpsConfigurator().ifPresent(builder::httpsConfigurator);
    web.authenticator().ifPresent(builder::authenticator);
    try {
      HTTPServer server = builder.buildAndStart();
      AgentLog.info(
          "serving /metrics on "
              + config.prometheusHost()
              + ":"
              + server.getPort()
              + " over "
              + web.scheme()
              + " ("
              + web.describe()
              + ")");
      return new WebConfigEndpoint(reader, registry, server);
    } catch (IOException | RuntimeException e) {
      registry.unregister(reader);
      workers.shutdownNow();
      return refuse(
          errors,
          e,
          "cannot serve on "
              + config.prometheusHost()
              + ":"
              + config.prometheusPort()
              + " with "
              + file
              + ": "
              + e.getMessage());
    }
  }

  private static @Nullable MetricReader refuse(AgentErrors errors, Exception e, String why) {
    errors.record(COMPONENT, e);
    AgentLog.info(
        "no Prometheus endpoint: "
            + why
            + "; the metrics are not served unprotected, and the"
            + " application runs on");
    return null;
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return reader.getAggregationTemporality(instrumentType);
  }

  @Override
  public void register(CollectionRegistration registration) {
    reader.register(registration);
  }

  @Override
  public CompletableResultCode forceFlush() {
    return reader.forceFlush();
  }

  @Override
  public CompletableResultCode shutdown() {
    registry.unregister(reader);
    server.close();
    return reader.shutdown();
  }

  @Override
  public String toString() {
    return "WebConfigEndpoint{port=" + server.getPort() + "}";
  }
}
