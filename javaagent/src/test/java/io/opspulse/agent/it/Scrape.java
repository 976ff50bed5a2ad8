package io.opspulse.agent.it;

import io.opspulse.testkit.exposition.Exposition;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One scrape of the agent's {@code /metrics}, read by testkit's {@link Exposition} (strict: a
 * malformed line fails). Kept for the ITs' label-map lookups and {@link #ABSENT}; new checks can
 * assert on whole families with {@code ExpositionAssert.assertThat(scrape.exposition())}.
 */
final class Scrape {
  /** As a wanted label's value: the sample must not have that label at all. */
  static final String ABSENT = "\u0000absent";

  record Sample(String name, Map<String, String> labels, double value) {
    boolean has(Map<String, String> wanted) {
      return wanted.entrySet().stream()
          .allMatch(
              e ->
                  e.getValue().equals(ABSENT)
                      ? !labels.containsKey(e.getKey())
                      : e.getValue().equals(labels.get(e.getKey())));
    }
  }

  private final Exposition exposition;
  private final List<Sample> samples;

  private Scrape(Exposition exposition) {
    this.exposition = exposition;
    this.samples =
        exposition.samples().stream()
            .map(s -> new Sample(s.name(), s.labels(), s.value()))
            .toList();
  }

  static Scrape of(int port) {
    return new Scrape(Exposition.scrape("http://127.0.0.1:" + port + "/metrics"));
  }

  static Scrape parseText(String text) {
    return new Scrape(Exposition.parse(text));
  }

  Exposition exposition() {
    return exposition;
  }

  List<Sample> samples() {
    return samples;
  }

  String text() {
    return exposition.text();
  }

  /**
   * Sum of the samples named {@code name} whose labels include {@code labels} (a label given as
   * {@link #ABSENT} must be missing). A missing series fails: an AssertionError naming what was
   * there, never a NaN that {@code isPositive()} or {@code isGreaterThan()} would let pass.
   */
  double value(String name, Map<String, String> labels) {
    List<Sample> matching =
        samples.stream().filter(s -> s.name().equals(name) && s.has(labels)).toList();
    if (matching.isEmpty()) {
      throw new AssertionError(
          "no sample "
              + name
              + labels
              + " in the scrape; "
              + name
              + " has: "
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

  /** The samples named {@code name} (histogram buckets: give "le" too). */
  List<Sample> named(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  Set<String> labelNames(String name) {
    Set<String> names = new TreeSet<>();
    named(name).forEach(s -> names.addAll(s.labels().keySet()));
    return names;
  }
}
