package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GeneratedNamesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "admiring_turing",
        "zealous_wozniak",
        "unruffled_chatelet",
        "boring_wozniak7",
        "/adoring_allen"
      })
  void recognisesDockersGeneratedNames(String name) {
    assertThat(GeneratedNames.isGenerated(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "my_app",
        "web",
        "shop_web_1",
        "admiring_",
        "_turing",
        "admiring_turing_x",
        "Admiring_Turing",
        "turing_admiring",
        "admiring-turing",
        ""
      })
  void leavesChosenNamesAlone(String name) {
    assertThat(GeneratedNames.isGenerated(name)).isFalse();
  }
}
