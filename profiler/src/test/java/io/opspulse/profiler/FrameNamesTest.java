package io.opspulse.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrameNamesTest {
  @Test
  void lambdaClassesLoseTheirPerRunSuffix() {
    assertThat(FrameNames.frame("com.example.App$$Lambda$41+0x00007f569000cd00.1607521710", "run"))
        .isEqualTo("com.example.App$$Lambda.run");
    assertThat(FrameNames.frame("com.example.App$$Lambda/0x0000000801001200", "apply"))
        .isEqualTo("com.example.App$$Lambda.apply");
    assertThat(FrameNames.frame("com.example.App$Inner", "call"))
        .isEqualTo("com.example.App$Inner.call");
  }

  @Test
  void overlongNamesAreCut() {
    String cut = FrameNames.clean("x".repeat(2000));
    assertThat(cut).hasSize(FrameNames.MAX_LENGTH).endsWith("...");
  }

  @Test
  void syntheticFramesAreTheBracketedOnes() {
    assertThat(FrameNames.isSynthetic("[overflow]")).isTrue();
    assertThat(FrameNames.isSynthetic("com.example.App.run")).isFalse();
  }

  @Test
  void onlyParksOnLocksCountAsContention() {
    assertThat(JfrStream.isLockClass("java.util.concurrent.locks.ReentrantLock$NonfairSync"))
        .isTrue();
    assertThat(JfrStream.isLockClass("java.util.concurrent.locks.ReentrantReadWriteLock$FairSync"))
        .isTrue();
    assertThat(JfrStream.isLockClass("java.util.concurrent.Semaphore$NonfairSync")).isTrue();
    assertThat(
            JfrStream.isLockClass(
                "java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject"))
        .isFalse();
    assertThat(JfrStream.isLockClass("java.util.concurrent.SynchronousQueue$TransferStack"))
        .isFalse();
  }
}
