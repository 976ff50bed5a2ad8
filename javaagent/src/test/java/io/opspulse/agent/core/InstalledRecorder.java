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
 * The agent's {@link AgentRecorder} installed in {@link Hooks} and bound to OpenTelemetry's
 * Prometheus reader, as {@link AgentWiring} binds it: what the hooks record is read back as the
 * {@code /metrics} text a scrape gets. Closing uninstalls it.
 */
final class InstalledRecorder implements AutoCloseable {
  static final String CLIENT_DURATION = "http_client_request_duration_seconds";

  private final PrometheusMetricReader reader =
      PrometheusMetricReader.builder().setOtelScopeLabelsEnabled(false).build();
  private final SdkMeterProvider provider =
      SdkMeterProvider.builder()
          .setExemplarFilter(ExemplarFilter.alwaysOff())
          .registerMetricReader(reader)
          .build();
  final AgentErrors errors = new AgentErrors();

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
