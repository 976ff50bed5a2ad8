package io.opspulse.testapp;

/** A service that dies on start, as one with a bad configuration does in a restart loop. */
public final class CrashingApp {
  private CrashingApp() {}

  public static void main(String[] args) {
    System.out.println("starting, then failing");
    System.exit(3);
  }
}
