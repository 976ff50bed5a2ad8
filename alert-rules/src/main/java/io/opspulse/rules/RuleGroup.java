package io.opspulse.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/** A named group of rules, evaluated together at Prometheus' evaluation interval. */
public record RuleGroup(String name, List<Rule> rules) {
  public RuleGroup {
    Objects.requireNonNull(name, "name");
    rules = List.copyOf(rules);
  }

  /** The alerting rules of the group, in order. */
  public List<AlertRule> alerts() {
    return rules.stream().filter(AlertRule.class::isInstance).map(AlertRule.class::cast).toList();
  }

  /** The recording rules of the group, in order. */
  public List<RecordingRule> recordings() {
    return rules.stream()
        .filter(RecordingRule.class::isInstance)
        .map(RecordingRule.class::cast)
        .toList();
  }

  /**
   * This group with every alert replaced by {@code change}'s result, or dropped where it returns
   * null.
   */
  RuleGroup mapAlerts(UnaryOperator<AlertRule> change) {
    List<Rule> out = new ArrayList<>();
    for (Rule r : rules) {
      if (r instanceof AlertRule a) {
        AlertRule changed = change.apply(a);
        if (changed != null) {
          out.add(changed);
        }
      } else {
        out.add(r);
      }
    }
    return new RuleGroup(name, out);
  }
}
