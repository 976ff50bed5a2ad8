package io.opspulse.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every alert's runbook_url lands on a section of docs/runbooks.md that a person on call can
 * follow.
 */
class RunbookTest {
  private static final Path RUNBOOKS = Path.of("../docs/runbooks.md");
  private static final List<String> PARTS =
      List.of("**Meaning.**", "**Confirm.**", "**Likely causes.**", "**What to do.**");
  private static Map<String, String> sectionsByAnchor;

  @BeforeAll
  static void read() throws Exception {
    assertThat(RUNBOOKS).as("docs/runbooks.md").exists();
    sectionsByAnchor = new LinkedHashMap<>();
    String anchor = null;
    StringBuilder body = new StringBuilder();
    for (String line : Files.readAllLines(RUNBOOKS)) {
      if (line.startsWith("#")) {
        if (anchor != null) {
          sectionsByAnchor.put(anchor, body.toString());
        }
        anchor = githubAnchor(line.replaceFirst("^#+\\s*", ""));
        body.setLength(0);
      } else {
        body.append(line).append('\n');
      }
    }
    sectionsByAnchor.put(anchor, body.toString());
  }

  @Test
  void everyAlertHasARunbookSectionAtItsAnchor() {
    for (AlertRule alert : OpspulseRules.alerts(OpspulseRules.defaults())) {
      String anchor = alert.runbookUrl().substring(alert.runbookUrl().indexOf('#') + 1);
      assertThat(anchor).isEqualTo(alert.name().toLowerCase(Locale.ROOT));
      assertThat(sectionsByAnchor)
          .as("docs/runbooks.md has a heading for %s", alert.name())
          .containsKey(anchor);
      String section = sectionsByAnchor.get(anchor);
      for (String part : PARTS) {
        assertThat(section).as("runbook of %s says %s", alert.name(), part).contains(part);
      }
      String confirm =
          section.substring(section.indexOf("**Confirm.**"), section.indexOf("**Likely causes.**"));
      assertThat(confirm)
          .as("runbook of %s gives a query or command to confirm it", alert.name())
          .contains("`");
    }
  }

  @Test
  void everyAlertSectionBelongsToAnAlert() {
    List<String> anchors =
        OpspulseRules.alerts(OpspulseRules.defaults()).stream()
            .map(a -> a.name().toLowerCase(Locale.ROOT))
            .toList();
    assertThat(sectionsByAnchor.keySet())
        .filteredOn(a -> a.startsWith("opspulse") && !a.contains("-"))
        .as("runbook sections for alerts that no longer exist")
        .isSubsetOf(anchors);
  }

  @Test
  void anchorsAreComputedTheWayGithubDoes() {
    assertThat(githubAnchor("OpspulseContainerCrashLooping"))
        .isEqualTo("opspulsecontainercrashlooping");
    assertThat(githubAnchor("JVM services")).isEqualTo("jvm-services");
  }

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
  private static String githubAnchor(String heading) {
    return heading
        .strip()
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9 _-]", "")
        .replace(' ', '-');
  }
}
