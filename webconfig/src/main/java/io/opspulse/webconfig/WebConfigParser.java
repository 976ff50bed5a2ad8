package io.opspulse.webconfig;

import io.opspulse.webconfig.TlsServerConfig.PemSource;
import io.opspulse.yaml.StrictYaml;
import io.opspulse.yaml.YamlException;
import io.opspulse.yaml.YamlLimits;
import io.opspulse.yaml.YamlMapping;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads exporter-toolkit's web-config YAML from SnakeYAML's node tree, so every error can name the
 * line. Strict like the toolkit's {@code yaml.UnmarshalStrict}: an unknown key, a duplicate key or
 * a value of the wrong kind is an error, never a silent default.
 */
final class WebConfigParser {
  /** Larger than any sane web-config file; refuses a hostile one before it is expanded. */
  static final int MAX_CODE_POINTS = 256 * 1024;

  private static final List<String> TOP_KEYS =
      List.of("tls_server_config", "http_server_config", "basic_auth_users", "rate_limit");
  private static final List<String> TLS_KEYS =
      List.of(
          "cert",
          "key",
          "client_ca",
          "cert_file",
          "key_file",
          "client_auth_type",
          "client_ca_file",
          "client_allowed_sans",
          "min_version",
          "max_version",
          "cipher_suites",
          "prefer_server_cipher_suites",
          "curve_preferences");
  private static final List<String> HTTP_KEYS = List.of("http2", "headers");
  private static final List<String> RATE_KEYS = List.of("interval", "burst");

  /**
   * exporter-toolkit's extraHTTPHeaders: the headers an operator may set, and the values allowed
   * (null: any).
   */
  private static final Map<String, List<String>> HEADERS = new LinkedHashMap<>();

  private static final Pattern GO_DURATION_PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

  static {
    HEADERS.put("Strict-Transport-Security", null);
    HEADERS.put("X-Content-Type-Options", List.of("nosniff"));
    HEADERS.put("X-Frame-Options", List.of("deny", "sameorigin"));
    HEADERS.put("X-XSS-Protection", null);
    HEADERS.put("Content-Security-Policy", null);
  }

  private static final YamlLimits LIMITS = new YamlLimits(MAX_CODE_POINTS, 10, 20);

  private final String name;
  private final Path baseDir;
  private final StrictYaml yaml;

  private WebConfigParser(String name, Path baseDir) {
    this.name = name;
    this.baseDir = baseDir;
    this.yaml = StrictYaml.of(name, LIMITS);
  }

  static WebConfig parse(String name, Reader reader, Path baseDir) {
    return new WebConfigParser(name, baseDir).parse(reader);
  }

  private WebConfig parse(Reader reader) {
    try {
      Optional<Node> root = yaml.compose(reader).filter(n -> !StrictYaml.isNull(n));
      if (root.isEmpty()) {
        return new WebConfig(
            name, Optional.empty(), HttpServerConfig.DEFAULT, Map.of(), Optional.empty());
      }
      YamlMapping top = yaml.mapping(root.get(), "", TOP_KEYS);
      Optional<TlsServerConfig> tls = top.get("tls_server_config").flatMap(this::tls);
      HttpServerConfig http =
          top.get("http_server_config").map(this::http).orElse(HttpServerConfig.DEFAULT);
      Map<String, String> users = top.get("basic_auth_users").map(this::users).orElse(Map.of());
      Optional<RateLimit> rate =
          top.get("rate_limit").map(this::rateLimit).filter(RateLimit::enabled);
      return new WebConfig(name, tls, http, users, rate);
    } catch (YamlException e) {
      throw new WebConfigException(String.valueOf(e.getMessage()), e);
    }
  }

