package io.opspulse.agent.core;

import java.nio.file.Path;
import java.util.Set;

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
 */
public record AgentConfig(
    String serviceName,
    String prometheusHost,
    int prometheusPort,
    String otlpEndpoint,
    int otlpInterval,
    Set<Instrumentation> instrument,
    Path stateDir,
    int maxRoutes) {

  public static final int OFF = -1;

  public AgentConfig {
    instrument = Set.copyOf(instrument);
  }

  public boolean enabled(Instrumentation what) {
    return instrument.contains(what);
  }

  /** The instrumentations, by the names the {@code instrument} setting uses. */
  public enum Instrumentation {
    RUNTIME("runtime"),
    HTTP_SERVER("http-server"),
    SERVLET("servlet"),
    HTTP_CLIENT("http-client"),
    EXECUTOR("executor"),
    JDBC("jdbc"),
    HIKARI("hikari"),
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
