package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compose specification's interpolation table, case by case. */
class InterpolationTest {
  private static final Map<String, String> ENV =
      Map.of("SET", "value", "EMPTY", "", "OTHER", "other");

  private static String i(String text) throws Interpolation.Failure {
    return Interpolation.apply(text, ENV);
  }

  @Test
  void plainAndBracedVariables() throws Exception {
    assertThat(i("$SET/${SET}/$UNSET/${UNSET}/x")).isEqualTo("value/value///x");
    assertThat(i("${SET}_suffix $SET_suffix")).isEqualTo("value_suffix ");
    assertThat(i("no variables")).isEqualTo("no variables");
  }

  @Test
  void defaultsTellUnsetFromEmpty() throws Exception {
    assertThat(i("${UNSET:-d}|${EMPTY:-d}|${SET:-d}")).isEqualTo("d|d|value");
    assertThat(i("${UNSET-d}|${EMPTY-d}|${SET-d}")).isEqualTo("d||value");
    assertThat(i("${UNSET:-${OTHER}}|${UNSET:-a ${OTHER:-b} c}")).isEqualTo("other|a other c");
    assertThat(i("${UNSET:-}")).isEmpty();
  }

  @Test
  void alternativesReplaceWhatIsSet() throws Exception {
    assertThat(i("${SET:+alt}|${EMPTY:+alt}|${UNSET:+alt}")).isEqualTo("alt||");
    assertThat(i("${SET+alt}|${EMPTY+alt}|${UNSET+alt}")).isEqualTo("alt|alt|");
  }

  @Test
  void requiredVariablesFailWithTheirMessage() throws Exception {
    assertThat(i("${SET:?must}|${EMPTY?must}")).isEqualTo("value|");
    assertThatThrownBy(() -> i("${UNSET:?set it in .env}"))
        .hasMessage("required variable UNSET is not set: set it in .env");
    assertThatThrownBy(() -> i("${EMPTY:?}")).hasMessage("required variable EMPTY is empty");
    assertThatThrownBy(() -> i("${UNSET?}")).hasMessage("required variable UNSET is not set");
  }

  @Test
  void dollarDollarIsALiteralDollar() throws Exception {
    assertThat(i("$$SET costs $$5 and $${SET}")).isEqualTo("$SET costs $5 and ${SET}");
  }

  @Test
  void badSyntaxIsRefused() {
    assertThatThrownBy(() -> i("${SET")).hasMessageContaining("without a closing }");
    assertThatThrownBy(() -> i("${}")).hasMessageContaining("does not start with a variable name");
    assertThatThrownBy(() -> i("${SET:x}")).hasMessageContaining("not a valid substitution");
    assertThatThrownBy(() -> i("5$")).hasMessageContaining("$$");
    assertThatThrownBy(() -> i("a $-b")).hasMessageContaining("$$");
    assertThatThrownBy(() -> i("${A:-" + "${A:-".repeat(20) + "x" + "}".repeat(21)))
        .hasMessageContaining("nested");
  }

  @Test
  void envFilesAsComposeWritesThem() {
    Map<String, String> env =
        Interpolation.parseEnvFile(
            """
        # a comment
        PLAIN=value
        SPACED = spaced value  # trailing comment
        export EXPORTED=yes
        SINGLE='kept # as $written'
        DOUBLE="line\\nbreak \\"quoted\\""
        EMPTY=
        not a line
        =novalue
        1BAD=x
        """);
    assertThat(env)
        .containsExactly(
            Map.entry("PLAIN", "value"),
            Map.entry("SPACED", "spaced value"),
            Map.entry("EXPORTED", "yes"),
            Map.entry("SINGLE", "kept # as $written"),
            Map.entry("DOUBLE", "line\nbreak \"quoted\""),
            Map.entry("EMPTY", ""));
  }
}
