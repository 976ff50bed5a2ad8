package io.opspulse.agent.core;

import io.opspulse.profiler.ProfileEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The agent's settings, resolved once at start by {@link ConfigResolver}.
 *
 * @param serviceName the {@code service.name} resource attribute and the state file's name
 * @param prometheusHost address the Prometheus endpoint binds
 * @param prometheusPort its port, or {@link #OFF} for no endpoint
 * @param otlpEndpoint OTLP/HTTP metrics endpoint, or null for none
 * @param otlpInterval seconds between OTLP exports
 * @param instrument which instrumentations run (names from {@link Instrumentation})
 * @param stateDir directory of the per-service start history
 * @param maxRoutes distinct {@code http.route} values before the rest count as {@code other}
 * @param profiler the continuous profiler's settings
 * @param webConfigFile an exporter-toolkit web-config file protecting the Prometheus endpoint (TLS,
 *     client certificates, basic auth, rate limit, headers), or null to serve it as OpenTelemetry
 *     does
 * @param resourceAttributes resource attributes beside {@code service.name}, from OpenTelemetry's
 *     {@code OTEL_RESOURCE_ATTRIBUTES} (see {@link OtelResourceSettings})
 * @param histogramBuckets the latency histograms' bucket boundaries
 */
public record AgentConfig(
    String serviceName,
    String prometheusHost,
    int prometheusPort,
    @Nullable String otlpEndpoint,
    int otlpInterval,
    Set<Instrumentation> instrument,
    Path stateDir,
    int maxRoutes,
    Profiler profiler,
    @Nullable Path webConfigFile,
    Map<String, String> resourceAttributes,
    Buckets histogramBuckets) {

  public static final int OFF = -1;

  public AgentConfig {
    instrument = Set.copyOf(instrument);
    resourceAttributes = Map.copyOf(resourceAttributes);
  }

  /** Bucket boundaries of the latency histograms ({@code histogram.buckets}). */
  public enum Buckets {
    /** From 100 µs to 10 s, every boundary the semantic conventions advise included. */
    DEFAULT,
    /** Exactly the boundaries the semantic conventions advise for each metric that has advice. */
    SEMCONV
  }

  public boolean enabled(Instrumentation what) {
    return instrument.contains(what);
  }

  /**
   * The continuous profiler's settings.
   *
   * @param on whether the profiler starts with the agent
   * @param events what it records
   * @param period the CPU sampling period
   * @param host address its debug endpoint binds (loopback by default: profiles reveal code
   *     structure)
   * @param port the debug endpoint's port, or {@link #OFF} for none (the metrics are published
   *     anyway)
   */
  public record Profiler(
      boolean on, Set<ProfileEvent> events, Duration period, String host, int port) {
    public Profiler {
      events = Set.copyOf(events);
    }
  }

  /** The instrumentations, by the names the {@code instrument} setting uses. */
  public enum Instrumentation {
    RUNTIME("runtime"),
    HTTP_SERVER("http-server"),
    SERVLET("servlet"),
    WEBFLUX("webflux"),
    HTTP_CLIENT("http-client"),
    EXECUTOR("executor"),
    JDBC("jdbc"),
    HIKARI("hikari"),
    CONNECTION_POOL("connection-pool"),
    DEV_MODE("dev-mode");

    private final String key;

    Instrumentation(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }
  }
}
