package io.opspulse.webconfig;

import java.time.Duration;

/**
 * {@code rate_limit}: a token bucket refilled one token per {@code interval}, holding up to {@code
 * burst}; a request finding it empty gets 429. An interval of zero disables it.
 */
public record RateLimit(Duration interval, int burst) {
  public RateLimit {
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval must not be negative");
    }
    if (burst < 0) {
      throw new IllegalArgumentException("burst must not be negative");
    }
  }

  public boolean enabled() {
    return !interval.isZero();
  }
}
