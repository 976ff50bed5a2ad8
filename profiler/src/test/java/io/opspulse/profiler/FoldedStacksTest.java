package io.opspulse.profiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FoldedStacksTest {
  private static Profile profile(FoldedStack... stacks) {
    return new Profile(
        ProfileEvent.CPU, "jdk.ExecutionSample", Instant.EPOCH, Instant.EPOCH, List.of(stacks), 0);
  }

  @Test
  void eachStackIsOneLineOfRootFirstFramesAndItsWeight() {
    Profile p =
        profile(
            new FoldedStack(List.of("java.lang.Thread.run", "com.example.Worker.burn"), 912),
            new FoldedStack(List.of("java.lang.Thread.run", "com.example.Worker.idle"), 3));
    assertThat(FoldedStacks.format(p))
        .isEqualTo(
            """
        java.lang.Thread.run;com.example.Worker.burn 912
        java.lang.Thread.run;com.example.Worker.idle 3
        """);
    StringWriter w = new StringWriter();
    FoldedStacks.write(p, w);
    assertThat(w).hasToString(FoldedStacks.format(p));
  }

  @Test
  void separatorsAndLineBreaksInsideFramesCannotSplitALine() {
    Profile p = profile(new FoldedStack(List.of("a;b", "c\nd 5", "e"), 1));
    String out = FoldedStacks.format(p);
    assertThat(out).isEqualTo("a:b;c d 5;e 1\n");
    assertThat(FoldedStacks.parse(out))
        .containsExactly(new FoldedStack(List.of("a:b", "c d 5", "e"), 1));
  }

  @Test
  void parseReadsWhatFormatWrites() {
    Profile p =
        profile(
            new FoldedStack(List.of("main", "Kotlin.fun with spaces"), 7),
            new FoldedStack(List.of("[overflow]"), 2));
    assertThat(FoldedStacks.parse(FoldedStacks.format(p))).isEqualTo(p.stacks());
  }

  @Test
  void parseNamesTheLineThatIsNotFolded() {
    assertThatThrownBy(() -> FoldedStacks.parse("a;b 1\n\nno-weight\n"))
        .hasMessageContaining("line 3")
        .hasMessageContaining("no-weight");
    assertThatThrownBy(() -> FoldedStacks.parse("a;b x1"))
        .hasMessageContaining("line 1")
        .hasMessageContaining("'x1'");
  }
}
