package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What FleetSync does after each compose refresh: the model forgets the service series of projects
 * the reconciler says are gone, so a CI runner with a new project name per job keeps a bounded
 * memory.
 */
class ProjectPruningTest {
  private final OriginClassifier origins = new OriginClassifier(List.of(), List.of());

  @Test
  void serviceSeriesOfEphemeralProjectsGoAfterTheRetentionAndOthersStay(@TempDir Path dir)
      throws Exception {
    Path ci = Files.createDirectories(dir.resolve("ci")).resolve("compose.yaml");
    Files.writeString(ci, "services:\n  test: {image: t}\n");
    ComposeReconcilerTest.SettableClock clock = new ComposeReconcilerTest.SettableClock();
    ComposeReconciler compose =
        new ComposeReconciler(
            List.of(), List.of(), new ProjectRetention(Duration.ofMinutes(10), clock), Map.of());
    FleetModel model = new FleetModel();

    // Fifty CI jobs, each its own project, each a container that exits and is removed.
    for (int job = 0; job < 50; job++) {
      String id = String.format("%064x", job + 1);
      String project = "ci-job-" + job;
      model.upsert(
          FleetModelTest.info(
              id,
              "running",
              0,
              Map.of(
                  ContainerInfo.PROJECT,
                  project,
                  ContainerInfo.SERVICE,
                  "test",
                  ComposeLabels.CONFIG_FILES,
                  ci.toString(),
                  ComposeLabels.WORKING_DIR,
                  ci.getParent().toString())));
      refresh(compose, model);
      model.recordExit(id, 1, 1_000L + job, project, "test", false);
      model.remove(id);
      clock.advance(Duration.ofMinutes(1));
      refresh(compose, model);
    }
    // A long-lived project with its container still there.
    String keep = "f".repeat(64);
    model.upsert(
        FleetModelTest.info(
            keep,
            "running",
            0,
            Map.of(ContainerInfo.PROJECT, "shop", ContainerInfo.SERVICE, "web")));
    model.recordExit(keep, 137, 9_000, "shop", "web", false);
    refresh(compose, model);

    // Now is minute 50. Job j was last present at minute j: jobs 41-49 are within the 10 minutes.
    assertThat(model.projectsWithServiceCounts())
        .hasSize(10)
        .contains("shop", "ci-job-49", "ci-job-41")
        .doesNotContain("ci-job-40", "ci-job-0");
    clock.advance(Duration.ofHours(1));
    refresh(compose, model);
    assertThat(model.projectsWithServiceCounts()).containsExactly("shop");
    assertThat(model.view(compose.state(), origins).services())
        .singleElement()
        .satisfies(s -> assertThat(s.project()).isEqualTo("shop"));
  }

  /** FleetSync's refreshCompose. */
  private static void refresh(ComposeReconciler compose, FleetModel model) {
    compose.refresh(model.composeLabels());
    model.forgetProjects(compose.expired(model.projectsWithServiceCounts()));
  }
}
