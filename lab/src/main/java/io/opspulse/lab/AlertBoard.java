package io.opspulse.lab;

import io.opspulse.testkit.PrometheusServer.Alert;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The table the lab prints: each alert Prometheus holds, next to the incident and report behind it. */
final class AlertBoard {
  private AlertBoard() {}

  /** One line per alert name (its instances counted), firing first; then the incidents still silent. */
  static String render(List<Alert> alerts, Set<String> expected) {
    Map<String, String> stateByName = new LinkedHashMap<>();
    Map<String, Integer> count = new LinkedHashMap<>();
    for (Alert a : alerts.stream().sorted(Comparator.comparing(Alert::name)).toList()) {
      stateByName.merge(a.name(), a.state(), (x, y) -> x.equals("firing") || y.equals("firing") ? "firing" : x);
      count.merge(a.name(), 1, Integer::sum);
    }
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%-36s %-8s %3s  %-6s %s%n", "ALERT", "STATE", "N", "REPORT", "INCIDENT"));
    stateByName.entrySet().stream()
        .sorted(Comparator.comparing((Map.Entry<String, String> e) -> !e.getValue().equals("firing"))
            .thenComparing(e -> Incidents.of(e.getKey()).map(Incidents.Incident::report).orElse("~"))
            .thenComparing(Map.Entry::getKey))
        .forEach(e -> {
          var incident = Incidents.of(e.getKey());
          out.append(String.format(Locale.ROOT, "%-36s %-8s %3d  %-6s %s%n", e.getKey(), e.getValue(),
              count.get(e.getKey()), incident.map(Incidents.Incident::report).orElse("-"),
              incident.map(Incidents.Incident::incident).orElse("(not one of the lab's incidents)")));
        });
    Set<String> silent = new TreeSet<>(expected);
    stateByName.forEach((name, state) -> {
      if (state.equals("firing")) {
        silent.remove(name);
      }
    });
    long firing = expected.size() - silent.size();
    out.append(String.format(Locale.ROOT, "%d of %d incidents alerting", firing, expected.size()));
    if (!silent.isEmpty()) {
      out.append("; not yet: ").append(String.join(", ", silent));
    }
    return out.append('\n').toString();
  }
}
