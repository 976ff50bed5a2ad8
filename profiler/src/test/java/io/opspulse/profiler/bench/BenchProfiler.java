package io.opspulse.profiler.bench;

import io.opspulse.profiler.ContinuousProfiler;
import io.opspulse.profiler.ProfileEvent;
import java.time.Duration;

/**
 * The profiler as the agent would run it in a benchmark JVM: started with the given period, and a
 * "scrape" every 5 s computing the top frames (what the gauge callback does), so that cost counts too.
 */
final class BenchProfiler {
  private BenchProfiler() {}

  /** mode "off", or the period in ms ("20"); returns null when off. */
  static ContinuousProfiler start(String mode) {
    if (mode.equals("off")) {
      return null;
    }
    ContinuousProfiler p = ContinuousProfiler.builder().period(Duration.ofMillis(Long.parseLong(mode)))
        .events(ProfileEvent.CPU).build();
    p.start();
    Thread scraper = new Thread(() -> {
      while (true) {
        try {
          Thread.sleep(5000);
        } catch (InterruptedException e) {
          return;
        }
        p.topFrames(ProfileEvent.CPU, Duration.ofSeconds(60), 5);
      }
    }, "bench-scrape");
    scraper.setDaemon(true);
    scraper.start();
    return p;
  }

  static String describe(ContinuousProfiler p) {
    if (p == null) {
      return "samples=0";
    }
    return "state=" + p.state() + " samples=" + p.samples(ProfileEvent.CPU) + " stacks=" + p.stacksHeld(ProfileEvent.CPU)
        + " source=" + p.snapshot(Duration.ofSeconds(1), ProfileEvent.CPU).source();
  }
}
