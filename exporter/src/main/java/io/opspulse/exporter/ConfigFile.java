package io.opspulse.exporter;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
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

/**
 * Reads the exporter's YAML configuration onto a builder. Every key is known in advance; an unknown
 * key, a wrong type or a bad value is refused with {@code file:line: key: what is wrong}, so a typo
 * never silently falls back to a default.
 */
final class ConfigFile {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  private ConfigFile() {}

  /** The keys, as dotted paths, with what each takes: documented in the README's table. */
  static final Map<String, String> KEYS = new java.util.LinkedHashMap<>();

  static {
    KEYS.put("docker.host", "unix:///path or tcp://host:port");
    KEYS.put("docker.cert_path", "folder with ca.pem, cert.pem, key.pem (TLS on tcp://)");
    KEYS.put("docker.tls_verify", "true or false");
    KEYS.put("web.listen_address", "[host]:port");
    KEYS.put("web.telemetry_path", "path");
    KEYS.put("compose.files", "list of compose files or folders");
    KEYS.put("compose.profiles", "list of active profiles");
    KEYS.put("compose.retention", "duration");
    KEYS.put("deprecated.images", "list of image globs");
    KEYS.put("deprecated.names", "list of container name globs");
    KEYS.put("labels.allow", "list of Docker label keys");
    KEYS.put("limits.max_containers", "positive integer");
    KEYS.put("resync_period", "duration");
    KEYS.put("cgroup.interval", "duration");
    KEYS.put("cgroup.proc_root", "path");
    KEYS.put("cgroup.root", "path");
    KEYS.put("web.config_file", "path of an exporter-toolkit web-config file");
    KEYS.put("gpu.enabled", "true or false");
    KEYS.put("gpu.interval", "duration");
  }