  /** Empty when no TLS key is set at all, as exporter-toolkit then serves plain HTTP. */
  private Optional<TlsServerConfig> tls(Node node) {
    String at = "tls_server_config";
    YamlMapping m = yaml.mapping(node, at, TLS_KEYS);
    boolean any =
        List.of(
                "cert",
                "key",
                "client_ca",
                "cert_file",
                "key_file",
                "client_ca_file",
                "client_auth_type")
            .stream()
            .anyMatch(k -> m.get(k).isPresent());
    if (!any) {
      for (String k :
          List.of(
              "min_version",
              "max_version",
              "cipher_suites",
              "client_allowed_sans",
              "curve_preferences")) {
        if (m.get(k).isPresent()) {
          throw yaml.error(
              m.get(k).get(),
              at + "." + k,
              "set, but no certificate is configured (cert_file and key_file)");
        }
      }
      return Optional.empty();
    }
    // Required: pem() throws rather than return null for these.
    PemSource cert = Objects.requireNonNull(pem(m, node, "cert", true));
    PemSource key = Objects.requireNonNull(pem(m, node, "key", true));
    Optional<PemSource> clientCa = Optional.ofNullable(pem(m, node, "client_ca", false));
    ClientAuth clientAuth = ClientAuth.NO_CLIENT_CERT;
    if (m.get("client_auth_type").isPresent()) {
      Node n = m.get("client_auth_type").get();
      String value = yaml.string(n, at + ".client_auth_type");
      if (!value.isEmpty()) {
        clientAuth =
            ClientAuth.fromConfigName(value)
                .orElseThrow(
                    () ->
                        yaml.error(
                            n,
                            at + ".client_auth_type",
                            "'"
                                + value
                                + "' is not one of NoClientCert, RequestClientCert, RequireAnyClientCert, "
                                + "VerifyClientCertIfGiven, RequireAndVerifyClientCert"));
      }
    }
    Node authNode = m.entry("client_auth_type").map(YamlMapping.Entry::value).orElse(node);
    if (clientCa.isPresent() && clientAuth == ClientAuth.NO_CLIENT_CERT) {
      throw yaml.error(
          authNode,
          at + ".client_auth_type",
          "client CA's have been configured without a Client Auth Policy (set RequireAndVerifyClientCert)");
    }
    if (clientAuth.verified() && clientCa.isEmpty()) {
      throw yaml.error(
          authNode,
          at + ".client_auth_type",
          clientAuth.configName() + " verifies client certificates, but no client_ca_file is set");
    }
    TlsVersion min = version(m, "min_version", TlsVersion.TLS12);
    TlsVersion max = version(m, "max_version", TlsVersion.TLS13);
    if (min.compareTo(max) > 0) {
      throw yaml.error(
          m.get("min_version").orElse(node),
          at + ".min_version",
          min + " is above max_version " + max);
    }
    List<String> ciphers = new ArrayList<>();
    if (m.get("cipher_suites").isPresent()) {
      List<Node> items = yaml.list(m.get("cipher_suites").get(), at + ".cipher_suites");
      Set<String> supported = TlsContexts.supportedCipherSuites();
      for (int i = 0; i < items.size(); i++) {
        String path = at + ".cipher_suites[" + i + "]";
        String suite = yaml.string(items.get(i), path);
        if (!supported.contains(suite)) {
          throw yaml.error(
              items.get(i),
              path,
              "unknown cipher: "
                  + suite
                  + " (this JVM supports "
                  + String.join(", ", supported)
                  + ")");
        }
        ciphers.add(suite);
      }
    }
    Optional<Node> curves = m.get("curve_preferences");
    if (curves.isPresent() && !yaml.list(curves.get(), at + ".curve_preferences").isEmpty()) {
      // Java 17 has no per-server named-group setting (SSLParameters.setNamedGroups came in Java
      // 20);
      // ignoring a security setting silently would be worse than refusing it.
      throw yaml.error(
          curves.get(),
          at + ".curve_preferences",
          "not supported by this server: remove it, or set the JVM-wide -Djdk.tls.namedGroups=x25519,secp256r1,...");
    }
    boolean preferServer =
        m.get("prefer_server_cipher_suites")
            .map(n -> yaml.bool(n, at + ".prefer_server_cipher_suites"))
            .orElse(true);
    List<String> sans = new ArrayList<>();
    if (m.get("client_allowed_sans").isPresent()) {
      Node list = m.get("client_allowed_sans").get();
      for (Node n : yaml.list(list, at + ".client_allowed_sans")) {
        sans.add(yaml.string(n, at + ".client_allowed_sans"));
      }
      if (clientAuth != ClientAuth.REQUIRE_ANY_CLIENT_CERT
          && clientAuth != ClientAuth.REQUIRE_AND_VERIFY_CLIENT_CERT) {
        throw yaml.error(
            list,
            at + ".client_allowed_sans",
            "requires client_auth_type to be one of RequireAnyClientCert or RequireAndVerifyClientCert");
      }
    }
    return Optional.of(
        new TlsServerConfig(
            cert, key, clientAuth, clientCa, min, max, ciphers, preferServer, sans));
  }

  /**
   * {@code <key>_file} or inline {@code <key>}: one of them, not both; null when optional and
   * absent.
   */
  private @Nullable PemSource pem(YamlMapping m, Node parent, String key, boolean required) {
    String at = "tls_server_config.";
    Node file = m.get(key + "_file").orElse(null);
    Node text = m.get(key).orElse(null);
    String fileName = file == null ? "" : yaml.string(file, at + key + "_file");
    String inline = text == null ? "" : yaml.string(text, at + key);
    if (!fileName.isEmpty() && text != null && !inline.isEmpty()) {
      throw yaml.error(text, at + key, "set together with " + key + "_file: give one of them");
    }
    if (!fileName.isEmpty()) {
      return PemSource.ofFile(baseDir.resolve(fileName), key);
    }
    if (!inline.isEmpty()) {
      return PemSource.ofText(inline, key);
    }
    if (required) {
      throw yaml.error(
          parent, "tls_server_config", "missing one of " + key + " or " + key + "_file");
    }
    return null;
  }

