package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartHistoryTest {
  private static final long NOW = 1_800_000_000_000L;

  @Test
  void everyStartIsAddedAndCountedPerWindow(@TempDir Path dir) throws Exception {
    StartHistory.record(dir, "billing", NOW - Duration.ofHours(2).toMillis());
    StartHistory.record(dir, "billing", NOW - Duration.ofMinutes(3).toMillis());
    StartHistory.record(dir, "billing", NOW - Duration.ofSeconds(20).toMillis());
    StartHistory history = StartHistory.record(dir, "billing", NOW);
    assertThat(history.startsWithin(Duration.ofMinutes(5), NOW)).isEqualTo(3);
    assertThat(history.startsWithin(Duration.ofHours(1), NOW)).isEqualTo(3);
    assertThat(history.startsWithin(Duration.ofHours(24), NOW)).isEqualTo(4);
    assertThat(StartHistory.record(dir, "other", NOW).startsWithin(Duration.ofHours(24), NOW))
        .isEqualTo(1);
  }

  @Test
  void entriesOlderThanADayAndBrokenLinesAreDropped(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("svc.starts"),
        "# header\n"
            + (NOW - Duration.ofDays(2).toMillis())
            + "\nnot-a-number\n"
            + (NOW - 1000)
            + "\n");
    StartHistory history = StartHistory.record(dir, "svc", NOW);
    assertThat(history.startsWithin(Duration.ofHours(24), NOW)).isEqualTo(2);
    assertThat(Files.readAllLines(dir.resolve("svc.starts")))
        .containsExactly(
            "# JVM starts of service 'svc', epoch milliseconds (opspulse agent)",
            String.valueOf(NOW - 1000),
            String.valueOf(NOW));
  }

  @Test
  void serviceNamesBecomeSafeFileNames() {
    assertThat(StartHistory.fileName("shop/api:v2")).isEqualTo("shop_api_v2.starts");
    assertThat(StartHistory.fileName("..")).isEqualTo("_...starts");
  }
}
