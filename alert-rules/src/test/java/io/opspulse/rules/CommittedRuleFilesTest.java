package io.opspulse.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed rule files are what users load without building: they must be today's rules. The
 * test regenerates them the way a developer does ({@link RuleFiles#main} into a folder), but into a
 * folder of its own, and compares what it wrote with the files committed in the module directory.
 */
class CommittedRuleFilesTest {
  private static final String REGENERATE =
      "stale: regenerate with `mvn -pl alert-rules compile exec:java` and commit";

  /** Surefire runs in the module directory, where the files are committed. */
  private static final Path MODULE = Path.of("").toAbsolutePath();

  @TempDir static Path fresh;

  @ParameterizedTest
  @ValueSource(
      strings = {RuleFiles.PROMETHEUS_RULES, RuleFiles.PROMETHEUS_RULE, RuleFiles.ALERTMANAGER})
  void committedFileEqualsAFreshGeneration(String file) throws Exception {
    RuleFiles.main(new String[] {fresh.toString()});
    Path committed = MODULE.resolve(file);
    Path generated = fresh.resolve(file);
    assertThat(generated.toRealPath())
        .as("two different files are compared")
        .isNotEqualTo(committed.toRealPath());
    assertThat(committed).as("alert-rules/%s is committed", file).exists();
    assertThat(
            firstDifference(
                Files.readAllLines(committed, StandardCharsets.UTF_8),
                Files.readAllLines(generated, StandardCharsets.UTF_8)))
        .as("alert-rules/%s is %s", file, REGENERATE)
        .isEmpty();
    assertThat(Files.mismatch(committed, generated))
        .as("alert-rules/%s byte for byte", file)
        .isEqualTo(-1L);
  }

  @Test
  void theCommittedFileIsFoundFromTheRepositoryRoot() {
    assertThat(RuleFiles.committedRulesFile(MODULE.resolve("..").normalize())).exists();
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
