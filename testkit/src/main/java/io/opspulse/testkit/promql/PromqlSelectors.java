package io.opspulse.testkit.promql;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The metric selectors, range windows and call arguments of a PromQL expression, found by a small
 * lexer written for the tests and independent of the code that builds the rules and dashboards.
 * Strings, comments, label lists after by/on/..., Grafana variables ({@code $job}, {@code ${job}})
 * and function names are skipped; what remains as an identifier is a metric name. Not a parser: the
 * ITs ask a real Prometheus (and promtool) whether each expression parses.
 */
public final class PromqlSelectors {
  /** A metric name and the text between its braces (empty when it has none). */
  public record Selector(String metric, String matchers) {}

  /**
   * A range or subquery window, as written between the brackets ("5m", "1d", "30m:1m",
   * "$__rate_interval").
   */
  public record Window(String text) {}

  private static final Set<String> OPERATORS =
      Set.of(
          "sum",
          "min",
          "max",
          "avg",
          "group",
          "stddev",
          "stdvar",
          "count",
          "count_values",
          "bottomk",
          "topk",
          "quantile",
          "limitk",
          "limit_ratio",
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "atan2",
          "inf",
          "nan",
          "start",
          "end");
  private static final Set<String> LABEL_LISTS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

  private PromqlSelectors() {}

  /**
   * The selectors in the order written ({@code foo{a="b"}} in {@code sum(rate(foo{a="b"}[1m]))}).
   */
  public static List<Selector> selectors(String expr) {
    List<Selector> out = new ArrayList<>();
    scan(expr, out, new ArrayList<>());
    return out;
  }

  /** The distinct metric names the expression selects, in the order first written. */
  public static Set<String> seriesNames(String expr) {
    Set<String> out = new LinkedHashSet<>();
    selectors(expr).forEach(s -> out.add(s.metric()));
    return out;
  }

  public static List<Window> windows(String expr) {
    List<Window> out = new ArrayList<>();
    scan(expr, new ArrayList<>(), out);
    return out;
  }

  /**
   * Every range window with its brackets, {@code [5m]} or {@code [$__rate_interval]}, outside
   * strings.
   */
  public static List<String> ranges(String expr) {
    return windows(expr).stream().map(w -> "[" + w.text() + "]").toList();
  }

  /**
   * The argument text, as written, of every call to {@code function} ({@code rate}, {@code
   * increase}, ...); parentheses inside strings do not count.
   */
  public static List<String> callArguments(String expr, String function) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (isQuote(c)) {
        i = skipString(expr, i);
      } else if (isNameStart(c)
          && (i == 0 || !isNameChar(expr.charAt(i - 1)) && expr.charAt(i - 1) != '$')) {
        int end = nameEnd(expr, i);
        int open = skipSpace(expr, end);
        if (expr.substring(i, end).equals(function)
            && open < expr.length()
            && expr.charAt(open) == '(') {
          int close = closing(expr, open, '(', ')');
          out.add(expr.substring(open + 1, close).strip());
        }
        i = end;
      } else {
        i++;
      }
    }
    return out;
  }

  private static void scan(String s, List<Selector> selectors, List<Window> windows) {
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (isQuote(c)) {
        i = skipString(s, i);
      } else if (c == '#') {
        while (i < s.length() && s.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '$') {
        i = skipVariable(s, i);
      } else if (c == '{') {
        // a selector by labels alone ({__name__=~"..."}): its label names are no metrics
        i = closing(s, i, '{', '}') + 1;
      } else if (c == '[') {
        int close = s.indexOf(']', i);
        if (close < 0) {
          throw new IllegalArgumentException("unclosed [ at " + i + " in: " + s);
        }
        windows.add(new Window(s.substring(i + 1, close).strip()));
        i = close + 1;
      } else if (Character.isDigit(c)
          || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
        while (i < s.length()
            && (Character.isLetterOrDigit(s.charAt(i))
                || s.charAt(i) == '.'
                || s.charAt(i) == '_')) {
          i++;
        }
      } else if (isNameStart(c)) {
        int start = i;
        i = nameEnd(s, i);
        String word = s.substring(start, i);
        int next = skipSpace(s, i);
        boolean call = next < s.length() && s.charAt(next) == '(';
        if (LABEL_LISTS.contains(word)) {
          if (call) {
            // a label list holds no parentheses: it ends at the first ')'
            int close = s.indexOf(')', next);
            i = close < 0 ? s.length() : close + 1;
          }
        } else if (OPERATORS.contains(word.toLowerCase(Locale.ROOT)) || call) {
          // an operator, or a function whose arguments the loop goes on to read
        } else if (next < s.length() && s.charAt(next) == '{') {
          int close = closing(s, next, '{', '}');
          selectors.add(new Selector(word, s.substring(next + 1, close)));
          i = close + 1;
        } else {
          selectors.add(new Selector(word, ""));
        }
      } else {
        i++;
      }
    }
  }

  private static boolean isQuote(char c) {
    return c == '"' || c == '\'' || c == '`';
  }

  private static boolean isNameStart(char c) {
    return Character.isLetter(c) || c == '_' || c == ':';
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == ':';
  }

  private static int nameEnd(String s, int i) {
    while (i < s.length() && isNameChar(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** Past a Grafana variable: {@code $name}, {@code ${name}} or {@code ${name:format}}. */
  private static int skipVariable(String s, int i) {
    if (i + 1 < s.length() && s.charAt(i + 1) == '{') {
      int close = s.indexOf('}', i);
      return close < 0 ? s.length() : close + 1;
    }
    return nameEnd(s, i + 1);
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int skipString(String s, int i) {
    char quote = s.charAt(i++);
    while (i < s.length() && s.charAt(i) != quote) {
      i += s.charAt(i) == '\\' && quote != '`' ? 2 : 1;
    }
    return i + 1;
  }

  /**
   * The index of the bracket closing the one at {@code open}, skipping strings and nested pairs.
   */
  private static int closing(String s, int open, char opening, char closing) {
    int depth = 0;
    int i = open;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (isQuote(c)) {
        i = skipString(s, i);
        continue;
      }
      if (c == opening) {
        depth++;
      } else if (c == closing && --depth == 0) {
        return i;
      }
      i++;
    }
    throw new IllegalArgumentException("unbalanced " + opening + " at " + open + " in: " + s);
  }
}
