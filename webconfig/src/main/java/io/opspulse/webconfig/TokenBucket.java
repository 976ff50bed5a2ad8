package io.opspulse.webconfig;

import java.util.function.LongSupplier;

/** rate_limit's token bucket: one token per interval, at most {@code burst} saved up. */
final class TokenBucket {
  private final long intervalNanos;
  private final int burst;
  private final LongSupplier clock;
  private double tokens;
  private long last;

  TokenBucket(RateLimit limit, LongSupplier nanoClock) {
    this.intervalNanos = limit.interval().toNanos();
    this.burst = limit.burst();
    this.clock = nanoClock;
    this.tokens = burst;
    this.last = nanoClock.getAsLong();
  }

  synchronized boolean tryAcquire() {
    long now = clock.getAsLong();
    tokens = Math.min(burst, tokens + (double) (now - last) / intervalNanos);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
