package io.opspulse.exporter;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The small parsers of untrusted text: /proc/pid/cgroup, cpu.stat, container names, exit codes,
 * label values, and Docker label values. None may throw or hang on any input.
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
        String label = data.consumeRemainingAsString();
        String reason = LabelScreen.reason(label);
        if (reason == null && label.chars().anyMatch(c -> c == 0)) {
          throw new AssertionError("a NUL passed the label screen");
        }
      }
    }
  }
}
