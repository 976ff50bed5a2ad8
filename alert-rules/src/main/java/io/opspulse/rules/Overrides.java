package io.opspulse.rules;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What an operator changes about the default rules, read from a YAML file:
 *
 * <pre>
 * alert_prefix: Acme                 # alert names become AcmeContainerCrashLooping, ...
 * runbook_url: https://wiki.example.com/runbooks/{alert}   # {anchor}: the shipped section's anchor
 * selector: 'job=~"docker.*"'        # injected into every metric selector of every rule
 * groups:
 *   opspulse-jvm:
 *     selector: 'job="shop"'         # replaces the global selector for one group
 * thresholds:                        # by catalog key (catalog/catalog.json lists them)
 *   restarts_per_hour: 5
 * alerts:                            # by default (Opspulse-prefixed) name
 *   OpspulseContainerCrashLooping:
 *     for: 10m
 *     severity: critical
 *     enabled: false
 * </pre>
 *
 * @param alertPrefix replaces {@code Opspulse} at the start of every alert name
 * @param selector matchers added to every metric selector, empty for none
 * @param groupSelectors per rule group, a selector that replaces {@code selector}
 * @param thresholds threshold values by catalog key
 * @param alerts per alert, its changes
 * @param runbookUrlPattern every alert's {@code runbook_url}, with {@code {anchor}} (the canonical
 *     name in lower case, the section of docs/runbooks.md) and {@code {alert}} (the name as
 *     rendered)
 */
public record Overrides(
    String alertPrefix,
    String selector,
    Map<String, String> groupSelectors,
    Map<String, Double> thresholds,
    Map<String, AlertOverride> alerts,
    String runbookUrlPattern) {

  /** The prefix every default alert name starts with. */
  public static final String DEFAULT_PREFIX = "Opspulse";

  public Overrides {
    groupSelectors = Map.copyOf(groupSelectors);
    thresholds = Map.copyOf(thresholds);
    alerts = Map.copyOf(alerts);
    selector = Promql.normalizeSelector(selector);
    groupSelectors.values().forEach(Promql::normalizeSelector);
    AlertRule.checkRunbookUrlPattern(runbookUrlPattern);
  }

  /** Overrides that keep the shipped runbook links. */
  public Overrides(
      String alertPrefix,
      String selector,
      Map<String, String> groupSelectors,
      Map<String, Double> thresholds,
      Map<String, AlertOverride> alerts) {
    this(alertPrefix, selector, groupSelectors, thresholds, alerts, AlertRule.DEFAULT_RUNBOOK_URL);
  }

  /** No changes: the defaults. */
  public static Overrides none() {
    return new Overrides(DEFAULT_PREFIX, "", Map.of(), Map.of(), Map.of());
  }

  /** These overrides with every alert's runbook_url made from {@code pattern}. */
  public Overrides withRunbookUrlPattern(String pattern) {
    return new Overrides(alertPrefix, selector, groupSelectors, thresholds, alerts, pattern);
  }

  /**
   * Reads an overrides file.
   *
   * @throws OverridesException naming the file, line and key of the first thing wrong
   */
  public static Overrides load(Path file) throws IOException {
    return new OverridesLoader(
            file,
            OpspulseRules.defaultAlertNames(),
            OpspulseRules.groupNames(),
            OpspulseRules.gradedAlertNames())
        .load();
  }

  /** The selector for one group: its own, or the global one. */
  public String selectorFor(String group) {
    String own = groupSelectors.get(group);
    return own != null ? Promql.normalizeSelector(own) : selector;
  }

  /**
   * One alert's changes; null fields leave the default. For a graded alert (one name, a rule per
   * severity) {@code for} and {@code enabled} apply to every grade; its severities stay as they
   * are.
   *
   * @param forDuration the pending period; "0s" makes the alert fire on the first evaluation
   */
  public record AlertOverride(
      @Nullable String forDuration, @Nullable Severity severity, boolean enabled) {}
}
