package io.opspulse.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed rule files are what users load without building: they must be today's rules. */
class CommittedRuleFilesTest {
  private static final String REGENERATE = "stale: regenerate with `mvn -pl alert-rules compile exec:java` and commit";

  @Test
  void committedRulesFileMatchesAFreshGeneration() throws Exception {
    Path committed = Path.of(RuleFiles.PROMETHEUS_RULES);
    assertThat(committed).as("alert-rules/%s is committed", committed).exists();
    assertThat(Files.readString(committed, StandardCharsets.UTF_8))
        .as("alert-rules/" + RuleFiles.PROMETHEUS_RULES + " is " + REGENERATE)
        .isEqualTo(RuleFiles.renderRules());
  }

  @Test
  void committedPrometheusRuleMatchesAFreshGeneration() throws Exception {
    Path committed = Path.of(RuleFiles.PROMETHEUS_RULE);
    assertThat(committed).as("alert-rules/%s is committed", committed).exists();
    assertThat(Files.readString(committed, StandardCharsets.UTF_8))
        .as("alert-rules/" + RuleFiles.PROMETHEUS_RULE + " is " + REGENERATE)
        .isEqualTo(RuleFiles.renderPrometheusRule());
  }

  @Test
  void generationIsStable() {
    assertThat(RuleFiles.renderRules()).isEqualTo(RuleFiles.renderRules());
  }

  @Test
  void theCommittedFileIsFoundFromTheRepositoryRoot() {
    assertThat(RuleFiles.committedRulesFile(Path.of("..").toAbsolutePath().normalize())).exists();
  }
}
