package io.opspulse.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opspulse.testkit.AlertmanagerServer;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.PrometheusServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerting path for real: Prometheus evaluates the rules over two Docker hosts' exporter
 * metrics and sends to an Alertmanager running the generated configuration; Alertmanager's API must
 * show the grouping and the inhibitions, and its webhooks what would page.
 *
 * <ul>
 *   <li>host B: two agents of one compose service exit 127 (report 003), and 3 of 4 health-checked
 *       containers are unhealthy, so both grades of OpspulseFleetHealthDegraded fire;
 *   <li>host A: the exporter cannot reach its engine and still serves its last known fleet, where
 *       an agent exited 127 too.
 * </ul>
 */
class AlertmanagerIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String HOST_A =
      """
      docker_up 0
      docker_container_last_exit_reason{id="a1",name="sutazai-agent-1",compose_project="sutazai",compose_service="agent",reason="command_not_found"} 1
      """;
  private static final String HOST_B =
      """
      docker_up 1
      docker_container_last_exit_reason{id="b1",name="sutazai-agent-1",compose_project="sutazai",compose_service="agent",reason="command_not_found"} 1
      docker_container_last_exit_reason{id="b2",name="sutazai-agent-2",compose_project="sutazai",compose_service="agent",reason="command_not_found"} 1
      docker_container_health_status{id="h1",name="api-1",compose_project="aiwf",compose_service="api",status="healthy"} 1
      docker_container_health_status{id="h2",name="api-2",compose_project="aiwf",compose_service="api",status="unhealthy"} 1
      docker_container_health_status{id="h3",name="worker-1",compose_project="aiwf",compose_service="worker",status="unhealthy"} 1
      docker_container_health_status{id="h4",name="worker-2",compose_project="aiwf",compose_service="worker",status="unhealthy"} 1
      """;

  @Test
  void alertmanagerGroupsInhibitsAndRoutesTheRulesAlerts(@TempDir Path dir) throws Exception {
    // The shipped rules with every pending period cut to zero: the test waits for nothing it need
    // not.
    Map<String, Overrides.AlertOverride> now = new LinkedHashMap<>();
    OpspulseRules.alerts(OpspulseRules.defaults())
        .forEach(a -> now.put(a.name(), new Overrides.AlertOverride("0s", null, true)));
    List<RuleGroup> groups =
        OpspulseRules.build(new Overrides(Overrides.DEFAULT_PREFIX, "", Map.of(), Map.of(), now));
    Path rules = Files.writeString(dir.resolve("rules.yml"), RuleYaml.prometheusRules(groups));

    try (FixtureHttp hostA = new FixtureHttp().serving(HOST_A);
        FixtureHttp hostB = new FixtureHttp().serving(HOST_B);
        FixtureHttp hooks = new FixtureHttp()) {
      Path config =
          Files.writeString(
              dir.resolve("alertmanager.yml"),
              AlertmanagerConfig.render(groups, AlertmanagerConfig.Receivers.at(hooks.hookBase())));
      Amtool.checkConfig(config);
      try (AlertmanagerServer am = AlertmanagerServer.start(config, dir);
          PrometheusServer prometheus =
              PrometheusServer.builder()
                  .scrape("docker", hostA.hostPort(), hostB.hostPort())
                  .ruleFile(rules)
                  .alertmanager(am.hostPort())
                  .start()) {
        String a = hostA.hostPort();
        String b = hostB.hostPort();

        // The Watchdog fires at Prometheus' first evaluation, possibly before its notifier knows
        // the
        // Alertmanager; it then arrives with the next resend, within a minute.
        List<JsonNode> alerts =
            Poll.until(
                "Alertmanager to hold every expected alert, processed",
                Duration.ofSeconds(150),
                () -> {
                  List<JsonNode> all = new ArrayList<>();
                  am.api("/api/v2/alerts").forEach(all::add);
                  boolean complete =
                      find(all, "OpspulseWatchdog", null, null).isPresent()
                          && find(all, "OpspulseDockerEngineUnreachable", a, null).isPresent()
                          && count(all, "OpspulseContainerCommandNotFound") == 3
                          && find(all, "OpspulseFleetHealthDegraded", b, "warning").isPresent()
                          && find(all, "OpspulseFleetHealthDegraded", b, "critical").isPresent()
                          && all.stream()
                              .noneMatch(
                                  x ->
                                      x.path("status")
                                          .path("state")
                                          .asText()
                                          .equals("unprocessed"));
                  return complete ? all : null;
                });

        // Inhibition: the critical grade silences the warning grade of the same alert and host.
        JsonNode warning = find(alerts, "OpspulseFleetHealthDegraded", b, "warning").orElseThrow();
        JsonNode critical =
            find(alerts, "OpspulseFleetHealthDegraded", b, "critical").orElseThrow();
        assertThat(state(warning))
            .as("warning grade while the critical one fires")
            .isEqualTo("suppressed");
        assertThat(warning.path("status").path("inhibitedBy")).isNotEmpty();
        assertThat(state(critical)).isEqualTo("active");

        // Inhibition: host A's engine is unreachable, so its container alerts are silenced; host
        // B's are not.
        assertThat(state(find(alerts, "OpspulseDockerEngineUnreachable", a, null).orElseThrow()))
            .isEqualTo("active");
        assertThat(alerts)
            .filteredOn(x -> name(x).equals("OpspulseContainerCommandNotFound"))
            .allSatisfy(
                x ->
                    assertThat(state(x))
                        .as(x.path("labels").toString())
                        .isEqualTo(label(x, "instance").equals(a) ? "suppressed" : "active"));
        assertThat(state(find(alerts, "OpspulseWatchdog", null, null).orElseThrow()))
            .isEqualTo("active");

        // Grouping: host B's two agents of one compose service are one group, routed to the pager.
        List<JsonNode> groupsNow = new ArrayList<>();
        am.api("/api/v2/alerts/groups").forEach(groupsNow::add);
        JsonNode agents =
            groupsNow.stream()
                .filter(
                    g ->
                        g.path("labels")
                                .path("alertname")
                                .asText()
                                .equals("OpspulseContainerCommandNotFound")
                            && g.path("labels").path("instance").asText().equals(b))
                .findFirst()
                .orElseThrow(
                    () ->
                        new AssertionError("no CommandNotFound group for " + b + ": " + groupsNow));
        assertThat(agents.path("labels").path("compose_project").asText()).isEqualTo("sutazai");
        assertThat(agents.path("labels").path("compose_service").asText()).isEqualTo("agent");
        assertThat(agents.path("receiver").path("name").asText()).isEqualTo("pager");
        assertThat(agents.path("alerts")).hasSize(2);
        assertThat(groupsNow)
            .filteredOn(g -> g.path("labels").path("alertname").asText().equals("OpspulseWatchdog"))
            .singleElement()
            .satisfies(
                g -> assertThat(g.path("receiver").path("name").asText()).isEqualTo("watchdog"));

        // What pages, after grouping and inhibition: the webhooks Alertmanager actually calls.
        List<JsonNode> pages =
            Poll.until(
                "the pager to be notified of host B's agents, its health and host A's engine",
                Duration.ofSeconds(120),
                () -> {
                  List<JsonNode> got = notifications(hooks, "pager");
                  boolean done =
                      notified(got, "OpspulseContainerCommandNotFound", b)
                          && notified(got, "OpspulseFleetHealthDegraded", b)
                          && notified(got, "OpspulseDockerEngineUnreachable", a);
                  return done ? got : null;
                });
        JsonNode agentPage =
            pages.stream()
                .filter(
                    n ->
                        groupLabel(n, "alertname").equals("OpspulseContainerCommandNotFound")
                            && groupLabel(n, "instance").equals(b))
                .findFirst()
                .orElseThrow();
        assertThat(agentPage.path("alerts")).as("two agents, one notification").hasSize(2);
        assertThat(pages)
            .as("host A's container alert is inhibited: it never pages")
            .noneMatch(
                n ->
                    groupLabel(n, "alertname").equals("OpspulseContainerCommandNotFound")
                        && groupLabel(n, "instance").equals(a));
        assertThat(notifications(hooks, "ticket"))
            .as("the inhibited warning grade never reaches the ticket queue")
            .noneMatch(n -> groupLabel(n, "alertname").equals("OpspulseFleetHealthDegraded"));
        Poll.untilTrue(
            "the Watchdog to reach its dead man's switch",
            Duration.ofSeconds(60),
            () -> notified(notifications(hooks, "watchdog"), "OpspulseWatchdog", null));
      }
    }
  }

  private static Optional<JsonNode> find(
      List<JsonNode> alerts, String name, String instance, String severity) {
    return alerts.stream()
        .filter(
            x ->
                name(x).equals(name)
                    && (instance == null || label(x, "instance").equals(instance))
                    && (severity == null || label(x, "severity").equals(severity)))
        .findFirst();
  }

  private static long count(List<JsonNode> alerts, String name) {
    return alerts.stream().filter(x -> name(x).equals(name)).count();
  }

  private static String name(JsonNode alert) {
    return label(alert, "alertname");
  }

  private static String label(JsonNode alert, String label) {
    return alert.path("labels").path(label).asText();
  }

  private static String state(JsonNode alert) {
    return alert.path("status").path("state").asText();
  }

  private static List<JsonNode> notifications(FixtureHttp hooks, String receiver) {
    List<JsonNode> out = new ArrayList<>();
    for (String body : hooks.notifications(receiver)) {
      try {
        out.add(JSON.readTree(body));
      } catch (Exception e) {
        throw new AssertionError("notification to " + receiver + " is not JSON: " + body, e);
      }
    }
    return out;
  }

  private static boolean notified(List<JsonNode> notifications, String alertname, String instance) {
    return notifications.stream()
        .anyMatch(
            n ->
                groupLabel(n, "alertname").equals(alertname)
                    && (instance == null || groupLabel(n, "instance").equals(instance)));
  }

  private static String groupLabel(JsonNode notification, String label) {
    return notification.path("groupLabels").path(label).asText();
  }
}
