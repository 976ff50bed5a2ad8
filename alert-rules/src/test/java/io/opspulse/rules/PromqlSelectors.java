package io.opspulse.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The metric selectors a PromQL expression names, found by a small lexer written for the tests and
 * independent of the code that builds the rules: strings, ranges, label lists after by/on/... and
 * function names are skipped, and what remains as an identifier is a metric name.
 */
final class PromqlSelectors {
  /** A metric name and the text between its braces (empty when it has none). */
  record Selector(String metric, String matchers) {}

  /** A range or subquery window, as written ("5m", "1d", "30m:1m"). */
  record Window(String text) {}

  private static final Set<String> OPERATORS = Set.of(
      "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
      "quantile", "limitk", "and", "or", "unless", "bool", "offset", "atan2", "inf", "nan", "start", "end");
  private static final Set<String> LABEL_LISTS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

  private PromqlSelectors() {}

  static List<Selector> selectors(String expr) {
    List<Selector> out = new ArrayList<>();
    scan(expr, out, new ArrayList<>());
    return out;
  }

  static List<Window> windows(String expr) {
    List<Window> out = new ArrayList<>();
    scan(expr, new ArrayList<>(), out);
    return out;
  }

  private static void scan(String s, List<Selector> selectors, List<Window> windows) {
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = skipString(s, i);
      } else if (c == '#') {
        while (i < s.length() && s.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '[') {
        int close = s.indexOf(']', i);
        windows.add(new Window(s.substring(i + 1, close).strip()));
        i = close + 1;
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.' || s.charAt(i) == '_')) {
          i++;
        }
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        int start = i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == ':')) {
          i++;
        }
        String word = s.substring(start, i);
        int next = skipSpace(s, i);
        boolean call = next < s.length() && s.charAt(next) == '(';
        if (LABEL_LISTS.contains(word)) {
          if (call) {
            i = s.indexOf(')', next) + 1;
          }
        } else if (OPERATORS.contains(word) || call) {
          // an operator, or a function whose arguments the loop goes on to read
        } else if (next < s.length() && s.charAt(next) == '{') {
          int close = closingBrace(s, next);
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

  private static int closingBrace(String s, int open) {
    int i = open + 1;
    while (s.charAt(i) != '}') {
      char c = s.charAt(i);
      i = (c == '"' || c == '\'' || c == '`') ? skipString(s, i) : i + 1;
    }
    return i;
  }
}
