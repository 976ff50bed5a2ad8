package io.opspulse.rules;

import io.opspulse.catalog.Catalog;
import io.opspulse.yaml.StrictYaml;
import io.opspulse.yaml.YamlException;
import io.opspulse.yaml.YamlLimits;
import io.opspulse.yaml.YamlMapping;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads an overrides file from SnakeYAML's node tree rather than from maps, because nodes keep
 * their line numbers: every error names the file, the line and the key.
 */
final class OverridesLoader {
  private static final Pattern PREFIX = Pattern.compile("([A-Z][A-Za-z0-9]*)?");
  private static final List<String> TOP_KEYS =
      List.of("alert_prefix", "runbook_url", "selector", "groups", "thresholds", "alerts");
  private static final List<String> ALERT_KEYS = List.of("for", "severity", "enabled");

  private final Path file;
  private final StrictYaml yaml;
  private final Set<String> alertNames;
  private final Set<String> groupNames;
  private final Set<String> gradedAlertNames;

  OverridesLoader(
      Path file, Set<String> alertNames, Set<String> groupNames, Set<String> gradedAlertNames) {
    this.file = file;
    this.yaml = StrictYaml.of(file.toString(), YamlLimits.DEFAULT);
    this.alertNames = alertNames;
    this.groupNames = groupNames;
    this.gradedAlertNames = gradedAlertNames;
  }

  Overrides load() throws IOException {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Optional<Node> root = yaml.compose(in);
      return root.isEmpty() ? Overrides.none() : read(root.get());
    } catch (YamlException e) {
      throw new OverridesException(e);
    }
  }

  private Overrides read(Node root) {
    String prefix = Overrides.DEFAULT_PREFIX;
    String selector = "";
    String runbookUrl = AlertRule.DEFAULT_RUNBOOK_URL;
    Map<String, String> groupSelectors = new LinkedHashMap<>();
    Map<String, Double> thresholds = new LinkedHashMap<>();
    Map<String, Overrides.AlertOverride> alerts = new LinkedHashMap<>();
    for (YamlMapping.Entry entry : yaml.mapping(root, "", TOP_KEYS).entries()) {
      String key = entry.key();
      Node value = entry.value();
      switch (key) {
        case "alert_prefix" -> {
          prefix = yaml.scalar(value, key);
          if (!PREFIX.matcher(prefix).matches()) {
            throw yaml.error(
                value, key, "'" + prefix + "' must be CamelCase letters and digits, or empty");
          }
        }
        case "selector" -> selector = selector(value, key);
        case "runbook_url" ->
            runbookUrl = yaml.parsed(value, key, AlertRule::checkRunbookUrlPattern);
        case "groups" -> {
          for (YamlMapping.Entry g : yaml.mapping(value, key).entries()) {
            if (!groupNames.contains(g.key())) {
              throw yaml.error(
                  g.keyNode(),
                  g.path(),
                  "unknown rule group; known: " + String.join(", ", groupNames));
            }
            YamlMapping settings = yaml.mapping(g.value(), g.path(), List.of("selector"));
            for (YamlMapping.Entry setting : settings.entries()) {
              groupSelectors.put(g.key(), selector(setting.value(), setting.path()));
            }
          }
        }
        case "thresholds" -> {
          for (YamlMapping.Entry t : yaml.mapping(value, key).entries()) {
            if (Catalog.threshold(t.key()).isEmpty()) {
              throw yaml.error(
                  t.keyNode(),
                  t.path(),
                  "unknown threshold; known: "
                      + String.join(
                          ", ",
                          Catalog.thresholds().stream()
                              .map(io.opspulse.catalog.Threshold::key)
                              .toList()));
            }
            double v = yaml.number(t.value(), t.path());
            if (v < 0) {
              throw yaml.error(t.value(), t.path(), "must be a finite number >= 0");
            }
            thresholds.put(t.key(), v);
          }
        }
        case "alerts" -> {
          for (YamlMapping.Entry a : yaml.mapping(value, key).entries()) {
            if (!alertNames.contains(a.key())) {
              throw yaml.error(
                  a.keyNode(),
                  a.path(),
                  "unknown alert (use the default Opspulse... name); known: "
                      + String.join(", ", new TreeSet<>(alertNames)));
            }
            Overrides.AlertOverride change = alert(a.value(), a.path());
            if (change.severity() != null && gradedAlertNames.contains(a.key())) {
              throw yaml.error(
                  a.value(),
                  a.path() + ".severity",
                  "this alert has a rule per severity; change its"
                      + " thresholds instead, or disable it");
            }
            alerts.put(a.key(), change);
          }
        }
        default -> throw new IllegalStateException("key without a reader: " + key);
      }
    }
    return new Overrides(prefix, selector, groupSelectors, thresholds, alerts, runbookUrl);
  }

  private Overrides.AlertOverride alert(Node node, String path) {
    String forDuration = null;
    Severity severity = null;
    boolean enabled = true;
    for (YamlMapping.Entry setting : yaml.mapping(node, path, ALERT_KEYS).entries()) {
      Node value = setting.value();
      String where = setting.path();
      switch (setting.key()) {
        case "for" -> forDuration = yaml.durationText(value, where);
        case "severity" -> severity = yaml.parsed(value, where, Severity::fromLabel);
        case "enabled" -> enabled = yaml.bool(value, where);
        default -> throw new IllegalStateException("key without a reader: " + where);
      }
    }
    return new Overrides.AlertOverride(forDuration, severity, enabled);
  }

  private String selector(Node node, String path) {
    return yaml.parsed(node, path, Promql::normalizeSelector);
  }
}
