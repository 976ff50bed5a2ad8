package io.opspulse.testkit.exposition;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One scrape of a Prometheus or OpenMetrics text endpoint, parsed: the samples in the order written
 * and the HELP, TYPE and UNIT of each family. Lookups that name one series fail when it is missing
 * (never a NaN that {@code isPositive()} would let pass) or when several series match; {@link
 * ExpositionAssert} asserts on whole families.
 */
public final class Exposition {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String text;
  private final List<Sample> samples;
  private final Map<String, String> types;
  private final Map<String, String> help;
  private final Map<String, String> units;

  Exposition(
      String text,
      List<Sample> samples,
      Map<String, String> types,
      Map<String, String> help,
      Map<String, String> units) {
    this.text = text;
    this.samples = List.copyOf(samples);
    this.types = Map.copyOf(types);
    this.help = Map.copyOf(help);
    this.units = Map.copyOf(units);
  }

  /** Parses {@code text}; a malformed line fails with its number. */
  public static Exposition parse(String text) {
    return ExpositionParser.parse(text);
  }

  /** GETs {@code url} (it must answer 200) and parses the body. */
  public static Exposition scrape(String url) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            url + " answered " + response.statusCode() + ": " + response.body());
      }
      return parse(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("cannot scrape " + url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted scraping " + url, e);
    }
  }

  /** The text as received. */
  public String text() {
    return text;
  }

  public List<Sample> samples() {
    return samples;
  }

  /** The samples named {@code name} exactly ({@code foo_total}, {@code foo_bucket}: as written). */
  public List<Sample> samples(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  public List<Sample> samples(String name, Predicate<Sample> filter) {
    return samples.stream().filter(s -> s.name().equals(name)).filter(filter).toList();
  }

  /**
   * The value of the one series named {@code name} with these label values ({@code name, value,
   * ...}; "" matches a missing label), or empty when there is none. Several matching series fail:
   * the selection is ambiguous, and a test reading the first would depend on the exposition's
   * order.
   */
  public Optional<Double> find(String name, String... labelPairs) {
    List<Sample> matching = samples(name, s -> s.hasLabels(labelPairs));
    if (matching.size() > 1) {
      throw new AssertionError(
          matching.size() + " series match " + name + describe(labelPairs) + ": " + matching);
    }
    return matching.stream().map(Sample::value).findFirst();
  }

  /**
   * The value of the one series named {@code name} with these label values; a missing one fails.
   */
  public double value(String name, String... labelPairs) {
    return find(name, labelPairs)
        .orElseThrow(
            () ->
                new AssertionError(
                    "no series "
                        + name
                        + describe(labelPairs)
                        + " in the scrape; "
                        + name
                        + " has "
                        + samples(name).stream().map(Sample::labels).toList()));
  }

  /** Whether a series named {@code name} with these label values exists. */
  public boolean has(String name, String... labelPairs) {
    return samples.stream().anyMatch(s -> s.name().equals(name) && s.hasLabels(labelPairs));
  }

  /** The TYPE written for a family ({@code counter}, {@code gauge}, ...), if one was. */
  public Optional<String> type(String family) {
    return Optional.ofNullable(types.get(family));
  }

  public Optional<String> help(String family) {
    return Optional.ofNullable(help.get(family));
  }

  public Optional<String> unit(String family) {
    return Optional.ofNullable(units.get(family));
  }

  /** Every family with a TYPE line, and its type. */
  public Map<String, String> types() {
    return types;
  }

  static void checkPairs(String... labelPairs) {
    if (labelPairs.length % 2 != 0) {
      throw new IllegalArgumentException(
          "label pairs come as name, value, ...: " + List.of(labelPairs));
    }
  }

  static String describe(String... labelPairs) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i + 1 < labelPairs.length; i += 2) {
      b.append(i == 0 ? "" : ",")
          .append(labelPairs[i])
          .append("=\"")
          .append(labelPairs[i + 1])
          .append('"');
    }
    return b.append('}').toString();
  }

  @Override
  public String toString() {
    return text;
  }
}
