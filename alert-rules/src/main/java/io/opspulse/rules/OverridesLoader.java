package io.opspulse.rules;

import io.opspulse.catalog.Catalog;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads an overrides file from SnakeYAML's node tree rather than from maps, because nodes keep their
 * line numbers: every error names the file, the line and the key.
 */
final class OverridesLoader {
  private static final Pattern PREFIX = Pattern.compile("([A-Z][A-Za-z0-9]*)?");
  private static final Pattern DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+");

  private final Path file;
  private final Set<String> alertNames;
  private final Set<String> groupNames;
  private final Set<String> gradedAlertNames;

  OverridesLoader(Path file, Set<String> alertNames, Set<String> groupNames, Set<String> gradedAlertNames) {
    this.file = file;
    this.alertNames = alertNames;
    this.groupNames = groupNames;
    this.gradedAlertNames = gradedAlertNames;
  }

  Overrides load() throws IOException {
    Node root;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = new Yaml(new LoaderOptions()).compose(in);
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
      throw new OverridesException(file.toString(), line, "(yaml)", e.getProblem());
    }
    String prefix = Overrides.DEFAULT_PREFIX;
    String selector = "";
    String runbookUrl = AlertRule.DEFAULT_RUNBOOK_URL;
    Map<String, String> groupSelectors = new LinkedHashMap<>();
    Map<String, Double> thresholds = new LinkedHashMap<>();
    Map<String, Overrides.AlertOverride> alerts = new LinkedHashMap<>();
    if (root == null) {
      return Overrides.none();
    }
    for (NodeTuple entry : mapping(root, "(top level)")) {
      String key = key(entry);
      Node value = entry.getValueNode();
      switch (key) {
        case "alert_prefix" -> {
          prefix = scalar(value, key);
          if (!PREFIX.matcher(prefix).matches()) {
            throw error(value, key, "'" + prefix + "' must be CamelCase letters and digits, or empty");
          }
        }
        case "selector" -> selector = selector(value, key);
        case "runbook_url" -> {
          runbookUrl = scalar(value, key);
          try {
            AlertRule.checkRunbookUrlPattern(runbookUrl);
          } catch (IllegalArgumentException e) {
            throw error(value, key, e.getMessage());
          }
        }
        case "groups" -> {
          for (NodeTuple g : mapping(value, key)) {
            String group = key(g);
            String path = key + "." + group;
            if (!groupNames.contains(group)) {
              throw error(g.getKeyNode(), path, "unknown rule group; known: " + String.join(", ", groupNames));
            }
            for (NodeTuple setting : mapping(g.getValueNode(), path)) {
              String name = key(setting);
              if (!name.equals("selector")) {
                throw error(setting.getKeyNode(), path + "." + name, "unknown key; a group takes only selector");
              }
              groupSelectors.put(group, selector(setting.getValueNode(), path + ".selector"));
            }
          }
        }
        case "thresholds" -> {
          for (NodeTuple t : mapping(value, key)) {
            String name = key(t);
            String path = key + "." + name;
            if (Catalog.threshold(name).isEmpty()) {
              throw error(t.getKeyNode(), path, "unknown threshold; known: " + String.join(", ",
                  Catalog.thresholds().stream().map(io.opspulse.catalog.Threshold::key).toList()));
            }
            thresholds.put(name, number(t.getValueNode(), path));
          }
        }
        case "alerts" -> {
          for (NodeTuple a : mapping(value, key)) {
            String name = key(a);
            String path = key + "." + name;
            if (!alertNames.contains(name)) {
              throw error(a.getKeyNode(), path, "unknown alert (use the default Opspulse... name); known: "
                  + String.join(", ", new TreeSet<>(alertNames)));
            }
            Overrides.AlertOverride change = alert(a.getValueNode(), path);
            if (change.severity() != null && gradedAlertNames.contains(name)) {
              throw error(a.getValueNode(), path + ".severity", "this alert has a rule per severity; change its"
                  + " thresholds instead, or disable it");
            }
            alerts.put(name, change);
          }
        }
        default -> throw error(entry.getKeyNode(), key,
            "unknown key; known: alert_prefix, runbook_url, selector, groups, thresholds, alerts");
      }
    }
    return new Overrides(prefix, selector, groupSelectors, thresholds, alerts, runbookUrl);
  }

  private Overrides.AlertOverride alert(Node node, String path) {
    String forDuration = null;
    Severity severity = null;
    boolean enabled = true;
    for (NodeTuple setting : mapping(node, path)) {
      String name = key(setting);
      String where = path + "." + name;
      Node value = setting.getValueNode();
      switch (name) {
        case "for" -> {
          forDuration = scalar(value, where);
          if (!DURATION.matcher(forDuration).matches()) {
            throw error(value, where, "'" + forDuration + "' is not a Prometheus duration (30s, 5m, 1h)");
          }
        }
        case "severity" -> {
          try {
            severity = Severity.fromLabel(scalar(value, where));
          } catch (IllegalArgumentException e) {
            throw error(value, where, e.getMessage());
          }
        }
        case "enabled" -> {
          if (!(value instanceof ScalarNode s) || s.getTag() != Tag.BOOL) {
            throw error(value, where, "must be true or false");
          }
          enabled = Boolean.parseBoolean(s.getValue());
        }
        default -> throw error(setting.getKeyNode(), where, "unknown key; an alert takes for, severity, enabled");
      }
    }
    return new Overrides.AlertOverride(forDuration, severity, enabled);
  }

  private List<NodeTuple> mapping(Node node, String path) {
    if (!(node instanceof MappingNode m)) {
      throw error(node, path, "must be a mapping of keys to values");
    }
    Set<String> seen = new HashSet<>();
    for (NodeTuple t : m.getValue()) {
      String k = key(t);
      if (!seen.add(k)) {
        throw error(t.getKeyNode(), path.equals("(top level)") ? k : path + "." + k, "given twice");
      }
    }
    return m.getValue();
  }

  private String key(NodeTuple t) {
    if (!(t.getKeyNode() instanceof ScalarNode s)) {
      throw error(t.getKeyNode(), "(key)", "keys must be plain names");
    }
    return s.getValue();
  }

  private String scalar(Node node, String path) {
    if (!(node instanceof ScalarNode s)) {
      throw error(node, path, "must be a single value");
    }
    return s.getValue();
  }

  private double number(Node node, String path) {
    if (!(node instanceof ScalarNode s) || !(s.getTag() == Tag.INT || s.getTag() == Tag.FLOAT)) {
      throw error(node, path, "must be a number");
    }
    double v = Double.parseDouble(s.getValue().replace("_", ""));
    if (!Double.isFinite(v) || v < 0) {
      throw error(node, path, "must be a finite number >= 0");
    }
    return v;
  }

  private String selector(Node node, String path) {
    String raw = scalar(node, path);
    try {
      return Promql.normalizeSelector(raw);
    } catch (IllegalArgumentException e) {
      throw error(node, path, e.getMessage());
    }
  }

  private OverridesException error(Node node, String key, @Nullable String problem) {
    return new OverridesException(file.toString(), node.getStartMark().getLine() + 1, key, problem);
  }
}
