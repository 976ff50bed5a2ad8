package io.opspulse.webconfig;

import io.opspulse.webconfig.TlsServerConfig.PemSource;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads exporter-toolkit's web-config YAML from SnakeYAML's node tree, so every error can name the line.
 * Strict like the toolkit's {@code yaml.UnmarshalStrict}: an unknown key, a duplicate key or a value of
 * the wrong kind is an error, never a silent default.
 */
final class WebConfigParser {
  /** Larger than any sane web-config file; refuses a hostile one before it is expanded. */
  static final int MAX_CODE_POINTS = 256 * 1024;

  private static final List<String> TOP_KEYS =
      List.of("tls_server_config", "http_server_config", "basic_auth_users", "rate_limit");
  private static final List<String> TLS_KEYS = List.of("cert", "key", "client_ca", "cert_file", "key_file",
      "client_auth_type", "client_ca_file", "client_allowed_sans", "min_version", "max_version",
      "cipher_suites", "prefer_server_cipher_suites", "curve_preferences");
  private static final List<String> HTTP_KEYS = List.of("http2", "headers");
  private static final List<String> RATE_KEYS = List.of("interval", "burst");
  /** exporter-toolkit's extraHTTPHeaders: the headers an operator may set, and the values allowed (null: any). */
  private static final Map<String, List<String>> HEADERS = new LinkedHashMap<>();
  private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

  static {
    HEADERS.put("Strict-Transport-Security", null);
    HEADERS.put("X-Content-Type-Options", List.of("nosniff"));
    HEADERS.put("X-Frame-Options", List.of("deny", "sameorigin"));
    HEADERS.put("X-XSS-Protection", null);
    HEADERS.put("Content-Security-Policy", null);
  }

  private final String name;
  private final Path baseDir;

  private WebConfigParser(String name, Path baseDir) {
    this.name = name;
    this.baseDir = baseDir;
  }

  static WebConfig parse(String name, Reader reader, Path baseDir) {
    return new WebConfigParser(name, baseDir).parse(reader);
  }

