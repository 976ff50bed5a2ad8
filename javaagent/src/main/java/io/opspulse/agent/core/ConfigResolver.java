package io.opspulse.agent.core;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import io.opspulse.profiler.ProfileEvent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Resolves {@link AgentConfig} from the agent argument ({@code key=value,...}), then {@code
 * -Dopspulse.KEY} system properties, then {@code OPSPULSE_KEY} environment variables, then
 * defaults: the first source that sets a key wins. A bad value is an error naming the key, the
 * source and what was expected.
 */
public final class ConfigResolver {
  /** Every key, with its default; README's configuration table lists the same. */
  public static final Map<String, String> DEFAULTS;

  static {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("service.name", "");
    d.put("prometheus.host", "0.0.0.0");
    d.put("prometheus.port", "9464");
    d.put("otlp.endpoint", "off");
    d.put("otlp.interval", "60");
    d.put("instrument", "all");
    d.put("state.dir", "");
    d.put("routes.max", "100");
    d.put("profiler", "off");
    d.put("profiler.events", "cpu");
    d.put("profiler.period", "20ms");
    d.put("profiler.host", "127.0.0.1");
    d.put("profiler.port", "off");
    d.put("web.config.file", "");
    d.put("histogram.buckets", "default");
    DEFAULTS = Map.copyOf(d);
  }

  /** Short names accepted in the agent argument. */
  private static final Map<String, String> ALIASES =
      Map.of("port", "prometheus.port", "host", "prometheus.host", "service", "service.name");

  private final Map<String, String> args;
  private final Map<String, String> systemProperties;
  private final Map<String, String> env;

  ConfigResolver(String agentArgs, Map<String, String> systemProperties, Map<String, String> env) {
    this.args = parseArgs(agentArgs);
    this.systemProperties = systemProperties;
    this.env = env;
  }

  public static AgentConfig resolve(String agentArgs) {
    Map<String, String> props = new LinkedHashMap<>();
    System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
    return new ConfigResolver(agentArgs, props, System.getenv()).resolve();
  }

  AgentConfig resolve() {
    OtelResourceSettings otel = OtelResourceSettings.from(systemProperties, env);
    String service = value("service.name").text();
    if (service.isBlank() && otel.serviceName() != null) {
      service = otel.serviceName();
    }
    if (service.isBlank()) {
      service = defaultServiceName(systemProperties.getOrDefault("sun.java.command", ""));
    }
    Value stateDir = value("state.dir");
    Path state =
        stateDir.text().isBlank()
            ? Path.of(systemProperties.getOrDefault("java.io.tmpdir", "/tmp"), "opspulse-agent")
            : Path.of(stateDir.text());
    return new AgentConfig(
        service,
        value("prometheus.host").text(),
        port(value("prometheus.port")),
        otlpEndpoint(value("otlp.endpoint")),
        positive(value("otlp.interval")),
        instrumentations(value("instrument")),
        state,
        positive(value("routes.max")),
        profiler(),
        webConfigFile(value("web.config.file")),
        otel.attributes(),
        buckets(value("histogram.buckets")));
  }

  private static AgentConfig.Buckets buckets(Value v) {
    return switch (v.text().trim().toLowerCase(Locale.ROOT)) {
      case "default", "" -> AgentConfig.Buckets.DEFAULT;
      case "semconv" -> AgentConfig.Buckets.SEMCONV;
      default ->
          throw v.invalid(
              "default (100 µs to 10 s, the advised boundaries included) or semconv (exactly"
                  + " the boundaries OpenTelemetry's semantic conventions advise)");
    };
  }

