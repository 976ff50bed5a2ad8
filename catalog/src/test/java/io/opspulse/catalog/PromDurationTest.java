package io.opspulse.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PromDurationTest {
  @Test
  void readsEveryUnitAndCombinations() {
    assertThat(PromDuration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(PromDuration.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(PromDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(PromDuration.parse("1d")).isEqualTo(Duration.ofHours(24));
    assertThat(PromDuration.parse("2w")).isEqualTo(Duration.ofDays(14));
    assertThat(PromDuration.parse("1y")).isEqualTo(Duration.ofDays(365));
    assertThat(PromDuration.parse("0s")).isZero();
  }

  @Test
  void refusesWhatPrometheusRefuses() {
    for (String bad : new String[] {"", "5", "5 m", "1.5h", "m5", "-5m", "5M", " 5m"}) {
      assertThat(PromDuration.isValid(bad)).as(bad).isFalse();
      assertThatThrownBy(() -> PromDuration.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a Prometheus duration");
    }
    assertThat(PromDuration.isValid(null)).isFalse();
    assertThatThrownBy(() -> PromDuration.parse("99999999999999999999y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too long");
  }

  @Test
  void zeroIsEveryPartZero() {
    assertThat(PromDuration.isZero("0s")).isTrue();
    assertThat(PromDuration.isZero("0m00s")).isTrue();
    assertThat(PromDuration.isZero("0m1s")).isFalse();
    assertThat(PromDuration.isZero("")).isFalse();
  }
}
