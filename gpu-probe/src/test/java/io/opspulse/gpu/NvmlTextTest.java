package io.opspulse.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What a driver writes into a fixed-size buffer becomes a safe label value, whatever the bytes. */
class NvmlTextTest {

  private static byte[] buffer(int size, byte[] content) {
    return Arrays.copyOf(content, size);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aWellFormedNameReadsAsWritten() {
    assertThat(NvmlText.of(buffer(96, utf8("NVIDIA A100-SXM4-40GB"))))
        .isEqualTo("NVIDIA A100-SXM4-40GB");
  }

  @Test
  void stopsAtTheFirstNulAndIgnoresWhatFollowsIt() {
    byte[] b = buffer(96, utf8("Tesla T4\0stale bytes of an earlier, longer name"));
    assertThat(NvmlText.of(b)).isEqualTo("Tesla T4");
  }

  @Test
  void aBufferWithoutNulIsReadToItsEndAndNeverPast() {
    byte[] b = new byte[16];
    Arrays.fill(b, (byte) 'A');
    assertThat(NvmlText.of(b)).isEqualTo("A".repeat(16));
    byte[] larger = utf8("GPU-1234567890abcdef-not-ours");
    assertThat(NvmlText.of(larger, 0, 8)).as("only the window given").isEqualTo("GPU-1234");
    assertThat(NvmlText.of(larger, 4, 1000))
        .as("a size past the array is cut at its end")
        .isEqualTo("1234567890abcdef-not-ours");
  }

  @Test
  void aMultiByteCharacterCutByTheBufferEndBecomesOneReplacementCharacter() {
    byte[] b = Arrays.copyOf(utf8("Grafikkarte \u00e9"), 13); // é is 2 bytes: keep only its first
    assertThat(NvmlText.of(b)).isEqualTo("Grafikkarte \ufffd");
  }

  @Test
  void invalidUtf8IsReplacedNotFatal() {
    byte[] b = {
      'A',
      (byte) 0xC3,
      (byte) 0x28,
      'B',
      (byte) 0xFF,
      (byte) 0xFE,
      'C',
      (byte) 0xED,
      (byte) 0xA0,
      (byte) 0x80,
      'D',
      (byte) 0xC0,
      (byte) 0xAF,
      0
    };
    String text = NvmlText.of(b);
    assertThat(text)
        .startsWith("A\ufffd(B")
        .contains("C")
        .endsWith("D\ufffd\ufffd")
        .doesNotContain("/"); // the overlong encoding of '/' (C0 AF) is not decoded as '/'
    assertThat(text.chars().filter(c -> Character.isSurrogate((char) c)))
        .as("no lone surrogate from ED A0 80")
        .isEmpty();
  }

  @Test
  void controlAndInvisibleCharactersAreStrippedAndBreaksBecomeSpaces() {
    String hostile = "\u001b[31mRed\u001b[0m\tGPU\r\nname\u007f\u0085x\u200b\u202e\ufeff\u0007";
    assertThat(NvmlText.of(buffer(96, utf8(hostile)))).isEqualTo("[31mRed[0m GPU  name x");
    assertThat(NvmlText.of(buffer(96, utf8("quote \" and backslash \\ stay"))))
        .as("the text format escapes these")
        .isEqualTo("quote \" and backslash \\ stay");
  }

  @Test
  void surroundingBlanksAreTrimmed() {
    assertThat(NvmlText.of(buffer(32, utf8("  \t NVIDIA L4 \n ")))).isEqualTo("NVIDIA L4");
  }

  @Test
  void aHugeTextIsBoundedInCodePointsWithoutSplittingACharacter() {
    String huge = "\ud83d\ude80".repeat(10_000); // a rocket, 4 UTF-8 bytes, 2 UTF-16 chars
    String text = NvmlText.of(utf8(huge));
    assertThat(text.codePointCount(0, text.length())).isEqualTo(NvmlText.MAX_LENGTH);
    assertThat(text).isEqualTo("\ud83d\ude80".repeat(NvmlText.MAX_LENGTH));
    assertThat(NvmlText.of(utf8("x".repeat(1_000_000)))).hasSize(NvmlText.MAX_LENGTH);
  }

  @Test
  void nothingUsableBecomesThePlaceholder() {
    assertThat(NvmlText.of(new byte[0])).isEqualTo(NvmlText.PLACEHOLDER);
    assertThat(NvmlText.of(new byte[96])).as("all NUL").isEqualTo(NvmlText.PLACEHOLDER);
    assertThat(NvmlText.of(buffer(96, utf8(" \t\u0001\u0002\u200b\r\n"))))
        .isEqualTo(NvmlText.PLACEHOLDER);
    assertThat(NvmlText.PLACEHOLDER).isEqualTo("unknown");
  }

  @Test
  void aWindowOutsideTheBufferIsAProgrammingError() {
    assertThatThrownBy(() -> NvmlText.of(new byte[4], 5, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset 5");
    assertThatThrownBy(() -> NvmlText.of(new byte[4], 0, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
