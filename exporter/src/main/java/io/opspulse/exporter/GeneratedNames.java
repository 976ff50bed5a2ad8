package io.opspulse.exporter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Recognises names Docker's name generator made ({@code adjective_surname}, with a digit appended
 * on a retry), using the generator's own word lists, so {@code my_app} is not taken for an
 * anonymous container.
 */
final class GeneratedNames {
  private static final Set<String> LEFT = load("names-left.txt");
  private static final Set<String> RIGHT = load("names-right.txt");

  private GeneratedNames() {}

  static boolean isGenerated(String name) {
    String n = name.startsWith("/") ? name.substring(1) : name;
    int underscore = n.indexOf('_');
    if (underscore <= 0 || n.indexOf('_', underscore + 1) >= 0) {
      return false;
    }
    String right = n.substring(underscore + 1);
    int end = right.length();
    while (end > 0 && Character.isDigit(right.charAt(end - 1))) {
      end--;
    }
    return LEFT.contains(n.substring(0, underscore)) && RIGHT.contains(right.substring(0, end));
  }

  private static Set<String> load(String resource) {
    try (InputStream in = GeneratedNames.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
          .lines()
          .map(String::strip)
          .filter(s -> !s.isEmpty())
          .collect(Collectors.toUnmodifiableSet());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
