package io.opspulse.profiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RollingProfileTest {
  private final AtomicLong now = new AtomicLong(1_000_000);

  private RollingProfile window(int maxStacks, int maxDepth) {
    return new RollingProfile(
        ProfileEvent.CPU,
        Duration.ofSeconds(10),
        Duration.ofSeconds(1),
        maxStacks,
        maxDepth,
        now::get);
  }

  private static String[] stack(String... frames) {
    return frames;
  }

  @Test
  void identicalStacksFoldIntoOneLineWithTheSummedWeight() {
    RollingProfile p = window(100, 64);
    p.add(now.get(), stack("main", "work", "hot"), false, 1);
    p.add(now.get(), stack("main", "work", "hot"), false, 1);
    p.add(now.get(), stack("main", "work", "cold"), false, 1);

    Profile snap = p.snapshot(Duration.ofSeconds(10));

    assertThat(snap.stacks())
        .containsExactly(
            new FoldedStack(List.of("main", "work", "hot"), 2),
            new FoldedStack(List.of("main", "work", "cold"), 1));
    assertThat(snap.total()).isEqualTo(3);
    assertThat(p.samples()).isEqualTo(3);
    assertThat(p.stacksHeld()).isEqualTo(2);
  }

  @Test
  void samplesFromBucketsSummedAcrossTheSpan() {
    RollingProfile p = window(100, 64);
    p.add(now.get(), stack("a"), false, 5);
    now.addAndGet(3_000);
    p.add(now.get(), stack("a"), false, 7);

    assertThat(p.snapshot(Duration.ofSeconds(10)).total()).isEqualTo(12);
    assertThat(p.snapshot(Duration.ofSeconds(1)).total())
        .as("only the current second")
        .isEqualTo(7);
    assertThat(p.snapshot(Duration.ofSeconds(4)).total()).isEqualTo(12);
  }

  @Test
  void samplesOlderThanTheWindowExpireAndTheirStacksAreForgotten() {
    RollingProfile p = window(100, 64);
    p.add(now.get(), stack("main", "old"), false, 1);
    now.addAndGet(5_000);
    p.add(now.get(), stack("main", "new"), false, 1);
    now.addAndGet(6_000); // "old" is now 11 s back, "new" 6 s

    Profile snap = p.snapshot(Duration.ofSeconds(60));

    assertThat(snap.stacks()).extracting(FoldedStack::topFrame).containsExactly("new");
    assertThat(p.stacksHeld()).isEqualTo(1);
    assertThat(p.framesHeld()).as("frames of forgotten stacks are released too").isEqualTo(2);

    now.addAndGet(10_000);
    assertThat(p.snapshot(Duration.ofSeconds(60)).isEmpty()).isTrue();
    assertThat(p.stacksHeld()).isZero();
    assertThat(p.framesHeld()).isZero();
    assertThat(p.entriesHeld()).isZero();
  }

  @Test
  void aSampleStampedBeforeTheWindowIsDroppedAndCounted() {
    RollingProfile p = window(100, 64);
    p.add(now.get() - 30_000, stack("late"), false, 1);
    assertThat(p.lateSamples()).isEqualTo(1);
    assertThat(p.snapshot(Duration.ofSeconds(10)).isEmpty()).isTrue();
  }

  @Test
  void aSampleStampedInTheFutureCountsInTheCurrentBucket() {
    RollingProfile p = window(100, 64);
    p.add(now.get() + 5_000, stack("skewed"), false, 1);
    assertThat(p.snapshot(Duration.ofSeconds(1)).total()).isEqualTo(1);
  }

  @Test
  void newStacksBeyondTheCapFoldIntoOneOverflowStackSoTotalsStayRight() {
    RollingProfile p = window(2, 64);
    p.add(now.get(), stack("s1"), false, 1);
    p.add(now.get(), stack("s2"), false, 1);
    p.add(now.get(), stack("s3"), false, 1);
    p.add(now.get(), stack("s4"), false, 1);
    p.add(now.get(), stack("s1"), false, 1); // known stacks still count as themselves

    Profile snap = p.snapshot(Duration.ofSeconds(10));

    assertThat(snap.total()).isEqualTo(5);
    assertThat(snap.overflowWeight()).isEqualTo(2);
    assertThat(snap.stacks())
        .contains(new FoldedStack(List.of("[overflow]"), 2), new FoldedStack(List.of("s1"), 2));
    assertThat(p.overflowSamples()).isEqualTo(2);
    assertThat(p.stacksHeld()).isEqualTo(2);
  }

  @Test
  void stacksThatWouldBringTooManyNewFrameNamesOverflowToo() {
    RollingProfile p = window(16, 64); // 64 distinct frame names at most
    String[] wide = new String[60];
    for (int i = 0; i < wide.length; i++) {
      wide[i] = "f" + i;
    }
    p.add(now.get(), wide, false, 1);
    p.add(now.get(), stack("g1", "g2", "g3", "g4", "g5"), false, 1); // 65 names: no room
    p.add(now.get(), stack("f0", "f1", "g1"), false, 1); // 61: fits

    assertThat(p.overflowSamples()).isEqualTo(1);
    assertThat(p.framesHeld()).isEqualTo(61);
  }

  @Test
  void knownStacksOverflowOnceTheWindowHoldsItsCapOfEntries() {
    RollingProfile p =
        new RollingProfile(
            ProfileEvent.CPU,
            Duration.ofSeconds(60),
            Duration.ofSeconds(1),
            16,
            64,
            now::get); // 16 * 16 = 256 entries
    for (int second = 0; second < 30; second++) {
      for (int s = 0; s < 16; s++) {
        p.add(now.get(), stack("s" + s), false, 1);
      }
      now.addAndGet(1_000);
    }
    assertThat(p.entriesHeld())
        .isEqualTo(256 + 14); // 16 full buckets, then 14 buckets of [overflow] alone
    Profile snap = p.snapshot(Duration.ofSeconds(60));
    assertThat(snap.total()).isEqualTo(30 * 16);
    assertThat(snap.overflowWeight()).isEqualTo(14 * 16);
  }

  @Test
  void theCapFreesUpWhenOldStacksExpire() {
    RollingProfile p = window(2, 64);
    p.add(now.get(), stack("s1"), false, 1);
    p.add(now.get(), stack("s2"), false, 1);
    now.addAndGet(10_000);
    p.add(now.get(), stack("s3"), false, 1);

    assertThat(p.snapshot(Duration.ofSeconds(10)).stacks())
        .containsExactly(new FoldedStack(List.of("s3"), 1));
    assertThat(p.overflowSamples()).isZero();
  }

  @Test
  void deepStacksKeepTheirTopFramesUnderATruncatedRoot() {
    RollingProfile p = window(100, 4);
    p.add(now.get(), stack("f1", "f2", "f3", "f4", "f5", "f6"), false, 1);
    assertThat(p.snapshot(Duration.ofSeconds(10)).stacks().get(0).frames())
        .containsExactly("[truncated]", "f3", "f4", "f5", "f6");
  }

  @Test
  void stacksJfrTruncatedAreMarkedAsSuch() {
    RollingProfile p = window(100, 64);
    p.add(now.get(), stack("f1", "f2"), true, 1);
    p.add(now.get(), stack(), false, 1);
    assertThat(p.snapshot(Duration.ofSeconds(10)).stacks())
        .extracting(FoldedStack::frames)
        .containsExactlyInAnyOrder(List.of("[truncated]", "f1", "f2"), List.of("[unknown]"));
  }

  @Test
  void aSnapshotIsACopyThatLaterSamplesDoNotChange() {
    RollingProfile p = window(100, 64);
    p.add(now.get(), stack("a"), false, 1);
    Profile before = p.snapshot(Duration.ofSeconds(10));
    p.add(now.get(), stack("a"), false, 1);
    assertThat(before.total()).isEqualTo(1);
    assertThat(p.snapshot(Duration.ofSeconds(10)).total()).isEqualTo(2);
  }

  @Test
  void memoryStaysBoundedUnderAFloodOfDistinctStacks() {
    RollingProfile p = window(64, 8);
    for (int second = 0; second < 30; second++) {
      for (int i = 0; i < 1_000; i++) {
        p.add(now.get(), stack("root", "m" + second + "_" + i), false, 1);
      }
      now.addAndGet(1_000);
    }
    assertThat(p.stacksHeld()).isLessThanOrEqualTo(64);
    assertThat(p.framesHeld()).isLessThanOrEqualTo(64 * 9);
    assertThat(p.entriesHeld())
        .as("at most the entry cap + one overflow entry per bucket")
        .isLessThanOrEqualTo(RollingProfile.entriesFor(64) + 10);
    assertThat(p.overflowSamples()).isGreaterThan(0);
  }

  @Test
  void windowMustBeWholeResolutions() {
    assertThatThrownBy(
            () ->
                new RollingProfile(
                    ProfileEvent.CPU,
                    Duration.ofMillis(1500),
                    Duration.ofSeconds(1),
                    10,
                    10,
                    now::get))
        .hasMessageContaining("whole number");
  }
}
