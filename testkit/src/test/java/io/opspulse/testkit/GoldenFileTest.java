package io.opspulse.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

class GoldenFileTest {
  @TempDir Path dir;

  @Test
  void passesOnlyForTheWholeCommittedText() throws IOException {
    Path golden = Files.writeString(dir.resolve("a.prom"), "up 1\n");
    GoldenFile.assertMatches(golden, "up 1\n");
    assertThatThrownBy(() -> GoldenFile.assertMatches(golden, "up 1\nup 2\n"))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("-Dgolden.update=true");
    assertThatThrownBy(() -> GoldenFile.assertMatches(golden, "up 1"))
        .isInstanceOf(AssertionFailedError.class);
  }

  @Test
  void aMissingFileFailsAndSaysHowToMakeIt() {
    assertThatThrownBy(() -> GoldenFile.assertMatches(dir.resolve("missing.prom"), "up 1\n"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("is missing");
  }
}