  private TlsVersion version(YamlMapping m, String key, TlsVersion dflt) {
    if (m.get(key).isEmpty()) {
      return dflt;
    }
    Node n = m.get(key).get();
    String value = yaml.string(n, "tls_server_config." + key);
    return TlsVersion.fromConfigName(value)
        .orElseThrow(
            () ->
                yaml.error(
                    n,
                    "tls_server_config." + key,
                    "unknown TLS version: " + value + " (one of TLS10, TLS11, TLS12, TLS13)"));
  }

  private HttpServerConfig http(Node node) {
    YamlMapping m = yaml.mapping(node, "http_server_config", HTTP_KEYS);
    boolean http2 = m.get("http2").map(n -> yaml.bool(n, "http_server_config.http2")).orElse(true);
    Map<String, String> headers = new LinkedHashMap<>();
    if (m.get("headers").isPresent()) {
      for (YamlMapping.Entry e :
          yaml.mapping(m.get("headers").get(), "http_server_config.headers").entries()) {
        String path = e.path();
        if (!HEADERS.containsKey(e.key())) {
          throw yaml.error(
              e.value(),
              path,
              "HTTP header \""
                  + e.key()
                  + "\" can not be configured (allowed: "
                  + String.join(", ", HEADERS.keySet())
                  + ")");
        }
        String value = StrictYaml.isNull(e.value()) ? "" : yaml.string(e.value(), path);
        List<String> allowed = HEADERS.get(e.key());
        if (allowed != null && !allowed.contains(value)) {
          throw yaml.error(
              e.value(), path, "invalid value \"" + value + "\": expected one of " + allowed);
        }
        if (!value.isEmpty()) { // blank: unset, as in exporter-toolkit
          headers.put(e.key(), value);
        }
      }
    }
    return new HttpServerConfig(http2, headers);
  }

  private Map<String, String> users(Node node) {
    Map<String, String> users = new LinkedHashMap<>();
    for (YamlMapping.Entry e : yaml.mapping(node, "basic_auth_users").entries()) {
      String path = e.path();
      String hash = StrictYaml.isNull(e.value()) ? "" : yaml.string(e.value(), path);
      String problem = Bcrypt.formatProblem(hash);
      if (problem != null) {
        throw yaml.error(
            e.value(),
            path,
            problem + " (hash passwords with: htpasswd -nBC 10 \"\" | tr -d ':\\n')");
      }
      users.put(e.key(), hash);
    }
    return users;
  }

  private RateLimit rateLimit(Node node) {
    YamlMapping m = yaml.mapping(node, "rate_limit", RATE_KEYS);
    Duration interval =
        m.get("interval")
            .map(n -> yaml.parsed(n, "rate_limit.interval", WebConfigParser::goDuration))
            .orElse(Duration.ZERO);
    int burst = 0;
    if (m.get("burst").isPresent()) {
      burst = yaml.integer(m.get("burst").get(), "rate_limit.burst");
      if (burst < 0) {
        throw yaml.error(m.get("burst").get(), "rate_limit.burst", "must not be negative");
      }
    }
    if (!interval.isZero() && burst == 0) {
      throw yaml.error(
          node,
          "rate_limit.burst",
          "must be at least 1 when interval is set, or every request is refused");
    }
    return new RateLimit(interval, burst);
  }

  /**
   * Go's time.ParseDuration syntax, which exporter-toolkit's YAML decoding uses: "1s", "1m30s",
   * "250ms".
   */
  static Duration goDuration(String text) {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher mt = GO_DURATION_PART.matcher(text);
    int pos = 0;
    BigDecimal nanos = BigDecimal.ZERO;
    while (pos < text.length() && mt.find(pos) && mt.start() == pos) {
      BigDecimal unit =
          switch (mt.group(2)) {
            case "ns" -> BigDecimal.ONE;
            case "us", "µs" -> BigDecimal.valueOf(1_000L);
            case "ms" -> BigDecimal.valueOf(1_000_000L);
            case "s" -> BigDecimal.valueOf(1_000_000_000L);
            case "m" -> BigDecimal.valueOf(60_000_000_000L);
            default -> BigDecimal.valueOf(3_600_000_000_000L);
          };
      nanos = nanos.add(new BigDecimal(mt.group(1)).multiply(unit));
      pos = mt.end();
    }
    if (pos == 0 || pos != text.length()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration like 1s, 500ms or 1m30s");
    }
    return Duration.ofNanos(nanos.longValue());
  }
}
