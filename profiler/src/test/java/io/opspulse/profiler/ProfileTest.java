package io.opspulse.profiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileTest {
  private static Profile profile(FoldedStack... stacks) {
    return new Profile(
        ProfileEvent.CPU,
        "jdk.ExecutionSample",
        Instant.EPOCH,
        Instant.EPOCH.plusSeconds(60),
        List.of(stacks),
        0);
  }

  private final Profile profile =
      profile(
          new FoldedStack(List.of("main", "serve", "parse"), 50),
          new FoldedStack(List.of("main", "serve", "render", "parse"), 10),
          new FoldedStack(List.of("main", "serve", "render"), 25),
          new FoldedStack(List.of("main", "gc"), 5),
          new FoldedStack(List.of("[overflow]"), 10));

  @Test
  void topFramesRankMethodsBySelfWeightAndLeaveSyntheticFramesOut() {
    assertThat(profile.topFrames(3))
        .containsExactly(
            new HotFrame("parse", 60, 0.6),
            new HotFrame("render", 25, 0.25),
            new HotFrame("gc", 5, 0.05));
  }

  @Test
  void topFramesNeverReturnMoreThanK() {
    assertThat(profile.topFrames(1)).hasSize(1);
    assertThat(profile.topFrames(0)).isEmpty();
    assertThat(profile.topFrames(100)).hasSize(3);
  }

  @Test
  void inclusiveRatioCountsEveryStackAFrameIsOn() {
    assertThat(profile.inclusiveRatio("serve")).isCloseTo(0.85, within(1e-9));
    assertThat(profile.inclusiveRatio("render")).isCloseTo(0.35, within(1e-9));
    assertThat(profile.inclusiveRatio("absent")).isZero();
  }

  @Test
  void anEmptyProfileHasNoHotFrames() {
    Profile empty = profile();
    assertThat(empty.total()).isZero();
    assertThat(empty.topFrames(5)).isEmpty();
    assertThat(empty.inclusiveRatio("x")).isZero();
  }
}
