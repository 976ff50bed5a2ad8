package io.opspulse.exporter;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The small parsers of untrusted text: /proc/pid/cgroup, cpu.stat, container names, exit codes, label
 * values, and HTTP chunked bodies from the engine. None may throw or hang on any input.
 */
class ParsersFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void neverThrow(FuzzedDataProvider data) {
    int which = data.consumeInt(0, 5);
    switch (which) {
      case 0 -> CgroupReader.parseProcCgroup(data.consumeRemainingAsString());
      case 1 -> CgroupReader.parseUsageUsec(data.consumeRemainingAsString());
      case 2 -> GeneratedNames.isGenerated(data.consumeRemainingAsString());
      case 3 -> ExitReason.classify(data.consumeInt(), data.consumeBoolean()).meaning();
      case 4 -> {
        String v = LabelText.value(data.consumeRemainingAsString());
        if (v.length() > LabelText.MAX_VALUE_LENGTH) {
          throw new AssertionError("label value longer than the bound: " + v.length());
        }
      }
      default -> {
        byte[] wire = data.consumeRemainingAsBytes();
        try {
          new EngineClient.ChunkedInputStream(new ByteArrayInputStream(wire)).readAllBytes();
        } catch (IOException expected) {
          // a malformed body is an error the caller handles
        }
      }
    }
  }
}
