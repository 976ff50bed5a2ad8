package io.opspulse.agent.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** One scrape of a Prometheus text endpoint, parsed into samples. */
final class Scrape {
  /** As a wanted label's value: the sample must not have that label at all. */
  static final String ABSENT = "\u0000absent";

  record Sample(String name, Map<String, String> labels, double value) {
    boolean has(Map<String, String> wanted) {
      return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(ABSENT)
          ? !labels.containsKey(e.getKey()) : e.getValue().equals(labels.get(e.getKey())));
    }
  }

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Sample> samples;
  private final String text;

  private Scrape(String text) {
    this.text = text;
    this.samples = parse(text);
  }

  static Scrape of(int port) {
    try {
      HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("scrape answered " + response.statusCode());
      }
      return new Scrape(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("cannot scrape 127.0.0.1:" + port + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Scrape parseText(String text) {
    return new Scrape(text);
  }

  List<Sample> samples() {
    return samples;
  }

  String text() {
    return text;
  }

  /**
   * Sum of the samples named {@code name} whose labels include {@code labels} (a label given as
   * {@link #ABSENT} must be missing). A missing series fails: an AssertionError naming what was there,
   * never a NaN that {@code isPositive()} or {@code isGreaterThan()} would let pass.
   */
  double value(String name, Map<String, String> labels) {
    List<Sample> matching = samples.stream().filter(s -> s.name().equals(name) && s.has(labels)).toList();
    if (matching.isEmpty()) {
      throw new AssertionError("no sample " + name + labels + " in the scrape; " + name + " has: "
          + named(name).stream().map(Sample::labels).toList());
    }
    return matching.stream().mapToDouble(Sample::value).sum();
  }

  /** Whether any sample named {@code name} has {@code labels}: for series that must not exist. */
  boolean has(String name, Map<String, String> labels) {
    return samples.stream().anyMatch(s -> s.name().equals(name) && s.has(labels));
  }

  double value(String name) {
    return value(name, Map.of());
  }

  /** The one sample with exactly these labels (histogram buckets: give "le" too). */
  List<Sample> named(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  Set<String> labelNames(String name) {
    Set<String> names = new TreeSet<>();
    named(name).forEach(s -> names.addAll(s.labels().keySet()));
    return names;
  }

  private static List<Sample> parse(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space;
      String name;
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0 && brace < line.indexOf(' ')) {
        name = line.substring(0, brace);
        int i = brace + 1;
        while (line.charAt(i) != '}') {
          int eq = line.indexOf('=', i);
          String key = line.substring(i, eq);
          StringBuilder value = new StringBuilder();
          int j = eq + 2;
          while (line.charAt(j) != '"') {
            char c = line.charAt(j);
            if (c == '\\') {
              char next = line.charAt(j + 1);
              value.append(next == 'n' ? '\n' : next);
              j += 2;
            } else {
              value.append(c);
              j++;
            }
          }
          labels.put(key, value.toString());
          i = j + 1;
          if (line.charAt(i) == ',') {
            i++;
          }
        }
        space = i + 1;
      } else {
        space = line.indexOf(' ');
        name = line.substring(0, space);
      }
      String[] rest = line.substring(space).trim().split("\\s+");
      out.add(new Sample(name, labels, Double.parseDouble(rest[0])));
    }
    return out;
  }
}
