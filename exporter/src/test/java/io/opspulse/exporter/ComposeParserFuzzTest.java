package io.opspulse.exporter;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.StringReader;
import java.nio.file.Path;

/**
 * Hostile compose files: the parser answers with a result or a ComposeFileException, nothing else,
 * never hangs.
 */
class ComposeParserFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void parsesOrRefusesCleanly(FuzzedDataProvider data) {
    String yaml = data.consumeRemainingAsString();
    try {
      ComposeFileParser.parse(Path.of("/fuzz/compose.yaml"), new StringReader(yaml), null);
    } catch (ComposeFileException expected) {
      if (expected.getMessage() == null
          || !expected.getMessage().startsWith("/fuzz/compose.yaml")) {
        throw new AssertionError("error without the file name: " + expected.getMessage());
      }
    }
  }
}
