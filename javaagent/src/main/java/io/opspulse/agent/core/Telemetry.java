package io.opspulse.agent.core;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.ExemplarFilter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opspulse.catalog.BuildInfo;
import org.jspecify.annotations.Nullable;

/**
 * The OpenTelemetry SDK the agent records into, private to the agent (never registered as the
 * global one), its Prometheus endpoint (OpenTelemetry's, or {@link WebConfigEndpoint} when a
 * web-config file protects it) and, when configured, its OTLP export. A taken port, a failing
 * exporter or a bad web-config file is counted and the agent runs on without that endpoint.
 */
final class Telemetry {
  static final String SCOPE = "io.opspulse.agent";

  private final OpenTelemetrySdk sdk;
  private final Meter meter;
  private final @Nullable MetricReader prometheus;

  private Telemetry(OpenTelemetrySdk sdk, @Nullable MetricReader prometheus) {
    this.sdk = sdk;
    this.prometheus = prometheus;
    this.meter =
        sdk.getMeterProvider().meterBuilder(SCOPE).setInstrumentationVersion(Version.get()).build();
  }

  static Telemetry start(AgentConfig config, AgentErrors errors) {
    SdkMeterProviderBuilder provider =
        SdkMeterProvider.builder()
            .setResource(resource(config))
            .setExemplarFilter(ExemplarFilter.alwaysOff());
    MetricReader prometheus = null;
    if (config.prometheusPort() != AgentConfig.OFF && config.webConfigFile() != null) {
      // Its own class, reached only here and typed as the interface: without the setting, no class
      // of
      // it, of the web-config, TLS or bcrypt is loaded.
      prometheus = WebConfigEndpoint.start(config, errors);
      if (prometheus != null) {
        provider.registerMetricReader(prometheus);
      }
    } else if (config.prometheusPort() != AgentConfig.OFF) {
      try {
        prometheus =
            PrometheusHttpServer.builder()
                .setHost(config.prometheusHost())
                .setPort(config.prometheusPort())
                .setOtelScopeLabelsEnabled(false)
                .build();
        provider.registerMetricReader(prometheus);
      } catch (RuntimeException e) {
        errors.record("prometheus-endpoint", e);
        AgentLog.info(
            "no Prometheus endpoint on "
                + config.prometheusHost()
                + ":"
                + config.prometheusPort()
                + " ("
                + e.getMessage()
                + "); the application runs on without it");
      }
    }
    if (config.otlpEndpoint() != null) {
      // The only mention of OtlpExport: with OTLP off, neither it nor the exporter is ever loaded.
      try {
        OtlpExport.register(provider, config, errors);
      } catch (RuntimeException | LinkageError e) {
        errors.record(OtlpExport.COMPONENT, e);
        AgentLog.info(
            "no OTLP export to "
                + config.otlpEndpoint()
                + " ("
                + e
                + "); the application runs on"
                + " without it");
      }
    }
    return new Telemetry(
        OpenTelemetrySdk.builder().setMeterProvider(provider.build()).build(), prometheus);
  }

  /**
   * The SDK's defaults, then OTEL_RESOURCE_ATTRIBUTES, then the resolved service.name (which
   * already weighed OTEL_SERVICE_NAME and a service.name among the attributes against the agent's
   * own setting).
   */
  static Resource resource(AgentConfig config) {
    io.opentelemetry.api.common.AttributesBuilder attributes = Attributes.builder();
    config.resourceAttributes().forEach(attributes::put);
    attributes.put(
        io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), config.serviceName());
    // Which build of the agent this is, in the semantic conventions' words (target_info on
    // /metrics).
    attributes.put(
        io.opentelemetry.api.common.AttributeKey.stringKey("telemetry.distro.name"),
        "opspulse-agent");
    attributes.put(
        io.opentelemetry.api.common.AttributeKey.stringKey("telemetry.distro.version"),
        BuildInfo.VERSION);
    attributes.put(
        io.opentelemetry.api.common.AttributeKey.stringKey("opspulse.agent.revision"),
        BuildInfo.REVISION);
    return Resource.getDefault().merge(Resource.create(attributes.build()));
  }

  Meter meter() {
    return meter;
  }

  OpenTelemetrySdk sdk() {
    return sdk;
  }

  boolean prometheusServing() {
    return prometheus != null;
  }

  void shutdown() {
    sdk.getSdkMeterProvider().close();
  }
}
