package io.opspulse.exporter;

import io.opspulse.catalog.PromDuration;
import io.opspulse.yaml.StrictYaml;
import io.opspulse.yaml.YamlException;
import io.opspulse.yaml.YamlLimits;
import io.opspulse.yaml.YamlMapping;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the exporter's YAML configuration onto a builder. Every key is known in advance; an unknown
 * key, a wrong type or a bad value is refused with {@code file:line: key: what is wrong}, so a typo
 * never silently falls back to a default.
 */
final class ConfigFile {
  /** A settings file is a few dozen lines; these refuse a hostile one before it is expanded. */
  private static final YamlLimits LIMITS = new YamlLimits(1024 * 1024, 10, 50);

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

  static void apply(String name, Reader reader, ExporterConfig.Builder b)
      throws ConfigFileException {
    StrictYaml yaml = StrictYaml.of(name, LIMITS);
    try {
      Optional<Node> root = yaml.compose(reader);
      if (root.isPresent()) { // an empty file configures nothing
        walk(yaml, "", root.get(), b);
      }
    } catch (YamlException e) {
      throw new ConfigFileException(e.getMessage());
    }
  }

  /**
   * The keys a mapping at {@code prefix} takes: its settings and sections, and the settings below
   * it written as one dotted key ({@code docker.host: ...}, as the README's table names them).
   */
  private static Set<String> keysUnder(String prefix) {
    Set<String> keys = new LinkedHashSet<>();
    for (String k : KEYS.keySet()) {
      if (prefix.isEmpty() || k.startsWith(prefix + ".")) {
        String rest = prefix.isEmpty() ? k : k.substring(prefix.length() + 1);
        if (rest.contains(".")) {
          keys.add(rest.substring(0, rest.indexOf('.')));
        }
        keys.add(rest);
      }
    }
    return keys;
  }

  private static void walk(StrictYaml yaml, String prefix, Node node, ExporterConfig.Builder b) {
    for (YamlMapping.Entry e : yaml.mapping(node, prefix, keysUnder(prefix)).entries()) {
      if (KEYS.containsKey(e.path())) {
        set(yaml, e.path(), e.value(), b);
      } else {
        walk(yaml, e.path(), e.value(), b);
      }
    }
  }

  private static void set(StrictYaml yaml, String key, Node value, ExporterConfig.Builder b) {
    switch (key) {
      case "docker.host" -> {
        String v = yaml.scalar(value, key);
        try {
          DockerEndpoint.parse(v);
        } catch (IllegalArgumentException e) {
          throw yaml.error(value, key, String.valueOf(e.getMessage()));
        }
        b.dockerHost(v);
      }
      case "docker.cert_path" -> b.dockerCertPath(yaml.parsed(value, key, Path::of));
      case "docker.tls_verify" -> b.dockerTlsVerify(yaml.bool(value, key));
      case "web.listen_address" -> b.listenAddress(yaml.scalar(value, key));
      case "web.telemetry_path" -> {
        String v = yaml.scalar(value, key);
        if (!v.startsWith("/")) {
          throw yaml.error(value, key, "'" + v + "' must start with /");
        }
        b.telemetryPath(v);
      }
      case "compose.files" -> {
        for (String s : yaml.scalarList(value, key)) {
          b.composeFile(Path.of(s));
        }
      }
      case "compose.profiles" -> yaml.scalarList(value, key).forEach(b::composeProfile);
      case "compose.retention" ->
          b.composeRetention(yaml.parsed(value, key, ConfigFile::parseDuration));
      case "deprecated.images" -> yaml.scalarList(value, key).forEach(b::deprecatedImage);
      case "deprecated.names" -> yaml.scalarList(value, key).forEach(b::deprecatedName);
      case "labels.allow" -> {
        java.util.List<String> labels = yaml.scalarList(value, key);
        try {
          ExporterConfig.Builder.checkedLabelAllowList(labels);
        } catch (IllegalArgumentException e) {
          throw yaml.error(
              value, key, String.valueOf(e.getMessage()).substring((key + ": ").length()));
        }
        labels.forEach(b::allowLabel);
      }
      case "limits.max_containers" -> {
        String v = yaml.scalar(value, key);
        try {
          int n = Integer.parseInt(v);
          if (n < 1) {
            throw new NumberFormatException();
          }
          b.maxContainers(n);
        } catch (NumberFormatException e) {
          throw yaml.error(value, key, "'" + v + "' is not a positive integer");
        }
      }
      case "resync_period" -> b.resyncPeriod(yaml.parsed(value, key, ConfigFile::parseDuration));
      case "cgroup.interval" ->
          b.cgroupInterval(yaml.parsed(value, key, ConfigFile::parseDuration));
      case "cgroup.proc_root" -> b.procRoot(yaml.parsed(value, key, Path::of));
      case "cgroup.root" -> b.cgroupRoot(yaml.parsed(value, key, Path::of));
      case "web.config_file" -> b.webConfigFile(yaml.parsed(value, key, Path::of));
      case "gpu.enabled" -> b.gpuEnabled(yaml.bool(value, key));
      case "gpu.interval" -> b.gpuInterval(yaml.parsed(value, key, ConfigFile::parseDuration));
      default -> throw new IllegalStateException("key without a setter: " + key);
    }
  }

  /** Prometheus durations ({@link PromDuration}: 500ms, 30s, 5m, 1h, 1m30s) longer than zero. */
  static Duration parseDuration(String text) {
    Duration d = PromDuration.parse(text.strip());
    if (d.isZero()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a positive duration (like 500ms, 30s, 5m, 1h)");
    }
    return d;
  }
}
