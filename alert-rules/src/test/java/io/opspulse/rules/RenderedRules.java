package io.opspulse.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/** A rules file read back as plain YAML data, the way Prometheus sees it. */
final class RenderedRules {
  private RenderedRules() {}

  /**
   * The rules of a rules-file text, each a map with record/alert, expr, for, labels, annotations.
   */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rules(String rulesFileText) {
    Map<String, Object> doc = new Yaml().load(rulesFileText);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
      out.addAll((List<Map<String, Object>>) group.get("rules"));
    }
    return out;
  }

  static List<Map<String, Object>> alerts(String rulesFileText) {
    return rules(rulesFileText).stream().filter(r -> r.containsKey("alert")).toList();
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> map(Map<String, Object> rule, String key) {
    return (Map<String, String>) rule.getOrDefault(key, Map.of());
  }
}
