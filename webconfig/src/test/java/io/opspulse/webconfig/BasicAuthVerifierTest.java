package io.opspulse.webconfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BasicAuthVerifierTest {
  private final BasicAuthVerifier verifier =
      new BasicAuthVerifier(Map.of("prometheus", BcryptTest.PROMETHEUS, "alice", BcryptTest.ALICE));

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void rightPasswordPassesAndIsThenServedFromTheCacheWithoutBcrypt() {
    assertThat(verifier.verify("prometheus", bytes("s3cret-scrape"))).isTrue();
    long runs = verifier.bcryptRuns();
    for (int i = 0; i < 5; i++) {
      assertThat(verifier.verify("prometheus", bytes("s3cret-scrape"))).isTrue();
    }
    assertThat(verifier.bcryptRuns()).isEqualTo(runs);
  }

  @Test
  void aWrongPasswordAfterASuccessIsStillRefusedAndPaysBcryptEveryTime() {
    assertThat(verifier.verify("prometheus", bytes("s3cret-scrape"))).isTrue();
    long runs = verifier.bcryptRuns();
    assertThat(verifier.verify("prometheus", bytes("s3cret-scrapf"))).isFalse();
    assertThat(verifier.verify("prometheus", bytes("s3cret-scrapf"))).isFalse();
    assertThat(verifier.bcryptRuns()).isEqualTo(runs + 2);
  }

  @Test
  void anotherUsersPasswordDoesNotPass() {
    assertThat(verifier.verify("alice", bytes("s3cret-scrape"))).isFalse();
    assertThat(verifier.verify("prometheus", bytes("pässwörd with spaces"))).isFalse();
    assertThat(verifier.verify("alice", bytes("pässwörd with spaces"))).isTrue();
  }

  @Test
  void anUnknownUserIsCheckedAgainstTheDecoySoItCostsABcryptRunToo() {
    long runs = verifier.bcryptRuns();
    assertThat(verifier.verify("mallory", bytes("s3cret-scrape"))).isFalse();
    assertThat(verifier.verify("", bytes(""))).isFalse();
    assertThat(verifier.bcryptRuns()).isEqualTo(runs + 2);
  }

  @Test
  void tokenBucketAllowsTheBurstThenOnePerInterval() {
    AtomicLong now = new AtomicLong(0);
    TokenBucket bucket = new TokenBucket(new RateLimit(Duration.ofSeconds(1), 2), now::get);
    assertThat(bucket.tryAcquire()).isTrue();
    assertThat(bucket.tryAcquire()).isTrue();
    assertThat(bucket.tryAcquire()).isFalse();
    now.addAndGet(Duration.ofMillis(500).toNanos());
    assertThat(bucket.tryAcquire()).isFalse();
    now.addAndGet(Duration.ofMillis(500).toNanos());
    assertThat(bucket.tryAcquire()).isTrue();
    now.addAndGet(Duration.ofSeconds(60).toNanos());
    assertThat(bucket.tryAcquire()).isTrue();
    assertThat(bucket.tryAcquire()).isTrue();
    assertThat(bucket.tryAcquire()).as("never more than the burst saved up").isFalse();
  }
}
