package io.opspulse.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opspulse.yaml.YamlException.Kind;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.nodes.Node;

class StrictYamlTest {
  private static final StrictYaml YAML = StrictYaml.of("conf.yml", new YamlLimits(4096, 3, 5));

  private static Node root(String text) {
    return YAML.compose(new StringReader(text)).orElseThrow();
  }

  private static YamlMapping top(String text, String... known) {
    return YAML.mapping(root(text), "", List.of(known));
  }

  /** The value of key v in {@code text}, which may hold other keys before it. */
  private static Node value(String text) {
    return YAML.mapping(root(text), "").get("v").orElseThrow();
  }

  /**
   * Asserts the whole error: kind, message, and the parts the readers build their own errors from.
   */
  private static void refused(Runnable read, Kind kind, int line, String key, String problem) {
    assertThatThrownBy(read::run)
        .isInstanceOfSatisfying(
            YamlException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(kind);
              assertThat(e.file()).isEqualTo("conf.yml");
              assertThat(e.line()).isEqualTo(line);
              assertThat(e.key()).isEqualTo(key);
              assertThat(e.problem()).isEqualTo(problem);
            })
        .hasMessage("conf.yml:" + line + ": " + key + ": " + problem);
  }

  @Test
  void aFileWithoutADocumentHasNoRoot() {
    for (String empty : List.of("", "# only a comment\n")) {
      assertThat(YAML.compose(new StringReader(empty))).as(empty).isEmpty();
    }
    assertThat(YAML.compose(new StringReader("---\n")))
        .as("an empty document is a null node")
        .hasValueSatisfying(n -> assertThat(StrictYaml.isNull(n)).isTrue());
  }

  @Test
  void invalidYamlNamesTheLineOfTheProblem() {
    refused(
        () -> root("a: 1\nb: [1,\n"),
        Kind.SYNTAX,
        3,
        "(yaml)",
        "invalid YAML: expected the node content, but found '<stream end>'");
    refused(
        () -> root("a: 1\n---\nb: 2\n"),
        Kind.SYNTAX,
        2,
        "(yaml)",
        "invalid YAML: expected a single document in the stream, but found another document");
    assertThatThrownBy(() -> root("a: \"\u0007\"\n"))
        .isInstanceOfSatisfying(
            YamlException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SYNTAX))
        .hasMessageStartingWith(
            "conf.yml:1: (yaml): invalid YAML: special characters are not allowed");

    // A tag that SnakeYAML refuses only when it builds the node, outside its own exceptions: "%20"
    // decodes to a trailing space.
    refused(
        () -> root("!a%20"),
        Kind.SYNTAX,
        1,
        "(yaml)",
        "invalid YAML: Tag must not contain leading or trailing spaces.");
  }

  @Test
  void limitsRefuseAHostileFileWithTheLineWhereReadingStopped() {
    String aliases = "a: &a [x, y]\nb: [*a, *a, *a, *a]\n";
    assertThatThrownBy(() -> root(aliases))
        .isInstanceOfSatisfying(
            YamlException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.LIMIT);
              assertThat(e.line()).isEqualTo(2);
            })
        .hasMessageStartingWith("conf.yml:2: (yaml): refused: ")
        .hasMessageContaining("aliases");
    String deep = "a:\n b:\n  c:\n   d:\n    e:\n     f:\n      g: 1\n";
    assertThatThrownBy(() -> root(deep))
        .isInstanceOfSatisfying(
            YamlException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LIMIT))
        .hasMessageMatching("conf\\.yml:[67]: \\(yaml\\): refused: Nesting Depth exceeded max 5");
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      big.append(
          String.format(java.util.Locale.ROOT, "k%03d: %s%n", i, "x".repeat(50))); // 57 per line
    }
    assertThatThrownBy(() -> root(big.toString()))
        .isInstanceOfSatisfying(
            YamlException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.LIMIT);
              assertThat(e.line()).as("4096 code points end on line 72 of 100").isBetween(72, 74);
            })
        .hasMessageEndingWith(
            ": (yaml): refused: The incoming YAML document exceeds the limit: 4096 code points.");
  }

  @Test
  void mappingsRefuseUnknownAndDuplicateKeysAndKeysThatAreNotValues() {
    YamlMapping m = top("a: 1\nb:\n", "a", "b", "c");
    assertThat(m.entries()).extracting(YamlMapping.Entry::path).containsExactly("a", "b");
    assertThat(m.get("a")).isPresent();
    assertThat(m.contains("b")).isTrue();
    assertThat(m.get("b")).as("a null value counts as absent").isEmpty();
    assertThat(m.get("c")).isEmpty();
    refused(() -> top("a: 1\nd: 2\n", "a", "b"), Kind.SCHEMA, 2, "d", "unknown key; known: a, b");
    refused(() -> top("a: 1\na: 2\n", "a"), Kind.SCHEMA, 2, "a", "duplicate key");
    refused(
        () -> YAML.mapping(value("v:\n  x: 1\n  x: 2\n"), "v"),
        Kind.SCHEMA,
        3,
        "v.x",
        "duplicate key");
    refused(
        () -> top("? [a]\n: 1\n", "a"),
        Kind.SCHEMA,
        1,
        "(top level)",
        "expected a key, got a list");
    refused(
        () -> YAML.mapping(root("a: 1\n~: 2\n"), ""),
        Kind.SCHEMA,
        2,
        "(top level)",
        "expected a key, got null");
    refused(
        () -> top("- a\n- b\n", "a"),
        Kind.SCHEMA,
        1,
        "(top level)",
        "expected a mapping, got a list");
    YamlMapping nested = YAML.mapping(value("v:\n  deep: {x: 1}\n"), "v", List.of("deep"));
    assertThat(nested.pathOf("deep")).isEqualTo("v.deep");
    assertThat(YAML.mapping(nested.get("deep").orElseThrow(), nested.pathOf("deep")).entries())
        .extracting(YamlMapping.Entry::path)
        .containsExactly("v.deep.x");
  }

  @Test
  void listsAndScalarsAreCheckedForTheirShape() {
    assertThat(YAML.scalarList(value("v: [a, b]\n"), "v")).containsExactly("a", "b");
    refused(() -> YAML.list(value("v: a\n"), "v"), Kind.SCHEMA, 1, "v", "expected a list, got 'a'");
    refused(
        () -> YAML.scalarList(value("v:\n  - a\n  - [b]\n"), "v"),
        Kind.SCHEMA,
        3,
        "v[1]",
        "expected a single value, got a list");
    refused(
        () -> YAML.scalar(value("v: {a: 1}\n"), "v"),
        Kind.SCHEMA,
        1,
        "v",
        "expected a single value, got a mapping");
    refused(
        () -> YAML.string(top("v: ~\n", "v").entry("v").orElseThrow().value(), "v"),
        Kind.SCHEMA,
        1,
        "v",
        "expected a single value, got null");
    assertThat(YAML.scalar(top("v:\n", "v").entry("v").orElseThrow().value(), "v")).isEmpty();
  }

  @Test
  void typedValuesRefuseWhatDoesNotFit() {
    assertThat(YAML.bool(value("v: True\n"), "v")).isTrue();
    assertThat(YAML.bool(value("v: 'false'\n"), "v")).isFalse();
    refused(
        () -> YAML.bool(value("v: yes\n"), "v"),
        Kind.SCHEMA,
        1,
        "v",
        "expected true or false, got 'yes'");
    assertThat(YAML.integer(value("v: -3\n"), "v")).isEqualTo(-3);
    refused(
        () -> YAML.integer(value("v: 3.5\n"), "v"),
        Kind.SCHEMA,
        1,
        "v",
        "expected an integer, got '3.5'");
    refused(
        () -> YAML.integer(value("v: 99999999999\n"), "v"),
        Kind.SCHEMA,
        1,
        "v",
        "expected an integer, got '99999999999'");
    assertThat(YAML.number(value("v: 0.35\n"), "v")).isEqualTo(0.35);
    assertThat(YAML.number(value("v: 1_000\n"), "v")).isEqualTo(1000);
    for (String notANumber : List.of("'5'", ".inf", ".nan", "0x1F", "lots")) {
      String shown = notANumber.replace("'", "");
      refused(
          () -> YAML.number(value("v: " + notANumber + "\n"), "v"),
          Kind.SCHEMA,
          1,
          "v",
          "expected a number, got '" + shown + "'");
    }
  }

  @Test
  void durationsArePrometheusDurations() {
    assertThat(YAML.duration(value("v: 1m30s\n"), "v")).isEqualTo(Duration.ofSeconds(90));
    assertThat(YAML.duration(value("v: 2d\n"), "v")).isEqualTo(Duration.ofDays(2));
    assertThat(YAML.durationText(value("v: 5m\n"), "v")).isEqualTo("5m");
    refused(
        () -> YAML.durationText(value("a: 1\nv: 5 minutes\n"), "v"),
        Kind.SCHEMA,
        2,
        "v",
        "'5 minutes' is not a Prometheus duration (like 500ms, 30s, 5m, 1h)");
    refused(
        () -> YAML.duration(value("v: 1.5h\n"), "v"),
        Kind.SCHEMA,
        1,
        "v",
        "'1.5h' is not a Prometheus duration (like 500ms, 30s, 5m, 1h)");
  }

  @Test
  void parsedTurnsAParsersRefusalIntoALocatedError() {
    Long parsed = YAML.parsed(value("v: 42\n"), "v", Long::parseLong);
    assertThat(parsed).isEqualTo(42L);
    refused(
        () ->
            YAML.parsed(
                value("a: 1\n\nv: x\n"),
                "v",
                text -> {
                  throw new IllegalArgumentException("'" + text + "' is not wanted");
                }),
        Kind.SCHEMA,
        3,
        "v",
        "'x' is not wanted");
  }

  @Test
  void withValuesReadsScalarsThroughAFunctionButKeysAsWritten() {
    StrictYaml upper = YAML.withValues(s -> s.getValue().toUpperCase(java.util.Locale.ROOT));
    YamlMapping m =
        upper.mapping(
            upper.compose(new StringReader("key: value\n")).orElseThrow(), "", List.of("key"));
    assertThat(m.entries()).extracting(YamlMapping.Entry::key).containsExactly("key");
    assertThat(upper.scalar(m.get("key").orElseThrow(), "key")).isEqualTo("VALUE");
    refused(
        () -> upper.bool(m.get("key").orElseThrow(), "key"),
        Kind.SCHEMA,
        1,
        "key",
        "expected true or false, got 'VALUE'");
  }

  @Test
  void quotedValuesInErrorsAreCutAndCleaned() {
    assertThat(StrictYaml.quote("a\nb\tc")).isEqualTo("'a_b_c'");
    assertThat(StrictYaml.quote("x".repeat(500))).hasSize(120 + 5).endsWith("...'");
  }

  @Test
  void limitsMustBePositive() {
    assertThatThrownBy(() -> new YamlLimits(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new YamlLimits(1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
