package io.opspulse.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opspulse.rules.AlertRule;
import io.opspulse.rules.OpspulseRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * lab/README.md is what {@link LabReadme} renders from the incident list, and every row points at
 * real things.
 */
class LabReadmeTest {
  static final Path REPO =
      Path.of(System.getProperty("opspulse.repo", "..")).toAbsolutePath().normalize();

  @Test
  void committedReadmeIsTheGeneratedOne() throws IOException {
    assertThat(Files.readString(REPO.resolve("lab/README.md")))
        .as("lab/README.md differs from the incident list; regenerate it: " + LabReadme.REGENERATE)
        .isEqualTo(LabReadme.render());
  }

  @Test
  void everyRowNamesARealAlertAndARealPanel() throws IOException {
    Set<String> alerts = new HashSet<>();
    for (AlertRule rule : OpspulseRules.alerts(OpspulseRules.defaults())) {
      alerts.add(rule.name());
    }
    Map<String, Set<String>> panelsByDashboard = new HashMap<>();
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> files = Files.list(REPO.resolve("dashboards/json"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        JsonNode d = json.readTree(f.toFile());
        Set<String> titles = new HashSet<>();
        collect(d.path("panels"), titles);
        panelsByDashboard.put(d.path("title").asText().replaceFirst("^opspulse / ", ""), titles);
      }
    }
    assertThat(Incidents.all()).isNotEmpty();
    for (Incidents.Incident i : Incidents.all().values()) {
      assertThat(alerts).as("alert of " + i.incident()).contains(i.alert());
      assertThat(panelsByDashboard).as("dashboard of " + i.alert()).containsKey(i.dashboard());
      assertThat(panelsByDashboard.get(i.dashboard()))
          .as("panel of " + i.alert())
          .contains(i.panel());
    }
  }

  private static void collect(JsonNode panels, Set<String> titles) {
    for (JsonNode p : panels) {
      titles.add(p.path("title").asText());
      collect(p.path("panels"), titles);
    }
  }
}