  private WebConfig parse(Reader reader) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(10);
    options.setNestingDepthLimit(20);
    options.setCodePointLimit(MAX_CODE_POINTS);
    Node root;
    try {
      root = new Yaml(options).compose(reader);
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new WebConfigException(name + ":" + line + ": invalid YAML: " + e.getProblem());
    } catch (YAMLException e) {
      throw new WebConfigException(name + ": invalid YAML: " + e.getMessage());
    }
    if (root == null || isNull(root)) {
      return new WebConfig(name, Optional.empty(), HttpServerConfig.DEFAULT, Map.of(), Optional.empty());
    }
    Map<String, Node> top = mapping(root, "", TOP_KEYS);
    Optional<TlsServerConfig> tls = Optional.ofNullable(top.get("tls_server_config"))
        .filter(n -> !isNull(n)).flatMap(n -> tls(n));
    HttpServerConfig http = Optional.ofNullable(top.get("http_server_config")).filter(n -> !isNull(n))
        .map(this::http).orElse(HttpServerConfig.DEFAULT);
    Map<String, String> users = Optional.ofNullable(top.get("basic_auth_users")).filter(n -> !isNull(n))
        .map(this::users).orElse(Map.of());
    Optional<RateLimit> rate = Optional.ofNullable(top.get("rate_limit")).filter(n -> !isNull(n))
        .map(this::rateLimit).filter(RateLimit::enabled);
    return new WebConfig(name, tls, http, users, rate);
  }

  /** Empty when no TLS key is set at all, as exporter-toolkit then serves plain HTTP. */
  private Optional<TlsServerConfig> tls(Node node) {
    String at = "tls_server_config";
    Map<String, Node> m = mapping(node, at, TLS_KEYS);
    boolean any = m.entrySet().stream().anyMatch(e -> !isNull(e.getValue())
        && List.of("cert", "key", "client_ca", "cert_file", "key_file", "client_ca_file", "client_auth_type").contains(e.getKey()));
    if (!any) {
      for (String k : List.of("min_version", "max_version", "cipher_suites", "client_allowed_sans", "curve_preferences")) {
        if (m.containsKey(k) && !isNull(m.get(k))) {
          throw error(m.get(k), at + "." + k, "set, but no certificate is configured (cert_file and key_file)");
        }
      }
      return Optional.empty();
    }
    PemSource cert = requiredPem(m, node, "cert");
    PemSource key = requiredPem(m, node, "key");
    Optional<PemSource> clientCa = Optional.ofNullable(pem(m, "client_ca"));
    ClientAuth clientAuth = ClientAuth.NO_CLIENT_CERT;
    if (m.containsKey("client_auth_type") && !isNull(m.get("client_auth_type"))) {
      Node n = m.get("client_auth_type");
      String value = string(n, at + ".client_auth_type");
      if (!value.isEmpty()) {
        clientAuth = ClientAuth.fromConfigName(value).orElseThrow(() -> error(n, at + ".client_auth_type",
            "'" + value + "' is not one of NoClientCert, RequestClientCert, RequireAnyClientCert, "
                + "VerifyClientCertIfGiven, RequireAndVerifyClientCert"));
      }
    }
    Node authNode = m.getOrDefault("client_auth_type", node);
    if (clientCa.isPresent() && clientAuth == ClientAuth.NO_CLIENT_CERT) {
      throw error(authNode, at + ".client_auth_type",
          "client CA's have been configured without a Client Auth Policy (set RequireAndVerifyClientCert)");
    }
    if (clientAuth.verified() && clientCa.isEmpty()) {
      throw error(authNode, at + ".client_auth_type",
          clientAuth.configName() + " verifies client certificates, but no client_ca_file is set");
    }
    TlsVersion min = version(m, "min_version", TlsVersion.TLS12);
    TlsVersion max = version(m, "max_version", TlsVersion.TLS13);
    if (min.compareTo(max) > 0) {
      throw error(m.get("min_version"), at + ".min_version", min + " is above max_version " + max);
    }
    List<String> ciphers = new ArrayList<>();
    if (m.containsKey("cipher_suites") && !isNull(m.get("cipher_suites"))) {
      List<Node> items = sequence(m.get("cipher_suites"), at + ".cipher_suites");
      Set<String> supported = TlsContexts.supportedCipherSuites();
      for (int i = 0; i < items.size(); i++) {
        String path = at + ".cipher_suites[" + i + "]";
        String suite = string(items.get(i), path);
        if (!supported.contains(suite)) {
          throw error(items.get(i), path, "unknown cipher: " + suite + " (this JVM supports "
              + String.join(", ", supported) + ")");
        }
        ciphers.add(suite);
      }
    }
    if (m.containsKey("curve_preferences") && !isNull(m.get("curve_preferences"))
        && !sequence(m.get("curve_preferences"), at + ".curve_preferences").isEmpty()) {
      // Java 17 has no per-server named-group setting (SSLParameters.setNamedGroups came in Java 20);
      // ignoring a security setting silently would be worse than refusing it.
      throw error(m.get("curve_preferences"), at + ".curve_preferences",
          "not supported by this server: remove it, or set the JVM-wide -Djdk.tls.namedGroups=x25519,secp256r1,...");
    }
    boolean preferServer = m.containsKey("prefer_server_cipher_suites") && !isNull(m.get("prefer_server_cipher_suites"))
        ? bool(m.get("prefer_server_cipher_suites"), at + ".prefer_server_cipher_suites") : true;
    List<String> sans = new ArrayList<>();
    if (m.containsKey("client_allowed_sans") && !isNull(m.get("client_allowed_sans"))) {
      for (Node n : sequence(m.get("client_allowed_sans"), at + ".client_allowed_sans")) {
        sans.add(string(n, at + ".client_allowed_sans"));
      }
      if (clientAuth != ClientAuth.REQUIRE_ANY_CLIENT_CERT && clientAuth != ClientAuth.REQUIRE_AND_VERIFY_CLIENT_CERT) {
        throw error(m.get("client_allowed_sans"), at + ".client_allowed_sans",
            "requires client_auth_type to be one of RequireAnyClientCert or RequireAndVerifyClientCert");
      }
    }
    return Optional.of(new TlsServerConfig(cert, key, clientAuth, clientCa, min, max, ciphers, preferServer, sans));
  }

  private PemSource requiredPem(Map<String, Node> m, Node parent, String key) {
    PemSource pem = pem(m, key);
    if (pem == null) {
      throw error(parent, "tls_server_config", "missing one of " + key + " or " + key + "_file");
    }
    return pem;
  }

  /** {@code <key>_file} or inline {@code <key>}: one of them, not both; null when both are absent. */
  private @Nullable PemSource pem(Map<String, Node> m, String key) {
    String at = "tls_server_config.";
    Node file = m.get(key + "_file");
    Node text = m.get(key);
    String fileName = file != null && !isNull(file) ? string(file, at + key + "_file") : "";
    String inline = text != null && !isNull(text) ? string(text, at + key) : "";
    if (!fileName.isEmpty() && !inline.isEmpty()) {
      throw error(text, at + key, "set together with " + key + "_file: give one of them");
    }
    if (!fileName.isEmpty()) {
      return PemSource.ofFile(baseDir.resolve(fileName), key);
    }
    if (!inline.isEmpty()) {
      return PemSource.ofText(inline, key);
    }
    return null;
  }

  private TlsVersion version(Map<String, Node> m, String key, TlsVersion dflt) {
    Node n = m.get(key);
    if (n == null || isNull(n)) {
      return dflt;
    }
    String value = string(n, "tls_server_config." + key);
    return TlsVersion.fromConfigName(value).orElseThrow(() -> error(n, "tls_server_config." + key,
        "unknown TLS version: " + value + " (one of TLS10, TLS11, TLS12, TLS13)"));
  }

  private HttpServerConfig http(Node node) {
    Map<String, Node> m = mapping(node, "http_server_config", HTTP_KEYS);
    boolean http2 = m.containsKey("http2") && !isNull(m.get("http2"))
        ? bool(m.get("http2"), "http_server_config.http2") : true;
    Map<String, String> headers = new LinkedHashMap<>();
    Node h = m.get("headers");
    if (h != null && !isNull(h)) {
      for (Map.Entry<String, Node> e : mapping(h, "http_server_config.headers", null).entrySet()) {
        String path = "http_server_config.headers." + e.getKey();
        if (!HEADERS.containsKey(e.getKey())) {
          throw error(e.getValue(), path, "HTTP header \"" + e.getKey() + "\" can not be configured (allowed: "
              + String.join(", ", HEADERS.keySet()) + ")");
        }
        String value = isNull(e.getValue()) ? "" : string(e.getValue(), path);
        List<String> allowed = HEADERS.get(e.getKey());
        if (allowed != null && !allowed.contains(value)) {
          throw error(e.getValue(), path, "invalid value \"" + value + "\": expected one of " + allowed);
        }
        if (!value.isEmpty()) { // blank: unset, as in exporter-toolkit
          headers.put(e.getKey(), value);
        }
      }
    }
    return new HttpServerConfig(http2, headers);
  }

  private Map<String, String> users(Node node) {
    Map<String, String> users = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : mapping(node, "basic_auth_users", null).entrySet()) {
      String path = "basic_auth_users." + e.getKey();
      String hash = isNull(e.getValue()) ? "" : string(e.getValue(), path);
      String problem = Bcrypt.formatProblem(hash);
      if (problem != null) {
        throw error(e.getValue(), path, problem + " (hash passwords with: htpasswd -nBC 10 \"\" | tr -d ':\\n')");
      }
      users.put(e.getKey(), hash);
    }
    return users;
  }

  private RateLimit rateLimit(Node node) {
    Map<String, Node> m = mapping(node, "rate_limit", RATE_KEYS);
    Duration interval = Duration.ZERO;
    if (m.containsKey("interval") && !isNull(m.get("interval"))) {
      interval = goDuration(m.get("interval"), "rate_limit.interval");
    }
    int burst = 0;
    if (m.containsKey("burst") && !isNull(m.get("burst"))) {
      String text = string(m.get("burst"), "rate_limit.burst");
      try {
        burst = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw error(m.get("burst"), "rate_limit.burst", "'" + text + "' is not an integer");
      }
      if (burst < 0) {
        throw error(m.get("burst"), "rate_limit.burst", "must not be negative");
      }
    }
    if (!interval.isZero() && burst == 0) {
      throw error(node, "rate_limit.burst", "must be at least 1 when interval is set, or every request is refused");
    }
    return new RateLimit(interval, burst);
  }

  /** Go's time.ParseDuration syntax, which exporter-toolkit's YAML decoding uses: "1s", "1m30s", "250ms". */
  private Duration goDuration(Node node, String path) {
    String text = string(node, path);
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher mt = GO_DURATION_PART.matcher(text);
    int pos = 0;
    BigDecimal nanos = BigDecimal.ZERO;
    while (pos < text.length() && mt.find(pos) && mt.start() == pos) {
      BigDecimal unit = switch (mt.group(2)) {
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
      throw error(node, path, "'" + text + "' is not a duration like 1s, 500ms or 1m30s");
    }
    return Duration.ofNanos(nanos.longValue());
  }

  // --- node helpers -------------------------------------------------------------------------------

  /** A mapping's entries by key; {@code known} null accepts any key (user names, header names). */
  private Map<String, Node> mapping(Node node, String path, @Nullable List<String> known) {
    if (!(node instanceof MappingNode mapping)) {
      throw error(node, path.isEmpty() ? "(top level)" : path, "expected a mapping, got " + kind(node));
    }
    Map<String, Node> out = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (NodeTuple t : mapping.getValue()) {
      Node k = t.getKeyNode();
      String key = string(k, path.isEmpty() ? "(key)" : path + " key");
      String full = path.isEmpty() ? key : path + "." + key;
      if (known != null && !known.contains(key)) {
        throw error(k, full, "unknown key" + (path.isEmpty() ? "" : " in " + path) + " (known: " + String.join(", ", known) + ")");
      }
      if (!seen.add(key)) {
        throw error(k, full, "duplicate key");
      }
      out.put(key, t.getValueNode());
    }
    return out;
  }

  private List<Node> sequence(Node node, String path) {
    if (!(node instanceof SequenceNode seq)) {
      throw error(node, path, "expected a list, got " + kind(node));
    }
    return seq.getValue();
  }

  private String string(Node node, String path) {
    if (!(node instanceof ScalarNode scalar)) {
      throw error(node, path, "expected a string, got " + kind(node));
    }
    if (isNull(node)) {
      throw error(node, path, "expected a string, got null");
    }
    return scalar.getValue();
  }

  private boolean bool(Node node, String path) {
    String value = string(node, path);
    return switch (value) {
      case "true", "True", "TRUE" -> true;
      case "false", "False", "FALSE" -> false;
      default -> throw error(node, path, "expected true or false, got '" + value + "'");
    };
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
  }

  private static String kind(Node node) {
    return switch (node.getNodeId()) {
      case mapping -> "a mapping";
      case sequence -> "a list";
      case scalar -> "'" + ((ScalarNode) node).getValue() + "'";
      default -> "an alias";
    };
  }

  private WebConfigException error(@Nullable Node node, String path, String what) {
    int line = node == null ? 0 : node.getStartMark().getLine() + 1;
    return new WebConfigException(name + ":" + line + ": " + path + ": " + what);
  }
}
