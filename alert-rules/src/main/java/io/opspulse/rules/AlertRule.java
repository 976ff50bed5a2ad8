package io.opspulse.rules;

import io.opspulse.catalog.PromDuration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An alerting rule. Every alert carries a {@code severity} label and three annotations: a static
 * {@code summary} (the same for every instance, so notifications group), a templated {@code
 * description} (which container, which value) and a {@code runbook_url}.
 *
 * <p>{@code forDuration} is empty only for event-like alerts, whose {@code instantReason} says why
 * a pending period would only delay the page (the condition is already a window over past events).
 *
 * <p>One condition may be graded: several rules share a name and differ in {@code severity} (and
 * threshold), as kube-prometheus does, so Alertmanager can let the critical one inhibit the
 * warning.
 *
 * @param runbookAnchor the anchor of the alert's section in docs/runbooks.md; it stays the
 *     canonical name's anchor when an operator renames alerts with another prefix
 * @param runbookUrlPattern where runbooks live: {@code {anchor}} is replaced by the anchor and
 *     {@code {alert}} by the alert's name as rendered
 */
public record AlertRule(
    String name,
    String expr,
    String forDuration,
    Severity severity,
    String summary,
    String description,
    String runbookAnchor,
    String instantReason,
    String runbookUrlPattern)
    implements Rule {

  /**
   * Where the shipped runbooks live; the default {@code runbook_url} is this plus {@code #anchor}.
   */
  public static final String RUNBOOK_BASE =
      "https://github.com/opspulse/opspulse/blob/main/docs/runbooks.md";

  /** The default runbook URL pattern: the section of docs/runbooks.md. */
  public static final String DEFAULT_RUNBOOK_URL = RUNBOOK_BASE + "#{anchor}";

  private static final Pattern NAME = Pattern.compile("[A-Z][A-Za-z0-9]*");

  public AlertRule {
    Objects.requireNonNull(expr, "expr");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(forDuration, "forDuration");
    Objects.requireNonNull(instantReason, "instantReason");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(name + ": an alert name is CamelCase");
    }
    if (expr.isBlank()) {
      throw new IllegalArgumentException(name + ": expr is empty");
    }
    if (!forDuration.isEmpty() && !PromDuration.isValid(forDuration)) {
      throw new IllegalArgumentException(
          name + ": '" + forDuration + "' is not a Prometheus duration");
    }
    if (isZero(forDuration) && instantReason.isBlank()) {
      throw new IllegalArgumentException(
          name + ": an alert without 'for' must say why (instantBecause)");
    }
    if (summary == null || summary.isBlank() || summary.contains("{{")) {
      throw new IllegalArgumentException(name + ": summary must be a static sentence");
    }
    if (description == null || description.isBlank()) {
      throw new IllegalArgumentException(name + ": description is empty");
    }
    Objects.requireNonNull(runbookAnchor, "runbookAnchor");
    checkRunbookUrlPattern(runbookUrlPattern);
  }

  /**
   * Checks a runbook URL pattern: an absolute http(s) URL naming {@code {anchor}} or {@code
   * {alert}}, so every alert lands on its own page or section.
   */
  static String checkRunbookUrlPattern(String pattern) {
    if (pattern == null || !pattern.matches("https?://\\S+")) {
      throw new IllegalArgumentException(
          "runbook URL pattern '" + pattern + "' is not an http(s) URL");
    }
    if (!pattern.contains("{anchor}") && !pattern.contains("{alert}")) {
      throw new IllegalArgumentException(
          "runbook URL pattern '"
              + pattern
              + "' names neither {anchor} nor {alert}: every alert would get the same link");
    }
    return pattern;
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Whether the alert fires on the first evaluation where its expression holds. */
  public boolean instant() {
    return isZero(forDuration);
  }

  public String runbookUrl() {
    return runbookUrlPattern.replace("{anchor}", runbookAnchor).replace("{alert}", name);
  }

  /** The labels the alert adds to its series: only the severity; never anything templated. */
  public Map<String, String> labels() {
    return Map.of("severity", severity.label());
  }

  /** The annotations, in the order they are rendered. */
  public Map<String, String> annotations() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("summary", summary);
    out.put("description", description);
    out.put("runbook_url", runbookUrl());
    return out;
  }

  AlertRule withName(String newName) {
    return new AlertRule(
        newName,
        expr,
        forDuration,
        severity,
        summary,
        description,
        runbookAnchor,
        instantReason,
        runbookUrlPattern);
  }

  AlertRule withFor(String newFor) {
    String reason =
        isZero(newFor) && instantReason.isBlank()
            ? "set to 0 by the operator's overrides"
            : instantReason;
    return new AlertRule(
        name,
        expr,
        isZero(newFor) ? "" : newFor,
        severity,
        summary,
        description,
        runbookAnchor,
        reason,
        runbookUrlPattern);
  }

  AlertRule withSeverity(Severity newSeverity) {
    return new AlertRule(
        name,
        expr,
        forDuration,
        newSeverity,
        summary,
        description,
        runbookAnchor,
        instantReason,
        runbookUrlPattern);
  }

  AlertRule withRunbookUrlPattern(String pattern) {
    return new AlertRule(
        name,
        expr,
        forDuration,
        severity,
        summary,
        description,
        runbookAnchor,
        instantReason,
        pattern);
  }

  static boolean isZero(String duration) {
    return duration.isEmpty() || PromDuration.isZero(duration);
  }

  /** Collects an alert's parts; {@link #build()} checks them. */
  public static final class Builder {
    private final String name;
    private @Nullable String expr;
    private String forDuration = "";
    private @Nullable Severity severity;
    private @Nullable String summary;
    private @Nullable String description;
    private String instantReason = "";

    private Builder(String name) {
      this.name = name;
    }

    public Builder expr(String expr) {
      this.expr = expr;
      return this;
    }

    public Builder forDuration(String forDuration) {
      this.forDuration = forDuration;
      return this;
    }

    public Builder severity(Severity severity) {
      this.severity = severity;
      return this;
    }

    public Builder summary(String summary) {
      this.summary = summary;
      return this;
    }

    public Builder description(String description) {
      this.description = description;
      return this;
    }

    /** No pending period, and why: the alert is event-like. */
    public Builder instantBecause(String reason) {
      this.forDuration = "";
      this.instantReason = reason;
      return this;
    }

    public AlertRule build() {
      String anchor = name == null ? "" : name.toLowerCase(Locale.ROOT);
      return new AlertRule(
          name,
          Objects.requireNonNull(expr, name + ": expr"),
          isZero(forDuration) ? "" : forDuration,
          Objects.requireNonNull(severity, name + ": severity"),
          Objects.requireNonNull(summary, name + ": summary"),
          Objects.requireNonNull(description, name + ": description"),
          anchor,
          instantReason,
          DEFAULT_RUNBOOK_URL);
    }
  }
}
