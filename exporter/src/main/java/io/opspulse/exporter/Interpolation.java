package io.opspulse.exporter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compose's variable interpolation, as the compose specification defines it: {@code $VAR}, {@code
 * ${VAR}}, {@code ${VAR:-default}} (unset or empty), {@code ${VAR-default}} (unset), {@code
 * ${VAR:?message}} and {@code ${VAR?message}} (required), {@code ${VAR:+other}} and {@code
 * ${VAR+other}}, {@code $$} for a literal {@code $}. Defaults may themselves hold variables. And
 * the {@code .env} file format it reads variables from.
 */
final class Interpolation {
  /** Bounds nesting of defaults, so a hostile value cannot recurse deep. */
  private static final int MAX_DEPTH = 10;

  private Interpolation() {}

  /** Why a value could not be interpolated; the caller adds where it was. */
  static final class Failure extends Exception {
    Failure(String message) {
      super(message);
    }
  }

  static String apply(String text, Map<String, String> env) throws Failure {
    return apply(text, env, 0);
  }

  private static String apply(String text, Map<String, String> env, int depth) throws Failure {
    if (text.indexOf('$') < 0) {
      return text;
    }
    if (depth > MAX_DEPTH) {
      throw new Failure("variables nested more than " + MAX_DEPTH + " deep");
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '$') {
        out.append(c);
        i++;
        continue;
      }
      char next = i + 1 < text.length() ? text.charAt(i + 1) : '\0';
      if (next == '$') {
        out.append('$');
        i += 2;
      } else if (next == '{') {
        int end = closingBrace(text, i + 2);
        if (end < 0) {
          throw new Failure("'" + text.substring(i) + "': ${ without a closing }");
        }
        out.append(expand(text.substring(i + 2, end), env, depth));
        i = end + 1;
      } else if (isNameStart(next)) {
        int end = i + 1;
        while (end < text.length() && isNamePart(text.charAt(end))) {
          end++;
        }
        out.append(env.getOrDefault(text.substring(i + 1, end), ""));
        i = end;
      } else {
        throw new Failure(
            "a '$' not followed by a variable name or '{' (write $$ for a literal $)");
      }
    }
    return out.toString();
  }

  private static String expand(String inner, Map<String, String> env, int depth) throws Failure {
    int n = 0;
    while (n < inner.length()
        && (n == 0 ? isNameStart(inner.charAt(n)) : isNamePart(inner.charAt(n)))) {
      n++;
    }
    if (n == 0) {
      throw new Failure("'${" + inner + "}' does not start with a variable name");
    }
    String name = inner.substring(0, n);
    String op = inner.substring(n);
    String raw = env.get(name);
    boolean set = raw != null;
    String value = raw != null ? raw : ""; // an unset variable expands to nothing
    boolean nonEmpty = !value.isEmpty();
    if (op.isEmpty()) {
      return value;
    }
    if (op.startsWith(":-")) {
      return nonEmpty ? value : apply(op.substring(2), env, depth + 1);
    }
    if (op.startsWith("-")) {
      return set ? value : apply(op.substring(1), env, depth + 1);
    }
    if (op.startsWith(":?") || op.startsWith("?")) {
      boolean ok = op.startsWith(":") ? nonEmpty : set;
      if (!ok) {
        String message = apply(op.substring(op.startsWith(":") ? 2 : 1), env, depth + 1);
        throw new Failure(
            "required variable "
                + name
                + " is "
                + (set ? "empty" : "not set")
                + (message.isEmpty() ? "" : ": " + message));
      }
      return value;
    }
    if (op.startsWith(":+")) {
      return nonEmpty ? apply(op.substring(2), env, depth + 1) : "";
    }
    if (op.startsWith("+")) {
      return set ? apply(op.substring(1), env, depth + 1) : "";
    }
    throw new Failure("'${" + inner + "}' is not a valid substitution");
  }

  /** The index of the } closing a ${ whose body starts at {@code from}, counting nested ${...}. */
  private static int closingBrace(String text, int from) {
    int depth = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
        depth++;
        i++;
      } else if (c == '}') {
        if (depth == 0) {
          return i;
        }
        depth--;
      }
    }
    return -1;
  }

  private static boolean isNameStart(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  }

  private static boolean isNamePart(char c) {
    return isNameStart(c) || (c >= '0' && c <= '9');
  }

  /**
   * A {@code .env} file: {@code KEY=value} lines, {@code #} comments, an optional {@code export }
   * prefix, values optionally in single quotes (taken as written) or double quotes ({@code \n},
   * {@code \"}, {@code \\} escapes); an unquoted value ends at {@code " #"}. Lines that are none of
   * these are skipped, as compose v1 does.
   */
  static Map<String, String> parseEnvFile(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String raw : text.split("\r?\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).strip();
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = line.substring(0, eq).strip();
      if (key.isEmpty()
          || !isNameStart(key.charAt(0))
          || !key.chars().allMatch(ch -> isNamePart((char) ch) || ch == '.')) {
        continue;
      }
      out.put(key, value(line.substring(eq + 1).strip()));
    }
    return out;
  }

  private static String value(String v) {
    if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
      return v.substring(1, v.length() - 1);
    }
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      String body = v.substring(1, v.length() - 1);
      StringBuilder out = new StringBuilder(body.length());
      for (int i = 0; i < body.length(); i++) {
        char c = body.charAt(i);
        if (c == '\\' && i + 1 < body.length()) {
          char e = body.charAt(++i);
          out.append(
              switch (e) {
                case 'n' -> '\n';
                case 't' -> '\t';
                default -> e;
              });
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }
    int comment = v.indexOf(" #");
    return (comment >= 0 ? v.substring(0, comment) : v).strip();
  }
}