  /**
   * Only the name is checked here: the file itself is read when the endpoint starts, so that a bad
   * one costs the endpoint (never served unprotected) but not the agent's other work.
   */
  private static @Nullable Path webConfigFile(Value v) {
    String text = v.text().trim();
    if (isOff(text)) {
      return null;
    }
    try {
      return Path.of(text);
    } catch (java.nio.file.InvalidPathException e) {
      throw v.invalid("a web-config file name, or off (" + e.getReason() + ")");
    }
  }

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s)");
  private static final Duration MIN_PERIOD = Duration.ofMillis(1);
  private static final Duration MAX_PERIOD = Duration.ofSeconds(10);

  private AgentConfig.Profiler profiler() {
    Value on = value("profiler");
    String onText = on.text().trim().toLowerCase(Locale.ROOT);
    boolean enabled;
    if (onText.equals("on") || onText.equals("true")) {
      enabled = true;
    } else if (isOff(onText)) {
      enabled = false;
    } else {
      throw on.invalid("on or off");
    }
    Value events = value("profiler.events");
    Set<ProfileEvent> chosen = EnumSet.noneOf(ProfileEvent.class);
    for (String raw : events.text().split("[;+ ]|,")) {
      if (raw.isBlank()) {
        continue;
      }
      try {
        chosen.add(ProfileEvent.parse(raw));
      } catch (IllegalArgumentException e) {
        throw events.invalid("cpu, alloc or lock, separated by ';' (',' in env/properties)");
      }
    }
    if (chosen.isEmpty()) {
      throw events.invalid("at least one of cpu, alloc, lock");
    }
    Value period = value("profiler.period");
    Matcher m = DURATION.matcher(period.text().trim().toLowerCase(Locale.ROOT));
    Duration d = null;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = m.group(2).equals("ms") ? Duration.ofMillis(n) : Duration.ofSeconds(n);
    }
    if (d == null || d.compareTo(MIN_PERIOD) < 0 || d.compareTo(MAX_PERIOD) > 0) {
      throw period.invalid("a period from 1ms to 10s, like 20ms or 1s");
    }
    return new AgentConfig.Profiler(
        enabled, chosen, d, value("profiler.host").text().trim(), port(value("profiler.port")));
  }

  /** One setting's text and where it came from, for error messages. */
  record Value(String key, String text, String source) {
    IllegalArgumentException invalid(String expected) {
      return new IllegalArgumentException(
          "opspulse agent: " + key + "=" + text + " (" + source + "): expected " + expected);
    }
  }

  Value value(String key) {
    if (args.containsKey(key)) {
      return new Value(key, args.get(key), "agent argument");
    }
    String prop = "opspulse." + key;
    if (systemProperties.containsKey(prop)) {
      return new Value(key, systemProperties.get(prop), "system property -D" + prop);
    }
    String var = envName(key);
    if (env.containsKey(var)) {
      return new Value(key, env.get(var), "environment variable " + var);
    }
    return new Value(
        key, Objects.requireNonNull(DEFAULTS.get(key), "every key has a default"), "default");
  }

  static String envName(String key) {
    return "OPSPULSE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  static Map<String, String> parseArgs(String agentArgs) {
    Map<String, String> parsed = new LinkedHashMap<>();
    if (agentArgs == null || agentArgs.isBlank()) {
      return parsed;
    }
    for (String part : agentArgs.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "opspulse agent: argument '"
                + part
                + "' is not key=value (keys: "
                + String.join(", ", DEFAULTS.keySet())
                + ")");
      }
      String key = part.substring(0, eq).trim();
      key = ALIASES.getOrDefault(key, key);
      if (!DEFAULTS.containsKey(key)) {
        throw new IllegalArgumentException(
            "opspulse agent: unknown argument key '"
                + key
                + "' (keys: "
                + String.join(", ", DEFAULTS.keySet())
                + ")");
      }
      parsed.put(key, part.substring(eq + 1).trim());
    }
    return parsed;
  }

  private static boolean isOff(String text) {
    return text.isBlank()
        || text.equalsIgnoreCase("off")
        || text.equalsIgnoreCase("none")
        || text.equalsIgnoreCase("false");
  }

  /** Where OpenTelemetry collectors listen for OTLP/HTTP metrics, under their base URL. */
  static final String OTLP_METRICS_PATH = "/v1/metrics";

  /**
   * The OTLP/HTTP metrics URL, or null for off. A base URL ({@code http://collector:4318}, no path)
   * gets the standard {@code /v1/metrics}; a URL with a path is used as it is (a proxy's own
   * route).
   */
  static @Nullable String otlpEndpoint(Value v) {
    String text = v.text().trim();
    if (isOff(text)) {
      return null;
    }
    URI uri;
    try {
      // URI.create, not new URI: its IllegalArgumentException needs no class loaded when OTLP is
      // off.
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw otlpInvalid(
          v, "not a URL: " + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw otlpInvalid(v, "the scheme must be http or https");
    }
    if (uri.getHost() == null) {
      throw otlpInvalid(v, "no host name (letters, digits, '-' and '.'; no '_')");
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      throw otlpInvalid(v, "port " + uri.getPort() + " is not 1-65535");
    }
    if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      throw otlpInvalid(v, "no user:password@ or #fragment");
    }
    String path = uri.getRawPath();
    return path == null || path.isEmpty() || path.equals("/")
        ? scheme
            + "://"
            + uri.getRawAuthority()
            + OTLP_METRICS_PATH
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
        : text;
  }

  private static IllegalArgumentException otlpInvalid(Value v, String why) {
    return v.invalid(
        "an http:// or https:// URL of an OTLP/HTTP receiver, like http://127.0.0.1:4318, or off ("
            + why
            + ")");
  }

  private static int port(Value v) {
    if (isOff(v.text())) {
      return AgentConfig.OFF;
    }
    try {
      int port = Integer.parseInt(v.text().trim());
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw v.invalid("a port number 1-65535, or off");
  }

  private static int positive(Value v) {
    try {
      int n = Integer.parseInt(v.text().trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw v.invalid("a positive whole number");
  }

  private static Set<Instrumentation> instrumentations(Value v) {
    String text = v.text().trim().toLowerCase(Locale.ROOT);
    Set<Instrumentation> chosen = EnumSet.noneOf(Instrumentation.class);
    if (text.equals("all")) {
      return EnumSet.allOf(Instrumentation.class);
    }
    if (isOff(text)) {
      return chosen;
    }
    List<String> known = new ArrayList<>();
    for (Instrumentation i : Instrumentation.values()) {
      known.add(i.key());
    }
    // "all,-jdbc" or "-jdbc" removes from everything; "servlet;jdbc" picks (';' because ',' splits
    // args).
    boolean subtractive = text.startsWith("all") || text.startsWith("-");
    if (subtractive) {
      chosen = EnumSet.allOf(Instrumentation.class);
    }
    for (String raw : text.split("[;+ ]|,")) {
      String name = raw.trim();
      if (name.isEmpty() || name.equals("all")) {
        continue;
      }
      boolean remove = name.startsWith("-");
      String key = remove ? name.substring(1) : name;
      Instrumentation found = null;
      for (Instrumentation i : Instrumentation.values()) {
        if (i.key().equals(key)) {
          found = i;
        }
      }
      if (found == null) {
        throw v.invalid(
            "all, off, or instrumentation names from "
                + known
                + " separated by ';'"
                + " (prefix '-' to leave one out)");
      }
      if (remove) {
        chosen.remove(found);
      } else {
        chosen.add(found);
      }
    }
    return chosen;
  }

  /** The main class or jar file the JVM was launched with, without package or extension. */
  static String defaultServiceName(String javaCommand) {
    String first = javaCommand.isBlank() ? "" : javaCommand.trim().split("\\s+")[0];
    if (first.endsWith(".jar")) {
      first = Path.of(first).getFileName().toString();
      first = first.substring(0, first.length() - 4);
    } else if (first.contains(".")) {
      first = first.substring(first.lastIndexOf('.') + 1);
    }
    return first.isBlank() ? "unknown_service:java" : first;
  }
}
