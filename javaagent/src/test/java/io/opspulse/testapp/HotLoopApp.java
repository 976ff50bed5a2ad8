package io.opspulse.testapp;

/**
 * A service with one known hot method: {@link #burnCpu} spins on a non-daemon thread, so a profile
 * of this JVM must name it on top. Prints READY once it spins.
 */
public final class HotLoopApp {
  static volatile double sink;

  private HotLoopApp() {}

  public static void main(String[] args) {
    Thread worker = new Thread(HotLoopApp::loop, "hot-loop");
    worker.start();
    System.out.println("READY");
  }

  private static void loop() {
    while (true) {
      sink += burnCpu(200_000);
    }
  }

  /** Pure arithmetic, nothing it calls: its own frame holds the samples. */
  static double burnCpu(int rounds) {
    double x = 1.0001;
    for (int i = 0; i < rounds; i++) {
      x = x * 1.0000001 + Math.sqrt(i + x) % 3;
    }
    return x;
  }
}
