package io.opspulse.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.CommandResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed dashboards are exactly what the generator writes from today's catalog. The test
 * runs the generator itself into a folder of its own, so the comparison never reads one folder
 * twice (the build's {@code -Ddashboards.output=json} writes the committed folder, which then
 * equals itself).
 */
class DashboardsDriftTest {
  private static final String HOW_TO_FIX =
      "regenerate the committed dashboards: mvn -o -q -pl dashboards generate-resources -Ddashboards.output=json";

  @TempDir static Path dir;
  static Path fresh;

  @BeforeAll
  static void generate() {
    fresh = dir.resolve("fresh");
    CommandResult r = Dashboards.generate(Dashboards.catalogJson(), fresh);
    assertThat(r.exitCode()).as("the generator: %s", r.stderr()).isZero();
  }

  @Test
  void theGeneratorWritesEveryDashboard() {
    assertThat(Dashboards.jsonFiles(fresh).stream().map(p -> p.getFileName().toString()))
        .containsExactlyElementsOf(Dashboards.FILES);
  }

  @Test
  void committedFilesAreTheGeneratedOnes() {
    assertThat(
            Dashboards.jsonFiles(Dashboards.committed()).stream()
                .map(p -> p.getFileName().toString()))
        .as(HOW_TO_FIX)
        .containsExactlyElementsOf(Dashboards.FILES);
  }

  @Test
  void committedJsonEqualsAFreshGeneration() throws IOException {
    assertThat(fresh.toRealPath()).isNotEqualTo(Dashboards.committed().toRealPath());
    for (String file : Dashboards.FILES) {
      Path committed = Dashboards.committed().resolve(file);
      assertThat(
              firstDifference(
                  Files.readAllLines(committed), Files.readAllLines(fresh.resolve(file))))
          .as("%s differs from a fresh generation; %s", committed, HOW_TO_FIX)
          .isEmpty();
    }
  }

  /** "" when equal, else the first line that differs, short enough to read in a build log. */
  private static String firstDifference(List<String> committed, List<String> fresh) {
    for (int i = 0; i < Math.max(committed.size(), fresh.size()); i++) {
      String c = i < committed.size() ? committed.get(i) : "<end of file>";
      String f = i < fresh.size() ? fresh.get(i) : "<end of file>";
      if (!c.equals(f)) {
        return "line " + (i + 1) + ":\n  committed: " + c.strip() + "\n  generated: " + f.strip();
      }
    }
    return "";
  }
}
