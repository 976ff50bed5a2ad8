package io.opspulse.agent.core;

/** The agent's version, from the jar manifest. */
final class Version {
  private Version() {}

  static String get() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
