package io.opspulse.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed dashboards are exactly what the generator writes from today's catalog. The Maven build
 * regenerates into target/generated-dashboards (exec-maven-plugin, generate-resources) before this runs.
 */
class DashboardsDriftTest {
  private static final String HOW_TO_FIX =
      "regenerate the committed dashboards: mvn -o -q -pl dashboards generate-resources -Ddashboards.output=json";

  @Test
  void theBuildGeneratedEveryDashboard() {
    assertThat(Dashboards.jsonFiles(Dashboards.generated()).stream().map(p -> p.getFileName().toString()))
        .containsExactlyElementsOf(Dashboards.FILES);
  }

  @Test
  void committedFilesAreTheGeneratedOnes() {
    assertThat(Dashboards.jsonFiles(Dashboards.committed()).stream().map(p -> p.getFileName().toString()))
        .as(HOW_TO_FIX)
        .containsExactlyElementsOf(Dashboards.FILES);
  }

  @Test
  void committedJsonEqualsAFreshGeneration() throws IOException {
    for (String file : Dashboards.FILES) {
      Path fresh = Dashboards.generated().resolve(file);
      Path committed = Dashboards.committed().resolve(file);
      assertThat(firstDifference(Files.readAllLines(committed), Files.readAllLines(fresh)))
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
