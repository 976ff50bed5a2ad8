package io.opspulse.lab;

import io.opspulse.rules.AlertRule;
import io.opspulse.rules.AlertmanagerConfig;
import io.opspulse.rules.OpspulseRules;
import io.opspulse.rules.Overrides;
import io.opspulse.rules.RuleYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pack's rules as the lab loads them: the committed thresholds and expressions, with every
 * pending period ({@code for:}) cut to {@link #LAB_FOR} so a visitor sees alerts fire within
 * minutes instead of the production 5m to 1h. The committed rule files are not touched; this is an
 * operator's overrides file, written in Java.
 */
final class LabRules {
  static final String LAB_FOR = "20s";

  private LabRules() {}

  static Overrides overrides() {
    Map<String, Overrides.AlertOverride> alerts = new LinkedHashMap<>();
    for (AlertRule alert : OpspulseRules.alerts(OpspulseRules.defaults())) {
      if (!alert.instant()) {
        alerts.put(alert.name(), new Overrides.AlertOverride(LAB_FOR, null, true));
      }
    }
    return new Overrides(Overrides.DEFAULT_PREFIX, "", Map.of(), Map.of(), alerts);
  }

  /** Writes the lab's rules file into {@code dir} and returns its path. */
  static Path write(Path dir) throws IOException {
    Path file = dir.resolve("opspulse-lab-rules.yml");
    Files.writeString(file, RuleYaml.prometheusRules(OpspulseRules.build(overrides())));
    return file;
  }

  /**
   * Writes the Alertmanager configuration the pack ships, built from the lab's rules, into {@code
   * dir}. Its receivers stay the shipped placeholders: nothing is delivered anywhere, the lab only
   * shows what Alertmanager would send after grouping and inhibition.
   */
  static Path writeAlertmanagerConfig(Path dir) throws IOException {
    Path file = dir.resolve("alertmanager.yml");
    Files.writeString(
        file,
        AlertmanagerConfig.render(
            OpspulseRules.build(overrides()), AlertmanagerConfig.Receivers.placeholders()));
    return file;
  }
}
