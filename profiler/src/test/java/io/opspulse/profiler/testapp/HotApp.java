package io.opspulse.profiler.testapp;

import com.sun.net.httpserver.HttpServer;
import io.opspulse.profiler.ContinuousProfiler;
import io.opspulse.profiler.ProfileEvent;
import io.opspulse.profiler.ProfilerHttpHandlers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The integration tests' service: one thread burning CPU in {@link #burnCpuInHotLoop}, one
 * allocating in {@link #allocateInAllocLoop}, two fighting over a monitor in {@link
 * #holdContendedLock}; the profiler runs in this JVM and its handlers are served on 127.0.0.1:port.
 *
 * <p>Usage: {@code HotApp <port> <events, e.g. cpu,alloc,lock>}
 */
public final class HotApp {
  static volatile long sink;
  static volatile Object keep;
  private static final Object LOCK = new Object();

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    List<ProfileEvent> events = new ArrayList<>();
    for (String e : args[1].split(",")) {
      events.add(ProfileEvent.parse(e));
    }
    ContinuousProfiler profiler = ContinuousProfiler.builder().events(events).build();
    profiler.start();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    ProfilerHttpHandlers.register(server, profiler);
    server.start();
    worker("hot", HotApp::burnCpuInHotLoop);
    worker("alloc", HotApp::allocateInAllocLoop);
    worker("lock-a", HotApp::holdContendedLock);
    worker("lock-b", HotApp::holdContendedLock);
    System.out.println(
        "READY port="
            + port
            + " java="
            + Runtime.version().feature()
            + " state="
            + profiler.state());
    while (true) {
      Thread.sleep(1000);
      System.out.println(
          "state="
              + profiler.state()
              + " cpuSamples="
              + (profiler.events().contains(ProfileEvent.CPU)
                  ? profiler.samples(ProfileEvent.CPU)
                  : -1));
    }
  }

  private static void worker(String name, Runnable body) {
    Thread t =
        new Thread(
            () -> {
              while (true) {
                body.run();
              }
            },
            name);
    t.setDaemon(true);
    t.start();
  }

  /** The known hot method: pure arithmetic, no allocation, no calls worth a frame. */
  static void burnCpuInHotLoop() {
    long x = sink;
    for (int i = 0; i < 50_000_000; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      x ^= x >>> 29;
    }
    sink = x;
  }

  /**
   * The known allocating method: mostly sleeps, so CPU stays with the hot loop, but allocates ~50
   * MB/s.
   */
  static void allocateInAllocLoop() {
    for (int i = 0; i < 50; i++) {
      keep = new byte[64 * 1024];
    }
    sleep(Duration.ofMillis(50));
  }

  /** Holds the monitor for 30 ms at a time, so the other thread waits on it. */
  static void holdContendedLock() {
    synchronized (LOCK) {
      sleep(Duration.ofMillis(30));
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
