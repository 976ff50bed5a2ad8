package io.opspulse.agent.core;

import java.io.IOException;
import java.lang.instrument.UnmodifiableClassException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Wires the agent together; every step is contained, so one failing part leaves the others running.
 *
 * <p>Start-up cost is what the application waits for in premain, so premain only puts the bridge on
 * the bootstrap loader with the recorder behind it, registers {@link ClassGate} (JDK code and ASM),
 * retransforms the few targets the JVM loaded before the agent, adds a shutdown hook and returns;
 * one thread then writes the start history and starts the OpenTelemetry SDK, the Prometheus
 * endpoint and the runtime metrics. Classes are woven as they load, from the first one on: the
 * thread pools, connection pools and restart loaders made before the SDK is up are registered and
 * reported once it is; the HTTP and JDBC timings of that first fraction of a second (before the
 * application serves) are dropped.
 */
final class AgentRuntime {
  private static final boolean DEBUG = Boolean.getBoolean("opspulse.debug");

  private AgentRuntime() {}

  static void start(AgentConfig config, java.lang.instrument.Instrumentation inst, long began) {
    AgentErrors errors = new AgentErrors();
    StartRecord start = new StartRecord(config, errors);
    try {
      BootstrapBridge.install(inst);
    } catch (Exception | LinkageError e) {
      AgentLog.info(
          "cannot set up the bootstrap bridge (" + e + "); the agent does nothing in this JVM");
      return;
    }
    // Named only now that the bridge is defined: AgentWiring names the bootstrap types, and loading
    // it before would load a second copy of them through the application loader.
    AgentWiring wiring = AgentWiring.prepare(config, inst, errors);
    try {
      if (wiring != null && ClassGate.needed(config)) {
        ClassGate gate = new ClassGate(config, errors);
        inst.addTransformer(gate, true);
        retransform(inst, gate.exactNames(), errors);
      }
    } catch (RuntimeException | LinkageError e) {
      errors.record("instrumentation", e);
    }
    // Should the JVM end before the start thread wrote the start history (a service crashing at
    // once), the shutdown hook writes it; whichever comes first writes it, once.
    try {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(start::record, "opspulse-agent-start-history"));
    } catch (IllegalStateException | SecurityException e) {
      errors.record("start-history", e);
    }
    if (wiring == null) {
      return;
    }
    // The start history (a file lock, file I/O) is written on this thread, off the class-loading
    // path.
    Thread thread = new Thread(() -> wiring.start(start::record, began), "opspulse-agent-start");
    thread.setDaemon(true);
    thread.start();
    if (DEBUG) {
      AgentLog.info("premain done in " + (System.nanoTime() - began) / 1_000_000 + " ms");
    }
  }

  /**
   * Retransforms the targets by name that the JVM loaded before the agent (the JDK's thread pools):
   * those matched by name alone, instead of matching the few thousand loaded classes one by one.
   * One class the JVM refuses fails the whole batch, so then the others go one by one.
   */
  private static void retransform(
      java.lang.instrument.Instrumentation inst, Set<String> internalNames, AgentErrors errors) {
    List<Class<?>> found = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (internalNames.contains(c.getName().replace('.', '/')) && inst.isModifiableClass(c)) {
        found.add(c);
      }
    }
    if (found.isEmpty()) {
      return;
    }
    try {
      inst.retransformClasses(found.toArray(new Class<?>[0]));
    } catch (UnmodifiableClassException | RuntimeException | LinkageError e) {
      for (Class<?> c : found) {
        try {
          inst.retransformClasses(c);
        } catch (UnmodifiableClassException | RuntimeException | LinkageError each) {
          errors.record(
              "instrumentation",
              new IllegalStateException("cannot retransform ".concat(c.getName()), each));
        }
      }
    }
  }

  /** This JVM's start, written to the history once, by whichever thread gets there first. */
  private static final class StartRecord {
    private final AgentConfig config;
    private final AgentErrors errors;
    private @Nullable StartHistory history;

    StartRecord(AgentConfig config, AgentErrors errors) {
      this.config = config;
      this.errors = errors;
    }

    synchronized StartHistory record() {
      if (history == null) {
        try {
          history =
              StartHistory.record(
                  config.stateDir(), config.serviceName(), System.currentTimeMillis());
        } catch (IOException | RuntimeException e) {
          errors.record("start-history", e);
          history = StartHistory.empty();
        }
      }
      return history;
    }
  }
}
