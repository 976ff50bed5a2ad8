package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.catalog.LabelValues;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExitReasonTest {

  @ParameterizedTest(name = "exit {0}, oom={1} -> {2}")
  @CsvSource({
    "0, false, COMPLETED",
    "1, false, ERROR",
    "2, false, ERROR",
    "126, false, NOT_EXECUTABLE",
    "127, false, COMMAND_NOT_FOUND",
    "137, false, KILLED",
    "137, true, OOM_KILLED",
    "1, true, OOM_KILLED",
    "139, false, SEGFAULT",
    "143, false, TERMINATED",
    "255, false, ERROR",
    "-1, false, ERROR"
  })
  void classifiesByCodeAndOomFlag(int code, boolean oom, ExitReason expected) {
    assertThat(ExitReason.classify(code, oom)).isEqualTo(expected);
  }

  @Test
  void labelsAreExactlyTheCatalogsReasons() {
    assertThat(Arrays.stream(ExitReason.values()).map(ExitReason::label))
        .containsExactlyElementsOf(LabelValues.EXIT_REASONS);
  }

  @Test
  void originsAreExactlyTheCatalogsOrigins() {
    assertThat(Arrays.stream(Origin.values()).map(Origin::label))
        .containsExactlyInAnyOrderElementsOf(LabelValues.ORIGINS);
  }

  @Test
  void everyReasonExplainsItself() {
    for (ExitReason r : ExitReason.values()) {
      assertThat(r.meaning()).isNotBlank();
    }
    assertThat(ExitReason.COMMAND_NOT_FOUND.meaning()).contains("127", "not found");
  }
}
