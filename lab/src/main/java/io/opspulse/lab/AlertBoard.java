package io.opspulse.lab;

import com.fasterxml.jackson.databind.JsonNode;
import io.opspulse.testkit.PrometheusServer.Alert;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The table the lab prints: each alert Prometheus holds, next to the incident and report behind it.
 */
final class AlertBoard {
  private AlertBoard() {}

  /**
   * One line per alert name (its instances counted), firing first; then the incidents still silent.
   */
  static String render(List<Alert> alerts, Set<String> expected) {
    Map<String, String> stateByName = new LinkedHashMap<>();
    Map<String, Integer> count = new LinkedHashMap<>();
    for (Alert a : alerts.stream().sorted(Comparator.comparing(Alert::name)).toList()) {
      stateByName.merge(
          a.name(), a.state(), (x, y) -> x.equals("firing") || y.equals("firing") ? "firing" : x);
      count.merge(a.name(), 1, Integer::sum);
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT, "%-36s %-8s %3s  %-6s %s%n", "ALERT", "STATE", "N", "REPORT", "INCIDENT"));
    stateByName.entrySet().stream()
        .sorted(
            Comparator.comparing((Map.Entry<String, String> e) -> !e.getValue().equals("firing"))
                .thenComparing(
                    e -> Incidents.of(e.getKey()).map(Incidents.Incident::report).orElse("~"))
                .thenComparing(Map.Entry::getKey))
        .forEach(
            e -> {
              var incident = Incidents.of(e.getKey());
              out.append(
                  String.format(
                      Locale.ROOT,
                      "%-36s %-8s %3d  %-6s %s%n",
                      e.getKey(),
                      e.getValue(),
                      count.get(e.getKey()),
                      incident.map(Incidents.Incident::report).orElse("-"),
                      incident
                          .map(Incidents.Incident::incident)
                          .orElse("(not one of the lab's incidents)")));
            });
    Set<String> silent = new TreeSet<>(expected);
    stateByName.forEach(
        (name, state) -> {
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

  /**
   * What Alertmanager would send, from its {@code /api/v2/alerts/groups}: per receiver, the
   * notification groups that hold an active alert and the alerts inhibited; then the groups that
   * would page.
   */
  static String routing(JsonNode groups) {
    Map<String, int[]> byReceiver = new java.util.TreeMap<>();
    List<String> pages = new ArrayList<>();
    for (JsonNode g : groups) {
      String receiver = g.path("receiver").path("name").asText();
      int[] c = byReceiver.computeIfAbsent(receiver, r -> new int[3]);
      int active = 0;
      for (JsonNode a : g.path("alerts")) {
        if (a.path("status").path("state").asText().equals("suppressed")) {
          c[2]++;
        } else {
          active++;
        }
      }
      c[1] += active;
      if (active > 0) {
        c[0]++;
        if (receiver.equals("pager")) {
          JsonNode l = g.path("labels");
          String service = l.path("compose_service").asText();
          pages.add(
              l.path("alertname").asText()
                  + " "
                  + l.path("instance").asText()
                  + (service.isEmpty() ? "" : " " + service)
                  + " ("
                  + active
                  + ")");
        }
      }
    }
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "Alertmanager, after grouping and inhibition (shipped alertmanager.yml, placeholder receivers):%n"
                    + "%-10s %13s %7s %9s%n",
                "RECEIVER",
                "NOTIFICATIONS",
                "ALERTS",
                "INHIBITED"));
    byReceiver.forEach(
        (r, c) ->
            out.append(String.format(Locale.ROOT, "%-10s %13d %7d %9d%n", r, c[0], c[1], c[2])));
    pages.sort(null);
    out.append("would page: ")
        .append(pages.isEmpty() ? "nothing" : pages.size() + " notifications")
        .append('\n');
    pages.forEach(p -> out.append("  ").append(p).append('\n'));
    return out.toString();
  }
}
