package io.opspulse.exporter;

import static io.opspulse.catalog.LabelValues.HEALTH_HEALTHY;
import static io.opspulse.catalog.LabelValues.HEALTH_UNHEALTHY;
import static io.opspulse.catalog.LabelValues.STATE_DEAD;
import static io.opspulse.catalog.LabelValues.STATE_RESTARTING;
import static io.opspulse.exporter.TestFleet.container;
import static io.opspulse.exporter.TestFleet.fleet;
import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.exporter.FleetView.ContainerView;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The report's findings read Docker's state and health names as the catalog spells them. */
class ReportTest {
  private static final Instant NOW = Instant.parse("2026-12-07T04:00:00Z");

  private final Report report =
      new Report(
          fleet()
              .engine("27.5.1", "1.47", 4, 8L << 30)
              .with(
                  container("web")
                      .running(NOW.minusSeconds(600), 101)
                      .health(HEALTH_HEALTHY, 0, 30, 5))
              .with(
                  container("api")
                      .running(NOW.minusSeconds(600), 102)
                      .health(HEALTH_UNHEALTHY, 4, 30, 5))
              .with(container("batch").exited(0, NOW.minusSeconds(7200)))
              .with(container("zombie").state(STATE_DEAD))
              .with(container("agent").state(STATE_RESTARTING).restarts(7))
              .with(container("fresh").state("created"))
              .build(),
          NOW);

  @Test
  void exitedAndDeadContainersAreTheOnesLeftBehind() {
    assertThat(report.exited())
        .extracting(c -> c.info().name())
        .containsExactlyInAnyOrder("batch", "zombie");
  }

  @Test
  void aRestartingContainerIsACrashLoop() {
    assertThat(report.crashLooping()).extracting(c -> c.info().name()).containsExactly("agent");
  }

  @Test
  void healthIsCountedByTheCatalogsStatusNames() {
    assertThat(report.unhealthy()).extracting(c -> c.info().name()).containsExactly("api");
    assertThat(report.running())
        .extracting(ContainerView::info)
        .extracting(ContainerInfo::name)
        .containsExactlyInAnyOrder("web", "api");
    assertThat(report.text())
        .contains(
            "1 of 2 health-checked containers healthy (50%)", "unhealthy: api (failing streak 4)");
  }
}
