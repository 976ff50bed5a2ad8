package io.opspulse.dashboards;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL lexing for the structural tests: the series names an expression selects, its
 * range selectors, and the arguments of its rate-like calls. Not a parser; the IT asks a real
 * Prometheus whether each expression parses.
 */
final class Promql {
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:$])([a-zA-Z_:][a-zA-Z0-9_:]*)");
  private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
      "group_left", "group_right", "bool", "offset", "inf", "nan", "Inf", "NaN");

  private Promql() {}

  /** The series names the expression selects ({@code foo} in {@code sum(rate(foo{a="b"}[1m]))}). */
  static Set<String> seriesNames(String expr) {
    String s = STRING.matcher(expr).replaceAll("\"\"");
    s = s.replaceAll("\\{[^}]*}", "{}");
    s = RANGE.matcher(s).replaceAll("");
    s = GROUPING.matcher(s).replaceAll("");
    s = s.replaceAll("\\b(group_left|group_right)\\b", "");
    s = s.replaceAll("\\boffset\\s+-?[0-9a-z]+", "");
    Set<String> out = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String name = m.group(1);
      String rest = s.substring(m.end()).stripLeading();
      if (KEYWORDS.contains(name) || rest.startsWith("(")) {
        continue;
      }
      out.add(name);
    }
    return out;
  }

  /** Every range selector's brackets, {@code [5m]} or {@code [$__rate_interval]}, outside strings. */
  static List<String> ranges(String expr) {
    String s = STRING.matcher(expr).replaceAll("\"\"");
    List<String> out = new ArrayList<>();
    Matcher m = RANGE.matcher(s);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** The argument text of every call to {@code function} ({@code rate}, {@code increase}, ...). */
  static List<String> callArguments(String expr, String function) {
    String s = STRING.matcher(expr).replaceAll("\"\"");
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("(?<![\\w:])" + Pattern.quote(function) + "\\s*\\(").matcher(s);
    while (m.find()) {
      int depth = 1;
      int i = m.end();
      while (i < s.length() && depth > 0) {
        char c = s.charAt(i);
        if (c == '(') {
          depth++;
        } else if (c == ')') {
          depth--;
        }
        i++;
      }
      if (depth != 0) {
        throw new IllegalArgumentException("unbalanced parentheses after " + function + "( in: " + expr);
      }
      out.add(s.substring(m.end(), i - 1).trim());
    }
    return out;
  }
}
