package io.opspulse.dashboards;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.Yaml;

/**
 * The rule file the dashboards were generated against: its recording rules and, per alert name, the
 * runbook_url and the expressions (one per severity).
 */
record RulesFile(
    Set<String> records, Map<String, String> runbooks, Map<String, List<String>> alertExprs) {

  static RulesFile load(Path file) {
    Map<String, Object> root;
    try {
      root = new Yaml().load(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read", e);
    }
    Set<String> records = new LinkedHashSet<>();
    Map<String, String> runbooks = new LinkedHashMap<>();
    Map<String, List<String>> exprs = new LinkedHashMap<>();
    for (Object g : (List<?>) root.get("groups")) {
      for (Object r : (List<?>) ((Map<?, ?>) g).get("rules")) {
        Map<?, ?> rule = (Map<?, ?>) r;
        if (rule.get("record") != null) {
          records.add((String) rule.get("record"));
        } else {
          String name = (String) rule.get("alert");
          runbooks.putIfAbsent(
              name, (String) ((Map<?, ?>) rule.get("annotations")).get("runbook_url"));
          exprs.computeIfAbsent(name, n -> new ArrayList<>()).add((String) rule.get("expr"));
        }
      }
    }
    return new RulesFile(Set.copyOf(records), Map.copyOf(runbooks), Map.copyOf(exprs));
  }

  static RulesFile committed() {
    return load(Dashboards.rulesYaml());
  }
}
