package io.opspulse.rules;

/** One entry of a rule group: an alerting or a recording rule. */
public sealed interface Rule permits AlertRule, RecordingRule {
  /** The PromQL expression. */
  String expr();
}
