package io.opspulse.profiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opspulse.testkit.Poll;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ContinuousProfilerTest {

  @Test
  void badOptionsAreRejectedByName() {
    assertThatThrownBy(() -> ContinuousProfiler.builder().period(Duration.ZERO).build())
        .hasMessageStartingWith("period:");
    assertThatThrownBy(() -> ContinuousProfiler.builder().events().build())
        .hasMessageStartingWith("events:");
    assertThatThrownBy(() -> ContinuousProfiler.builder().window(Duration.ofMillis(1500)).build())
        .hasMessageStartingWith("window:");
    assertThatThrownBy(() -> ContinuousProfiler.builder().maxStacks(1).build())
        .hasMessageStartingWith("maxStacks:");
    assertThatThrownBy(() -> ContinuousProfiler.builder().maxDepth(0).build())
        .hasMessageStartingWith("maxDepth:");
  }

  @Test
  void askingForAnEventItDoesNotRecordIsAnError() {
    try (ContinuousProfiler p = ContinuousProfiler.builder().build()) {
      assertThat(p.events()).containsExactly(ProfileEvent.CPU);
      assertThatThrownBy(() -> p.snapshot(Duration.ofSeconds(1), ProfileEvent.LOCK))
          .hasMessageContaining("lock is not recorded");
    }
  }

  /** In this very JVM: start returns at once, JFR comes up on its own thread, samples flow. */
  @Test
  void startsRecordingInTheBackgroundAndStopsOnClose() {
    List<String> log = new CopyOnWriteArrayList<>();
    ContinuousProfiler p =
        ContinuousProfiler.builder().log(log::add).period(Duration.ofMillis(10)).build();
    try {
      assertThat(p.state()).isEqualTo(ContinuousProfiler.State.NEW);
      p.start();
      assertThat(p.state())
          .isIn(ContinuousProfiler.State.STARTING, ContinuousProfiler.State.RUNNING);
      Poll.untilTrue(
          "the profiler running",
          Duration.ofSeconds(20),
          () -> p.state() == ContinuousProfiler.State.RUNNING);
      Poll.untilTrue(
          "CPU samples of this busy test",
          Duration.ofSeconds(30),
          () -> {
            spin();
            return p.samples(ProfileEvent.CPU) > 0;
          });
      assertThat(p.snapshot(Duration.ofSeconds(60), ProfileEvent.CPU).source())
          .isIn(JfrStream.EXECUTION_SAMPLE, JfrStream.CPU_TIME_SAMPLE);
      assertThat(Thread.getAllStackTraces().keySet())
          .as(
              "every thread JFR streaming runs on is a daemon: the profiler must never keep a JVM alive")
          .filteredOn(
              t -> t.getName().startsWith("JFR") || t.getName().startsWith("opspulse-profiler"))
          .isNotEmpty()
          .allMatch(Thread::isDaemon);
      assertThat(log)
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .startsWith("profiling cpu with jdk.");
    } finally {
      p.close();
    }
    assertThat(p.state()).isEqualTo(ContinuousProfiler.State.CLOSED);
    p.start(); // after close: nothing
    assertThat(p.state()).isEqualTo(ContinuousProfiler.State.CLOSED);
  }

  private static long spin() {
    long x = System.nanoTime();
    for (int i = 0; i < 5_000_000; i++) {
      x = x * 31 + i;
    }
    return x;
  }
}
