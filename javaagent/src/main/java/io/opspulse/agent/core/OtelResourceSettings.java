package io.opspulse.agent.core;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * OpenTelemetry's own resource settings, honoured so that a service configured for OpenTelemetry
 * needs no second name: {@code OTEL_SERVICE_NAME} and {@code OTEL_RESOURCE_ATTRIBUTES} (or the
 * system properties {@code otel.service.name} and {@code otel.resource.attributes}, which win over
 * the variables, as in OpenTelemetry's SDK autoconfiguration).
 *
 * <p>{@code service.name}: the agent's own setting ({@code service.name} argument, {@code
 * -Dopspulse.service.name}, {@code OPSPULSE_SERVICE_NAME}) first, as the more specific; then {@code
 * otel.service.name}; then a {@code service.name} in the resource attributes; then the main class
 * or jar.
 *
 * <p>The attributes follow the specification's format ({@code key=value,key2=value2}, values
 * percent-encoded). An invalid list is discarded whole and logged, as the specification says; it
 * never stops the agent, since the variable may be set for another OpenTelemetry SDK in the same
 * environment.
 */
record OtelResourceSettings(@Nullable String serviceName, Map<String, String> attributes) {
  static final String SERVICE_NAME = "service.name";

  OtelResourceSettings {
    attributes = Map.copyOf(attributes);
  }

  static OtelResourceSettings from(Map<String, String> systemProperties, Map<String, String> env) {
    String list =
        systemProperties.containsKey("otel.resource.attributes")
            ? systemProperties.get("otel.resource.attributes")
            : env.get("OTEL_RESOURCE_ATTRIBUTES");
    String source =
        systemProperties.containsKey("otel.resource.attributes")
            ? "-Dotel.resource.attributes"
            : "OTEL_RESOURCE_ATTRIBUTES";
    Map<String, String> attributes = parse(list, source);
    String name =
        systemProperties.containsKey("otel.service.name")
            ? systemProperties.get("otel.service.name")
            : env.get("OTEL_SERVICE_NAME");
    if (name == null || name.isBlank()) {
      name = attributes.get(SERVICE_NAME);
    }
    attributes.remove(SERVICE_NAME);
    return new OtelResourceSettings(
        name == null || name.isBlank() ? null : name.trim(), attributes);
  }

  /**
   * The attributes of a {@code key=value,...} list; empty, and logged, when any entry is invalid.
   */
  static Map<String, String> parse(@Nullable String list, String source) {
    Map<String, String> out = new LinkedHashMap<>();
    if (list == null || list.isBlank()) {
      return out;
    }
    for (String entry : list.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String key = eq < 0 ? "" : entry.substring(0, eq).trim();
      if (key.isEmpty()) {
        return discard(source, "'" + entry.trim() + "' is not key=value");
      }
      String value;
      try {
        value =
            URLDecoder.decode(
                entry.substring(eq + 1).trim().replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return discard(
            source, "the value of " + key + " is not percent-encoded (" + e.getMessage() + ")");
      }
      out.put(key, value);
    }
    return out;
  }

  private static Map<String, String> discard(String source, String why) {
    AgentLog.warnOnce(
        "otel-resource-attributes",
        source
            + ": "
            + why
            + "; the resource attributes are ignored, as the OpenTelemetry specification says",
        null);
    return new LinkedHashMap<>();
  }
}
