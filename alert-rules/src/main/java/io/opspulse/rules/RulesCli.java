package io.opspulse.rules;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code opspulse-rules}: renders the rules with an operator's overrides to a chosen path. Exit 0
 * on success, 2 for a bad command line or a bad overrides file (the message names file, line and
 * key), 1 when the output cannot be written.
 */
@Command(
    name = "opspulse-rules",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Render the opspulse alerting and recording rules, with overrides, to a file.")
public final class RulesCli implements Callable<Integer> {
  /**
   * The output formats: Prometheus' rule_files, a prometheus-operator resource, or Alertmanager's
   * config.
   */
  enum Format {
    rules,
    prometheusrule,
    alertmanager
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "PATH",
      description = "File to write.")
  Path output;

  @Option(
      names = {"-f", "--overrides"},
      paramLabel = "FILE",
      description = "YAML overrides: alert_prefix, selector, groups, thresholds, alerts.")
  @Nullable Path overrides;

  @Option(
      names = "--runbook-url",
      paramLabel = "PATTERN",
      description =
          "Runbook link of every alert, with {anchor} (the shipped section's anchor) and {alert}"
              + " (the alert's name); wins over the overrides file's runbook_url.")
  @Nullable String runbookUrl;

  @Option(
      names = "--format",
      defaultValue = "rules",
      paramLabel = "FORMAT",
      description =
          "rules (a Prometheus rules file, the default), prometheusrule, or alertmanager (an"
              + " Alertmanager configuration whose matchers name these rules' alerts; receivers are placeholders).")
  Format format;

  @Option(
      names = "--name",
      defaultValue = RuleFiles.RESOURCE_NAME,
      description = "PrometheusRule metadata.name (default ${DEFAULT-VALUE}).")
  String name;

  @Option(
      names = "--namespace",
      defaultValue = "",
      description = "PrometheusRule metadata.namespace.")
  String namespace;

  @Option(
      names = "--label",
      paramLabel = "KEY=VALUE",
      description =
          "PrometheusRule metadata label, repeatable (e.g. release=prometheus for a ruleSelector).")
  Map<String, String> labels = new LinkedHashMap<>();

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command; the exit code is returned, not exited with, so tests can call it. */
  static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new RulesCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof OverridesException || e instanceof CommandLine.ParameterException) {
            commandLine.getErr().println("opspulse-rules: " + e.getMessage());
            return 2;
          }
          commandLine.getErr().println("opspulse-rules: " + e);
          return 1;
        });
    return cli.execute(args);
  }

  @Override
  public Integer call() throws IOException {
    Overrides chosen = overrides == null ? Overrides.none() : Overrides.load(overrides);
    if (runbookUrl != null) {
      try {
        chosen = chosen.withRunbookUrlPattern(runbookUrl);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--runbook-url: " + e.getMessage());
      }
    }
    List<RuleGroup> groups = OpspulseRules.build(chosen);
    Map<String, String> metadataLabels = new LinkedHashMap<>(RuleFiles.defaultLabels());
    metadataLabels.putAll(labels);
    String text =
        switch (format) {
          case rules -> RuleYaml.prometheusRules(groups);
          case prometheusrule -> RuleYaml.prometheusRule(groups, name, namespace, metadataLabels);
          case alertmanager ->
              AlertmanagerConfig.render(groups, AlertmanagerConfig.Receivers.placeholders());
        };
    Path parent = output.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(output, text, StandardCharsets.UTF_8);
    System.out.println("wrote " + OpspulseRules.alerts(groups).size() + " alerts to " + output);
    return 0;
  }
}
