package io.opspulse.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The Alertmanager summary the lab prints, from the shape /api/v2/alerts/groups answers with. */
class AlertBoardTest {
  @Test
  void countsNotificationsPerReceiverAndListsWhatWouldPage() throws Exception {
    String groups =
        """
        [
          {"labels": {"alertname": "OpspulseContainerCommandNotFound", "instance": "h:9838", "compose_service": "agent"},
           "receiver": {"name": "pager"},
           "alerts": [{"status": {"state": "active"}}, {"status": {"state": "active"}}]},
          {"labels": {"alertname": "OpspulseContainerCommandNotFound", "instance": "g:9838", "compose_service": "agent"},
           "receiver": {"name": "pager"},
           "alerts": [{"status": {"state": "suppressed"}}]},
          {"labels": {"alertname": "OpspulseFleetHealthDegraded", "instance": "h:9838"},
           "receiver": {"name": "ticket"},
           "alerts": [{"status": {"state": "suppressed"}}]},
          {"labels": {"alertname": "OpspulseWatchdog"}, "receiver": {"name": "watchdog"},
           "alerts": [{"status": {"state": "active"}}]}
        ]
        """;
    String board = AlertBoard.routing(new ObjectMapper().readTree(groups));
    assertThat(board)
        .containsPattern("(?m)^pager +1 +2 +1$")
        .containsPattern("(?m)^ticket +0 +0 +1$")
        .containsPattern("(?m)^watchdog +1 +1 +0$")
        .contains(
            "would page: 1 notifications\n  OpspulseContainerCommandNotFound h:9838 agent (2)\n")
        .doesNotContain("g:9838");
  }

  @Test
  void nothingActiveMeansNothingPages() throws Exception {
    assertThat(AlertBoard.routing(new ObjectMapper().readTree("[]")))
        .contains("would page: nothing");
  }
}
