package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LabelScreenTest {

  @Test
  void refusesHostileValuesOneLabelAtATimeAndCountsWhy() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(ContainerInfo.PROJECT, "shop");
    labels.put(ComposeLabels.CONFIG_FILES, "a\u0000b.yml");
    labels.put("big", "x".repeat(1 << 20));
    labels.put("bell", "ring\u0007");
    labels.put("mangled", "caf\uFFFD");
    labels.put("org.opencontainers.image.description", "two\nlines\tand a tab");
    Map<String, Integer> refused = new TreeMap<>();

    Map<String, String> kept = LabelScreen.screen(labels, refused);

    assertThat(kept)
        .containsOnlyKeys(ContainerInfo.PROJECT, "org.opencontainers.image.description");
    assertThat(refused)
        .containsExactly(
            Map.entry(LabelScreen.CONTROL_CHARACTER, 2),
            Map.entry(LabelScreen.INVALID_UTF8, 1),
            Map.entry(LabelScreen.TOO_LONG, 1));
  }

  @Test
  void aHostileKeyIsRefusedLikeAHostileValue() {
    Map<String, Integer> refused = new TreeMap<>();
    assertThat(LabelScreen.screen(Map.of("k\u0000", "v"), refused)).isEmpty();
    assertThat(refused).containsExactly(Map.entry(LabelScreen.CONTROL_CHARACTER, 1));
  }

  @Test
  void noLabelsIsNoLabels() {
    Map<String, Integer> refused = new TreeMap<>();
    assertThat(LabelScreen.screen(null, refused)).isEmpty();
    assertThat(refused).isEmpty();
  }

  @Test
  void aLoneSurrogateIsNotUtf8ButAWellFormedPairIs() {
    assertThat(LabelScreen.reason("half \uD83D")).isEqualTo(LabelScreen.INVALID_UTF8);
    assertThat(LabelScreen.reason("\uDE00 half")).isEqualTo(LabelScreen.INVALID_UTF8);
    assertThat(LabelScreen.reason("whole \uD83D\uDE00")).isNull();
  }

  @Test
  void pathsRefuseTheLineBreaksThatDescriptionsMayHave() {
    assertThat(LabelScreen.firstRefusedCharacter("a\nb", true)).isEqualTo(-1);
    assertThat(LabelScreen.firstRefusedCharacter("a\nb", false)).isEqualTo(1);
    assertThat(LabelScreen.characterReason("a\nb", 1)).isEqualTo(LabelScreen.CONTROL_CHARACTER);
  }
}