  static void apply(Path file, ExporterConfig.Builder b) throws ConfigFileException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      apply(file.toString(), r, b);
    } catch (IOException e) {
      throw new ConfigFileException(file + ": cannot read: " + e.getMessage());
    }
  }

  static void apply(String name, Reader reader, ExporterConfig.Builder b) throws ConfigFileException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(10);
    options.setCodePointLimit(1024 * 1024);
    Node root;
    try {
      root = new Yaml(options).compose(reader);
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new ConfigFileException(name + ":" + line + ": invalid YAML: " + e.getProblem());
    } catch (YAMLException e) {
      throw new ConfigFileException(name + ": invalid YAML: " + e.getMessage());
    }
    if (root == null) {
      return; // an empty file configures nothing
    }
    walk(name, "", root, b);
  }

  private static void walk(String file, String prefix, Node node, ExporterConfig.Builder b) throws ConfigFileException {
    if (!(node instanceof MappingNode mapping)) {
      throw error(file, node, prefix.isEmpty() ? "(top level)" : prefix, "expected a mapping");
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (NodeTuple t : mapping.getValue()) {
      String key = scalar(file, t.getKeyNode(), prefix + "(key)");
      if (!seen.add(key)) {
        throw error(file, t.getKeyNode(), prefix.isEmpty() ? key : prefix + "." + key, "set twice");
      }
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      Node value = t.getValueNode();
      if (!KEYS.containsKey(path)) {
        boolean isSection = KEYS.keySet().stream().anyMatch(k -> k.startsWith(path + "."));
        if (isSection) {
          walk(file, path, value, b);
          continue;
        }
        throw error(file, t.getKeyNode(), path, "unknown setting; known settings: " + String.join(", ", KEYS.keySet()));
      }
      set(file, path, value, b);
    }
  }

  private static void set(String file, String key, Node value, ExporterConfig.Builder b) throws ConfigFileException {
    switch (key) {
      case "docker.host" -> {
        String v = scalar(file, value, key);
        try {
          DockerEndpoint.parse(v);
        } catch (IllegalArgumentException e) {
          throw error(file, value, key, e.getMessage());
        }
        b.dockerHost(v);
      }
      case "docker.cert_path" -> b.dockerCertPath(Path.of(scalar(file, value, key)));
      case "docker.tls_verify" -> b.dockerTlsVerify(bool(file, value, key));
      case "web.listen_address" -> b.listenAddress(scalar(file, value, key));
      case "web.telemetry_path" -> {
        String v = scalar(file, value, key);
        if (!v.startsWith("/")) {
          throw error(file, value, key, "'" + v + "' must start with /");
        }
        b.telemetryPath(v);
      }
      case "compose.files" -> {
        for (String s : list(file, value, key)) {
          b.composeFile(Path.of(s));
        }
      }
      case "compose.profiles" -> list(file, value, key).forEach(b::composeProfile);
      case "compose.retention" -> b.composeRetention(duration(file, value, key));
      case "deprecated.images" -> list(file, value, key).forEach(b::deprecatedImage);
      case "deprecated.names" -> list(file, value, key).forEach(b::deprecatedName);
      case "labels.allow" -> {
        java.util.List<String> labels = list(file, value, key);
        try {
          ExporterConfig.Builder.checkedLabelAllowList(labels);
        } catch (IllegalArgumentException e) {
          // checkedLabelAllowList's messages always start with the key.
          throw error(file, value, key, Objects.requireNonNull(e.getMessage()).substring((key + ": ").length()));
        }
        labels.forEach(b::allowLabel);
      }
      case "limits.max_containers" -> {
        String v = scalar(file, value, key);
        try {
          int n = Integer.parseInt(v);
          if (n < 1) {
            throw new NumberFormatException();
          }
          b.maxContainers(n);
        } catch (NumberFormatException e) {
          throw error(file, value, key, "'" + v + "' is not a positive integer");
        }
      }
      case "resync_period" -> b.resyncPeriod(duration(file, value, key));
      case "cgroup.interval" -> b.cgroupInterval(duration(file, value, key));
      case "cgroup.proc_root" -> b.procRoot(Path.of(scalar(file, value, key)));
      case "cgroup.root" -> b.cgroupRoot(Path.of(scalar(file, value, key)));
      case "web.config_file" -> b.webConfigFile(Path.of(scalar(file, value, key)));
      case "gpu.enabled" -> b.gpuEnabled(bool(file, value, key));
      case "gpu.interval" -> b.gpuInterval(duration(file, value, key));
      default -> throw new IllegalStateException("key without a setter: " + key);
    }
  }

  /** Prometheus-style durations: 500ms, 30s, 5m, 1h, also combined (1m30s). */
  static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.strip());
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        throw new IllegalArgumentException("'" + text + "' is not a duration (like 500ms, 30s, 5m, 1h)");
      }
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
      end = m.end();
    }
    if (end == 0 || end != text.strip().length() || total.isZero()) {
      throw new IllegalArgumentException("'" + text + "' is not a positive duration (like 500ms, 30s, 5m, 1h)");
    }
    return total;
  }

  private static boolean bool(String file, Node value, String key) throws ConfigFileException {
    String v = scalar(file, value, key);
    if (!v.equals("true") && !v.equals("false")) {
      throw error(file, value, key, "'" + v + "' is not true or false");
    }
    return Boolean.parseBoolean(v);
  }

  private static Duration duration(String file, Node value, String key) throws ConfigFileException {
    try {
      return parseDuration(scalar(file, value, key));
    } catch (IllegalArgumentException e) {
      throw error(file, value, key, e.getMessage());
    }
  }

  private static java.util.List<String> list(String file, Node value, String key) throws ConfigFileException {
    if (!(value instanceof SequenceNode seq)) {
      throw error(file, value, key, "expected a list");
    }
    java.util.List<String> out = new java.util.ArrayList<>();
    for (Node n : seq.getValue()) {
      out.add(scalar(file, n, key));
    }
    return out;
  }

  private static String scalar(String file, Node node, String key) throws ConfigFileException {
    if (node instanceof ScalarNode s) {
      return s.getValue();
    }
    throw error(file, node, key, "expected a single value");
  }

  private static ConfigFileException error(String file, Node node, String key, @Nullable String what) {
    int line = node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    return new ConfigFileException(file + ":" + line + ": " + key + ": " + what);
  }
}
