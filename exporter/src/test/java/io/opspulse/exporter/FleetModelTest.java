package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetModelTest {
  private static final String ID = "b".repeat(64);
  private static final Map<String, String> AGENT =
      Map.of(ContainerInfo.PROJECT, "mcp", ContainerInfo.SERVICE, "agent");
  private final OriginClassifier origins = new OriginClassifier(List.of(), List.of());

  static ContainerInfo info(String id, String state, int restartCount, Map<String, String> labels) {
    TestFleet.Container c =
        TestFleet.container("c-" + id.substring(0, 3))
            .id(id)
            .state(state)
            .restartCount(restartCount);
    labels.forEach(c::label);
    return c.info();
  }

  private FleetView.ContainerView only(FleetModel m) {
    return m.view(DeclaredState.EMPTY, origins).containers().get(0);
  }

  @Test
  void restartsNeverGoBackwardsWhenDockersCountResets() {
    FleetModel m = new FleetModel();
    m.upsert(info(ID, "running", 4, AGENT));
    m.upsert(info(ID, "running", 6, AGENT));
    assertThat(only(m).restarts()).isEqualTo(6);
    // The engine restarted (or someone ran docker start): Docker's count starts over.
    m.upsert(info(ID, "running", 0, AGENT));
    assertThat(only(m).restarts()).isEqualTo(6);
    m.upsert(info(ID, "running", 2, AGENT));
    assertThat(only(m).restarts()).isEqualTo(8);
  }

  @Test
  void aReplayedDieEventIsNotCountedTwice() {
    FleetModel m = new FleetModel();
    m.upsert(info(ID, "running", 0, AGENT));
    m.recordExit(ID, 127, 1_000, "mcp", "agent", false);
    m.recordExit(ID, 127, 1_000, "mcp", "agent", false);
    m.recordExit(ID, 127, 2_000, "mcp", "agent", false);
    assertThat(only(m).exits()).containsEntry(ExitReason.COMMAND_NOT_FOUND, 2L);
    assertThat(only(m).lastExit().code()).isEqualTo(127);
  }

  @Test
  void aReplayedDieOfARemovedContainerIsNotCountedAgainForItsService() {
    FleetModel m = new FleetModel();
    m.upsert(info(ID, "running", 0, AGENT));
    m.recordExit(ID, 1, 1_000, "mcp", "agent", false);
    m.remove(ID); // destroyed while the stream was down; the replay brings its die again
    m.recordExit(ID, 1, 1_000, "mcp", "agent", false);
    assertThat(m.view(DeclaredState.EMPTY, origins).services())
        .singleElement()
        .satisfies(s -> assertThat(s.exits()).containsExactly(Map.entry(ExitReason.ERROR, 1L)));
  }

  @Test
  void aResyncDropsWhatTheEngineNoLongerListsButKeepsWhatWasCreatedAfterTheList() {
    FleetModel m = new FleetModel();
    String gone = "a".repeat(64);
    String listed = "c".repeat(64);
    String createdMeanwhile = "d".repeat(64);
    m.upsert(info(gone, "running", 0, Map.of()));
    m.upsert(info(listed, "running", 0, Map.of()));
    long mark = m.mark(); // the resync's list: [listed]
    m.upsert(
        info(
            createdMeanwhile,
            "running",
            0,
            Map.of())); // its create event, handled during the resync
    m.retainListed(java.util.Set.of(listed), mark);
    assertThat(m.view(DeclaredState.EMPTY, origins).containers())
        .extracting(c -> c.info().id())
        .containsExactlyInAnyOrder(listed, createdMeanwhile);
  }

  @Test
  void aFailedStartCountsOnceAsAnExitWithItsReason() {
    FleetModel m = new FleetModel();
    ContainerInfo created = info(ID, "created", 0, AGENT);
    m.upsert(created);
    ContainerInfo failed =
        TestFleet.container("api")
            .id(ID)
            .compose("mcp", "agent")
            .failedToStart(127, "exec: \"uvicorn\": executable file not found in $PATH")
            .info();
    assertThat(failed.failedToStart()).isTrue();
    m.recordStartFailure(failed, 5_000);
    m.recordStartFailure(failed, 5_000); // the same network disconnect, replayed
    FleetView v = m.view(DeclaredState.EMPTY, origins);
    assertThat(v.containers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.exits()).containsExactly(Map.entry(ExitReason.COMMAND_NOT_FOUND, 1L));
              assertThat(c.lastExit().reason()).isEqualTo(ExitReason.COMMAND_NOT_FOUND);
              assertThat(c.lastExit().code()).isEqualTo(127);
            });
    assertThat(v.services())
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.exits()).containsExactly(Map.entry(ExitReason.COMMAND_NOT_FOUND, 1L)));
    m.recordStartFailure(failed, 9_000); // docker start tried again, and failed again
    assertThat(only(m).exits()).containsExactly(Map.entry(ExitReason.COMMAND_NOT_FOUND, 2L));
  }

  @Test
  void aContainerFirstSeenFailedShowsItsReasonWithoutCountingAnExit() {
    FleetModel m = new FleetModel();
    m.upsert(
        TestFleet.container("api")
            .id(ID)
            .compose("mcp", "agent")
            .failedToStart(126, "permission denied")
            .info());
    assertThat(only(m).lastExit().reason()).isEqualTo(ExitReason.NOT_EXECUTABLE);
    assertThat(only(m).exits()).isEmpty();
  }

  @Test
  void serviceExitsSurviveTheContainerBeingRecreated() {
    FleetModel m = new FleetModel();
    m.upsert(info(ID, "running", 0, AGENT));
    m.recordExit(ID, 127, 1_000, "mcp", "agent", false);
    m.remove(ID);
    String other = "c".repeat(64);
    m.upsert(info(other, "running", 0, AGENT));
    m.recordExit(other, 127, 2_000, "mcp", "agent", false);
    FleetView v = m.view(DeclaredState.EMPTY, origins);
    assertThat(v.services())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.exits()).containsEntry(ExitReason.COMMAND_NOT_FOUND, 2L);
              assertThat(s.declared()).isFalse();
            });
  }

  @Test
  void anOomEventMakesTheNextExitAnOomKill() {
    FleetModel m = new FleetModel();
    m.upsert(info(ID, "running", 0, Map.of()));
    m.recordOom(ID, 500);
    m.recordExit(ID, 137, 600, "", "", false);
    m.recordExit(ID, 137, 700, "", "", false);
    FleetView.ContainerView c = only(m);
    assertThat(c.oomKills()).isEqualTo(1);
    assertThat(c.exits())
        .containsEntry(ExitReason.OOM_KILLED, 1L)
        .containsEntry(ExitReason.KILLED, 1L);
  }

  @Test
  void anInspectSayingOomKilledCountsWhenTheEventIsMissingAndALateEventIsNotCountedAgain() {
    FleetModel m = new FleetModel();
    m.upsert(info(ID, "running", 0, Map.of()));
    m.recordExit(ID, 137, 600, "", "", true);
    m.recordOom(ID, 590); // the oom event, late
    FleetView.ContainerView c = only(m);
    assertThat(c.oomKills()).isEqualTo(1);
    assertThat(c.exits()).containsEntry(ExitReason.OOM_KILLED, 1L);
  }

  @Test
  void anInspectBetweenRestartsDoesNotOverwriteTheEventsOomReason() {
    FleetModel m = new FleetModel();
    m.upsert(info(ID, "running", 0, Map.of()));
    m.recordOom(ID, 1_000_000_000L);
    m.recordExit(ID, 137, 1_000_000_000L, "", "", false);
    // Docker, restarting the container, reports the exit without OOMKilled and a FinishedAt a
    // moment later.
    m.upsert(
        TestFleet.container("c")
            .id(ID)
            .exited(137, Instant.ofEpochSecond(1, 5_000_000))
            .state("restarting")
            .restartCount(1)
            .info());
    assertThat(only(m).lastExit().reason()).isEqualTo(ExitReason.OOM_KILLED);
  }

  @Test
  void declaredServicesWithoutContainersAreVisible() {
    FleetModel m = new FleetModel();
    DeclaredState declared =
        new DeclaredState(
            Map.of(
                "infra",
                Map.of(
                    "consul",
                        new DeclaredService("infra", "consul", "consul", 1, false, List.of(), "f"),
                    "kong", new DeclaredService("infra", "kong", "kong", 2, true, List.of(), "f"))),
            Map.of(),
            List.of());
    FleetView v = m.view(declared, origins);
    assertThat(v.services())
        .extracting(s -> s.service() + "=" + s.desiredReplicas() + "/" + s.runningReplicas())
        .containsExactly("consul=1/0", "kong=2/0");
  }

  @Test
  void everyChangeMovesTheVersion() {
    FleetModel m = new FleetModel();
    long v0 = m.version();
    m.upsert(info(ID, "running", 0, Map.of()));
    long v1 = m.version();
    m.recordOom(ID, 1);
    long v2 = m.version();
    m.touch();
    assertThat(List.of(v0, v1, v2, m.version())).doesNotHaveDuplicates();
  }
}
