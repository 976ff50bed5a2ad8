package io.opspulse.testkit.exposition;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the Prometheus text format 0.0.4 and the OpenMetrics text format as client_java and
 * OpenTelemetry write them: HELP, TYPE and UNIT lines, samples with escaped label values, optional
 * timestamps and exemplars. Strict where a lenient reader would hide a bug: a malformed line, a
 * TYPE given twice or a series written twice fails, naming the line.
 */
final class ExpositionParser {
  private final String text;
  private final List<Sample> samples = new ArrayList<>();
  private final Map<String, String> types = new LinkedHashMap<>();
  private final Map<String, String> help = new LinkedHashMap<>();
  private final Map<String, String> units = new LinkedHashMap<>();
  private final Set<String> seen = new HashSet<>();
  private int lineNumber;
  private String line = "";
  private int pos;

  private ExpositionParser(String text) {
    this.text = text;
  }

  static Exposition parse(String text) {
    return new ExpositionParser(text).run();
  }

  private Exposition run() {
    String[] lines = text.split("\n", -1);
    boolean eof = false;
    for (int i = 0; i < lines.length; i++) {
      lineNumber = i + 1;
      line = lines[i];
      pos = 0;
      if (line.isEmpty()) {
        continue;
      }
      if (eof) {
        throw error("text after # EOF");
      }
      if (line.startsWith("#")) {
        eof = metadata();
      } else {
        sample();
      }
    }
    return new Exposition(text, samples, types, help, units);
  }

  /** Reads a HELP, TYPE or UNIT line (other comments are allowed and skipped); true at # EOF. */
  private boolean metadata() {
    if (line.equals("# EOF")) {
      return true;
    }
    String[] parts = line.split(" ", 4);
    if (parts.length < 3
        || !parts[0].equals("#")
        || !List.of("HELP", "TYPE", "UNIT").contains(parts[1])) {
      return false;
    }
    String family = parts[2];
    if (!isMetricName(family)) {
      throw error("not a metric name: " + family);
    }
    String rest = parts.length == 4 ? parts[3] : "";
    Map<String, String> target =
        switch (parts[1]) {
          case "HELP" -> help;
          case "TYPE" -> types;
          default -> units;
        };
    if (parts[1].equals("TYPE")
        && !Set.of(
                "counter",
                "gauge",
                "histogram",
                "summary",
                "untyped",
                "unknown",
                "info",
                "stateset",
                "gaugehistogram")
            .contains(rest)) {
      throw error("unknown metric type: " + rest);
    }
    if (target.putIfAbsent(family, rest) != null) {
      throw error("a second " + parts[1] + " line for " + family);
    }
    return false;
  }

  private void sample() {
    int start = pos;
    while (pos < line.length() && isNameChar(line.charAt(pos), pos == start)) {
      pos++;
    }
    if (pos == start) {
      throw error("expected a metric name");
    }
    String name = line.substring(start, pos);
    Map<String, String> labels = new LinkedHashMap<>();
    if (pos < line.length() && line.charAt(pos) == '{') {
      pos++;
      labels(labels);
    }
    if (pos >= line.length() || line.charAt(pos) != ' ') {
      throw error("expected a space before the value");
    }
    String[] rest = line.substring(pos + 1).strip().split(" +");
    double value = number(rest[0]);
    if (rest.length > 1 && !rest[1].equals("#")) {
      number(rest[1]); // a timestamp; the tests never need it, but it must be one
      if (rest.length > 2 && !rest[2].equals("#")) {
        throw error("unexpected text after the timestamp");
      }
    }
    if (!seen.add(name + labels)) {
      throw error("the series " + name + labels + " is written twice");
    }
    samples.add(new Sample(name, labels, value));
  }

  private void labels(Map<String, String> out) {
    while (true) {
      if (pos >= line.length()) {
        throw error("unclosed {");
      }
      if (line.charAt(pos) == '}') {
        pos++;
        return;
      }
      int start = pos;
      while (pos < line.length() && isLabelChar(line.charAt(pos), pos == start)) {
        pos++;
      }
      String label = line.substring(start, pos);
      if (label.isEmpty()
          || pos + 1 >= line.length()
          || line.charAt(pos) != '='
          || line.charAt(pos + 1) != '"') {
        throw error("expected label=\"value\" at column " + (start + 1));
      }
      pos += 2;
      StringBuilder value = new StringBuilder();
      while (true) {
        if (pos >= line.length()) {
          throw error("unterminated value of label " + label);
        }
        char c = line.charAt(pos++);
        if (c == '"') {
          break;
        }
        if (c == '\\') {
          if (pos >= line.length()) {
            throw error("unterminated value of label " + label);
          }
          char e = line.charAt(pos++);
          switch (e) {
            case 'n' -> value.append('\n');
            case '\\' -> value.append('\\');
            case '"' -> value.append('"');
            default -> throw error("unknown escape \\" + e + " in label " + label);
          }
        } else {
          value.append(c);
        }
      }
      if (out.put(label, value.toString()) != null) {
        throw error("label " + label + " given twice");
      }
      if (pos < line.length() && line.charAt(pos) == ',') {
        pos++;
      } else if (pos < line.length() && line.charAt(pos) != '}') {
        throw error("expected , or } at column " + (pos + 1));
      }
    }
  }

  private double number(String s) {
    switch (s) {
      case "+Inf", "Inf" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-Inf" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "NaN" -> {
        return Double.NaN;
      }
      default -> {
        // Double.parseDouble also takes "Infinity", hex and a trailing "d": none of them is
        // Prometheus'.
        if (!s.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
          throw error("not a number: " + s);
        }
        return Double.parseDouble(s);
      }
    }
  }

  static boolean isMetricName(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isNameChar(s.charAt(i), i == 0)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNameChar(char c, boolean first) {
    return c == ':' || isLabelChar(c, first);
  }

  private static boolean isLabelChar(char c, boolean first) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || c == '_'
        || (!first && c >= '0' && c <= '9');
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(
        "exposition line " + lineNumber + ": " + what + ": " + line);
  }
}
