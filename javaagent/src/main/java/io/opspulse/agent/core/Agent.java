package io.opspulse.agent.core;

import java.lang.instrument.Instrumentation;

/**
 * Start-up, reached from the Java 8 entry point once the JVM is known to be 17 or newer: resolves
 * the settings and hands over to {@link AgentRuntime}. Any failure is contained: the application
 * starts without the agent.
 */
public final class Agent {
  private Agent() {}

  public static void start(String args, Instrumentation inst) {
    long began = System.nanoTime();
    AgentConfig config;
    try {
      config = ConfigResolver.resolve(args);
    } catch (IllegalArgumentException e) {
      AgentLog.info(e.getMessage() + "; the agent does nothing in this JVM");
      return;
    }
    AgentRuntime.start(config, inst, began);
  }
}
