package io.opspulse.gpu;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any bytes a driver may leave in a buffer, at any window: the text is never empty, never longer
 * than the bound, holds no control or invisible format character and no blank at either end, and
 * cleaning it again changes nothing.
 */
class NvmlTextFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void anyBufferBecomesASafeLabelValue(FuzzedDataProvider data) {
    int offset = data.consumeInt(0, 64);
    int size = data.consumeInt(0, 512);
    byte[] buffer = data.consumeRemainingAsBytes();
    if (offset > buffer.length) {
      return;
    }
    String text = NvmlText.of(buffer, offset, size);
    check(!text.isEmpty(), "empty", text);
    check(
        text.codePointCount(0, text.length()) <= NvmlText.MAX_LENGTH,
        "longer than the bound",
        text);
    check(text.equals(text.strip()), "blank at an end", text);
    check(
        text.codePoints()
            .noneMatch(
                cp ->
                    Character.isISOControl(cp)
                        || Character.getType(cp) == Character.FORMAT
                        || Character.getType(cp) == Character.SURROGATE),
        "control, format or lone surrogate",
        text);
    check(NvmlText.clean(text).equals(text), "cleaning twice changes it", text);
  }

  private static void check(boolean ok, String what, String text) {
    if (!ok) {
      throw new AssertionError(
          what + ": " + text.codePoints().mapToObj(Integer::toHexString).toList());
    }
  }
}
