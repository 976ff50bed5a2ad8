package io.opspulse.agent.core;

import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.metrics.ExemplarFilter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opspulse.agent.bootstrap.Hooks;
import io.opspulse.testkit.exposition.Exposition;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The agent's {@link AgentRecorder}, bound to a metrics SDK and installed in {@link Hooks} as the
 * agent installs it, so that a test drives the hooks with a library's real objects and reads back
 * the {@code /metrics} text they led to.
 */
final class InstalledRecorder implements AutoCloseable {
  static final String HTTP_SERVER = "http_server_request_duration_seconds";
  static final String CLIENT_DURATION = "http_client_request_duration_seconds";

  final AgentErrors errors = new AgentErrors();
  private final PrometheusMetricReader reader =
      PrometheusMetricReader.builder().setOtelScopeLabelsEnabled(false).build();
  private final SdkMeterProvider provider =
      SdkMeterProvider.builder()
          .setExemplarFilter(ExemplarFilter.alwaysOff())
          .registerMetricReader(reader)
          .build();

  InstalledRecorder() {
    AgentConfig config =
        new ConfigResolver("", Map.of("java.io.tmpdir", "/tmp"), Map.of()).resolve();
    AgentRecorder recorder =
        new AgentRecorder(
            config.maxRoutes(),
            errors,
            new ExecutorRegistry(),
            new ConnectionPools(),
            new DevMode(List.of(), Map.of(), className -> false));
    recorder.bind(provider.get(Telemetry.SCOPE), config.histogramBuckets());
    Hooks.install(recorder);
  }

  /** The metrics recorded so far, as a scrape would see them. */
  Exposition scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, reader.collect());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Exposition.parse(out.toString(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    Hooks.install(null);
    provider.close();
  }
}
