package io.opspulse.dashboards;

import io.opspulse.catalog.PromDuration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Values for a dashboard's template variables, applied the way Grafana's Prometheus data source
 * applies them: Grafana's own interval variables ({@code $__rate_interval}, {@code $__interval},
 * {@code $__range}...) become fixed durations, a variable left unset takes the dashboard's "All"
 * value ({@code .*}), and a literal value chosen for a multi-value variable is regex-escaped (these
 * variables always sit in {@code =~"$var"} matchers).
 */
public final class Substitution {
  /** {@code $name}, {@code ${name}}, {@code ${name:format}} and the old {@code [[name]]}. */
  private static final Pattern VARIABLE =
      Pattern.compile(
          "\\$\\{([A-Za-z0-9_]+)(?::[^}]*)?}|\\$([A-Za-z0-9_]+)|\\[\\[([A-Za-z0-9_]+)(?::[^\\]]*)?]]");

  private static final Pattern CAPTURE_GROUP = Pattern.compile("[0-9]+");
  private static final String REGEX_SPECIALS = "$^*{}[]'+?.()|";

  private final String datasourceUid;
  private final Map<String, String> builtins;

  /** Variable name to what the caller chose for it. */
  private final Map<String, Chosen> values;

  private Substitution(Builder b) {
    this.datasourceUid = b.datasourceUid;
    Map<String, String> builtins = new LinkedHashMap<>();
    builtins.put("__rate_interval", b.rateInterval);
    builtins.put("__interval", b.interval);
    builtins.put("__interval_ms", Long.toString(millis(b.interval)));
    builtins.put("__range", b.range);
    builtins.put("__range_s", Long.toString(millis(b.range) / 1000));
    builtins.put("__range_ms", Long.toString(millis(b.range)));
    this.builtins = Map.copyOf(builtins);
    this.values = Map.copyOf(b.values);
  }

  /**
   * Every variable at "All", rate interval 1m, interval 15s, range 1h, data source uid
   * "prometheus".
   */
  public static Substitution defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public String datasourceUid() {
    return datasourceUid;
  }

  /**
   * Replaces every variable in {@code text}.
   *
   * @param variables the dashboard's declared variables: name to its "All" value (null when it has
   *     none)
   * @param where names the query for the error message
   * @throws IllegalArgumentException naming {@code where} and the variable when a variable is
   *     neither set, nor declared with an "All" value, nor one of Grafana's built-ins
   */
  String apply(String text, Map<String, VariableInfo> variables, String where) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder(text.length() + 32);
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
      // $1 in label_replace is the regex's capture group: no variable has that name, so Grafana
      // leaves it.
      String value =
          CAPTURE_GROUP.matcher(name).matches() ? m.group() : resolve(name, variables, where);
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String resolve(String name, Map<String, VariableInfo> variables, String where) {
    String builtin = builtins.get(name);
    if (builtin != null) {
      return builtin;
    }
    if (name.startsWith("__")) {
      throw new IllegalArgumentException(
          where + ": uses Grafana variable $" + name + ", which Substitution does not know");
    }
    VariableInfo declared = variables.get(name);
    if ("datasource".equals(name) || (declared != null && declared.isDatasource())) {
      return datasourceUid;
    }
    if (declared == null) {
      throw new IllegalArgumentException(
          where + ": uses $" + name + ", which the dashboard does not declare");
    }
    Chosen chosen = values.get(name);
    if (chosen != null) {
      return chosen.literal() && declared.regexEscaped()
          ? regexEscape(chosen.text())
          : chosen.text();
    }
    if (declared.allValue() == null) {
      throw new IllegalArgumentException(
          where + ": $" + name + " has no value and no \"All\" value; set one");
    }
    return declared.allValue();
  }

  /** A chosen value: a literal (escaped for regex variables) or text put in as is. */
  private record Chosen(String text, boolean literal) {}

  /**
   * Grafana's escaping of a value for a {@code =~"..."} matcher: regex metacharacters get a
   * backslash, doubled because the regex sits in a PromQL string literal.
   */
  static String regexEscape(String literal) {
    StringBuilder out = new StringBuilder(literal.length() + 8);
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c == '\\') {
        out.append("\\\\\\\\");
      } else if (REGEX_SPECIALS.indexOf(c) >= 0) {
        out.append("\\\\").append(c);
      } else if (c == '"') {
        out.append("\\\"");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static long millis(String duration) {
    return PromDuration.parse(duration).toMillis();
  }

  /** What {@link PanelQueries} reads from a dashboard's templating list about one variable. */
  record VariableInfo(String type, boolean multi, boolean includeAll, @Nullable String allValue) {
    boolean isDatasource() {
      return "datasource".equals(type);
    }

    /** Grafana escapes values of multi-value and "All" variables for regex matchers. */
    boolean regexEscaped() {
      return multi || includeAll;
    }
  }

  public static final class Builder {
    private String datasourceUid = "prometheus";
    private String rateInterval = "1m";
    private String interval = "15s";
    private String range = "1h";
    private final Map<String, Chosen> values = new LinkedHashMap<>();

    private Builder() {}

    /** The uid that replaces {@code $datasource} (in the panels' data source references). */
    public Builder datasource(String uid) {
      this.datasourceUid = Objects.requireNonNull(uid, "uid");
      return this;
    }

    /** What {@code $__rate_interval} becomes; Grafana uses at least four scrape intervals. */
    public Builder rateInterval(String duration) {
      this.rateInterval = duration(duration, "rateInterval");
      return this;
    }

    public Builder interval(String duration) {
      this.interval = duration(duration, "interval");
      return this;
    }

    public Builder range(String duration) {
      this.range = duration(duration, "range");
      return this;
    }

    /** One chosen value, as the user picks it from the list; regex-escaped like Grafana does. */
    public Builder value(String variable, String literal) {
      values.put(variable, new Chosen(Objects.requireNonNull(literal, "literal"), true));
      return this;
    }

    /** Several chosen values of a multi-value variable: {@code (a|b)}, each escaped. */
    public Builder values(String variable, List<String> literals) {
      if (literals.isEmpty()) {
        throw new IllegalArgumentException(variable + ": pick at least one value");
      }
      StringBuilder joined = new StringBuilder("(");
      for (int i = 0; i < literals.size(); i++) {
        joined.append(i == 0 ? "" : "|").append(regexEscape(literals.get(i)));
      }
      values.put(variable, new Chosen(joined.append(')').toString(), false));
      return this;
    }

    /** A regular expression put in as is (".*", "web-.*"): what a custom "All" value would be. */
    public Builder pattern(String variable, String regex) {
      values.put(variable, new Chosen(Objects.requireNonNull(regex, "regex"), false));
      return this;
    }

    public Substitution build() {
      return new Substitution(this);
    }

    private static String duration(String d, String what) {
      if (d == null || !PromDuration.isValid(d)) {
        throw new IllegalArgumentException(
            what + ": '" + d + "' is not a Prometheus duration like 1m");
      }
      return d;
    }
  }
}
