package io.opspulse.rules;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The pack's rules: fleet, host, GPU and JVM groups, built from the catalog with an operator's
 * overrides.
 */
public final class OpspulseRules {
  private static final Map<String, Function<Promql, RuleGroup>> GROUPS = new LinkedHashMap<>();

  static {
    GROUPS.put(FleetRules.GROUP, FleetRules::group);
    GROUPS.put(HostRules.GROUP, HostRules::group);
    GROUPS.put(GpuRules.GROUP, GpuRules::group);
    GROUPS.put(JvmRules.GROUP, JvmRules::group);
  }

  private OpspulseRules() {}

  /** The rules as shipped: the catalog's thresholds, no selector, the Opspulse prefix. */
  public static List<RuleGroup> defaults() {
    return build(Overrides.none());
  }

  /** The rules with {@code overrides} applied. */
  public static List<RuleGroup> build(Overrides overrides) {
    return GROUPS.entrySet().stream()
        .map(
            e ->
                e.getValue()
                    .apply(new Promql(overrides.thresholds(), overrides.selectorFor(e.getKey()))))
        .map(group -> group.mapAlerts(alert -> apply(overrides, alert)))
        .toList();
  }

  /** Every alert of {@code groups}, in order. */
  public static List<AlertRule> alerts(List<RuleGroup> groups) {
    return groups.stream().flatMap(g -> g.alerts().stream()).toList();
  }

  static Set<String> defaultAlertNames() {
    Set<String> names = new LinkedHashSet<>();
    alerts(defaults()).forEach(a -> names.add(a.name()));
    return names;
  }

  /** Names that several rules share, one per severity. */
  static Set<String> gradedAlertNames() {
    Set<String> seen = new LinkedHashSet<>();
    Set<String> graded = new LinkedHashSet<>();
    alerts(defaults())
        .forEach(
            a -> {
              if (!seen.add(a.name())) {
                graded.add(a.name());
              }
            });
    return graded;
  }

  static Set<String> groupNames() {
    return GROUPS.keySet();
  }

  private static @Nullable AlertRule apply(Overrides overrides, AlertRule alert) {
    Overrides.AlertOverride change = overrides.alerts().get(alert.name());
    AlertRule out = alert;
    if (change != null) {
      if (!change.enabled()) {
        return null;
      }
      if (change.forDuration() != null) {
        out = out.withFor(change.forDuration());
      }
      if (change.severity() != null && gradedAlertNames().contains(alert.name())) {
        throw new IllegalArgumentException(
            alert.name() + " has a rule per severity; change its thresholds instead");
      }
      if (change.severity() != null) {
        out = out.withSeverity(change.severity());
      }
    }
    if (!overrides.runbookUrlPattern().equals(AlertRule.DEFAULT_RUNBOOK_URL)) {
      out = out.withRunbookUrlPattern(overrides.runbookUrlPattern());
    }
    if (!overrides.alertPrefix().equals(Overrides.DEFAULT_PREFIX)) {
      out =
          out.withName(
              overrides.alertPrefix() + out.name().substring(Overrides.DEFAULT_PREFIX.length()));
    }
    return out;
  }
}
