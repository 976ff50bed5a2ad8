package io.opspulse.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A driver that breaks the string contract, played by the stand-in: bytes that are not UTF-8,
 * terminal escapes and bidi overrides, a NUL in the middle, buffers filled to the last byte with no
 * NUL at all. Through the real JNA binding, the probe reports clean, bounded text, and a scrape
 * stays well-formed.
 */
class HostileNvmlStringsTest {
  private static final String ROCKET_EURO = "\u20acxy"; // 5 UTF-8 bytes

  @TempDir Path proc;

  private static Scenario hostile() {
    return Scenario.fullGpus(3)
        .set("driver_version.no_nul", 1)
        // ESC [31m, a space, Evil, TAB, GPU, C3 28 (not UTF-8), U+202E (right-to-left override), CR
        // LF
        .gpu(0, "name", "\\x1b[31m\\x20Evil\\x09GPU\\xc3\\x28\\xe2\\x80\\xae\\x0d\\x0a")
        .gpu(0, "uuid", "GPU-1234\\x00-stale-suffix")
        .gpu(1, "name", "ABCDEFGH")
        .gpu(1, "name.no_nul", 1)
        .gpu(1, "uuid", "\\x01\\x02\\x20\\x7f")
        // 19 times the 5 bytes, then the euro sign's first byte alone: cut mid-character by the
        // buffer end
        .gpu(2, "uuid", "\\xe2\\x82\\xacxy")
        .gpu(2, "uuid.no_nul", 1);
  }

  @Test
  void theProbeReportsCleanBoundedTextWhateverTheDriverWrote() {
    hostile().install();
    try (GpuProbe probe = GpuProbe.builder().procRoot(proc).build()) {
      GpuSnapshot s = probe.poll();
      assertThat(s.status()).isEqualTo(ProbeStatus.OK);
      assertThat(s.driverVersion())
          .as("80 bytes without NUL: all of the buffer, nothing past it")
          .isEqualTo("550.54.15".repeat(9).substring(0, 80));
      GpuDevice escapes = s.devices().get(0);
      assertThat(escapes.name()).isEqualTo("[31m Evil GPU\ufffd(");
      assertThat(escapes.uuid()).as("cut at the NUL").isEqualTo("GPU-1234");
      GpuDevice unterminated = s.devices().get(1);
      assertThat(unterminated.name()).as("96 bytes without NUL").isEqualTo("ABCDEFGH".repeat(12));
      assertThat(unterminated.uuid()).as("nothing printable").isEqualTo(NvmlText.PLACEHOLDER);
      assertThat(s.devices().get(2).uuid()).isEqualTo(ROCKET_EURO.repeat(19) + "\ufffd");
      assertThat(s.devices().get(2).name())
          .as("the neighbours' answers are untouched")
          .isEqualTo("NVIDIA A100-SXM4-40GB");
    }
  }

  @Test
  void aScrapeOfThoseGpusIsWellFormedText() {
    hostile().install();
    try (GpuCollector collector =
        GpuCollector.builder()
            .procRoot(proc)
            .interval(Duration.ofHours(1))
            .containerDirectory(id -> Optional.empty())
            .start()) {
      String text = MetricsText.render(collector.collect());
      assertThat(text)
          .contains("gpu=\"0\",hw_id=\"GPU-1234\",hw_name=\"[31m Evil GPU\ufffd(\"")
          .contains("gpu=\"1\",hw_id=\"unknown\",hw_name=\"" + "ABCDEFGH".repeat(12) + "\"")
          .contains("hw_id=\"" + ROCKET_EURO.repeat(19) + "\ufffd\"");
      assertThat(text.chars().filter(c -> c < 0x20 && c != '\n'))
          .as("no control character in the scrape")
          .isEmpty();
      assertThat(text).doesNotContain("\u202e").doesNotContain("\u007f");
      // every line a comment or a sample: name{labels} value
      assertThat(text.lines().filter(l -> !l.startsWith("#")))
          .allSatisfy(
              l ->
                  assertThat(l)
                      .matches("[a-z_]+(\\{.*\\})? [-+0-9.eE]+|[a-z_]+(\\{.*\\})? (NaN|[+-]Inf)"));
    }
  }
}
