package io.opspulse.rules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files committed under {@code alert-rules/}, so users can load them without building: {@value
 * #PROMETHEUS_RULES} for Prometheus' {@code rule_files}, {@value #PROMETHEUS_RULE} for {@code
 * kubectl apply} and {@value #ALERTMANAGER} for Alertmanager. {@code main(dir)} rewrites all three
 * ({@code mvn -pl alert-rules compile exec:java}).
 */
public final class RuleFiles {
  public static final String PROMETHEUS_RULES = "opspulse-rules.yml";
  public static final String PROMETHEUS_RULE = "opspulse-prometheusrule.yaml";
  public static final String ALERTMANAGER = "alertmanager.yml";
  public static final String RESOURCE_NAME = "opspulse-rules";

  private RuleFiles() {}

  /**
   * The committed plain rules file, found from the repository root or from the module directory.
   */
  public static Path committedRulesFile(Path repositoryRoot) {
    return repositoryRoot.resolve("alert-rules").resolve(PROMETHEUS_RULES);
  }

  /** The default rules file's text, exactly as committed. */
  public static String renderRules() {
    return RuleYaml.prometheusRules(OpspulseRules.defaults());
  }

  /** The default PrometheusRule's text, exactly as committed. */
  public static String renderPrometheusRule() {
    return RuleYaml.prometheusRule(OpspulseRules.defaults(), RESOURCE_NAME, "", defaultLabels());
  }

  /**
   * The default Alertmanager configuration's text, with placeholder receivers, exactly as
   * committed.
   */
  public static String renderAlertmanager() {
    return AlertmanagerConfig.render(
        OpspulseRules.defaults(), AlertmanagerConfig.Receivers.placeholders());
  }

  static Map<String, String> defaultLabels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", "opspulse");
    labels.put("app.kubernetes.io/component", "alert-rules");
    return labels;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println(
          "usage: RuleFiles MODULE_DIR (writes "
              + PROMETHEUS_RULES
              + ", "
              + PROMETHEUS_RULE
              + ", "
              + ALERTMANAGER
              + ")");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    Files.writeString(dir.resolve(PROMETHEUS_RULES), renderRules(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(PROMETHEUS_RULE), renderPrometheusRule(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(ALERTMANAGER), renderAlertmanager(), StandardCharsets.UTF_8);
    System.out.println(
        "wrote "
            + dir.resolve(PROMETHEUS_RULES)
            + ", "
            + dir.resolve(PROMETHEUS_RULE)
            + " and "
            + dir.resolve(ALERTMANAGER));
  }
}
