package io.opspulse.agent.core;

import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.util.concurrent.CompletableFuture;

/**
 * Wires the agent together; every step is contained, so one failing part leaves the others running.
 *
 * <p>Start-up cost is what the application waits for in premain, so premain only registers
 * {@link ClassGate} (JDK code, no ByteBuddy) and a shutdown hook, and returns; one thread then writes the
 * start history, puts the bridge on the bootstrap loader, builds ByteBuddy's transformer behind the gate
 * and starts the OpenTelemetry SDK, the Prometheus endpoint and the runtime metrics. One agent thread
 * competing with the application's own start for the CPU instead of two gets ByteBuddy ready sooner.
 *
 * <p>A target class that loads before ByteBuddy is ready waits for it at the gate, so nothing goes
 * uninstrumented. Executors, pools and restart loaders seen before the SDK is up are registered (the
 * registries do not need it); only HTTP and JDBC timings of that first fraction of a second are dropped.
 */
final class AgentRuntime {
  private static final boolean DEBUG = Boolean.getBoolean("opspulse.debug");

  private AgentRuntime() {}

  static void start(AgentConfig config, java.lang.instrument.Instrumentation inst, long began) {
    AgentErrors errors = new AgentErrors();
    StartRecord start = new StartRecord(config, errors);
    CompletableFuture<ClassFileTransformer> byteBuddy = new CompletableFuture<>();
    ClassGate gate = null;
    Class<?>[] loadedBefore = new Class<?>[0];
    try {
      if (ClassGate.needed(config)) {
        gate = new ClassGate(config, byteBuddy, errors);
        inst.addTransformer(gate, true);
        loadedBefore = Instrumenter.alreadyLoaded(inst, ClassGate.exactNames(config));
      }
    } catch (RuntimeException | LinkageError e) {
      errors.record("instrumentation", e);
    }
    // Should the JVM end before the start thread wrote the start history (a service crashing at once),
    // the shutdown hook writes it; whichever comes first writes it, once.
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(start::record, "opspulse-agent-start-history"));
    } catch (IllegalStateException | SecurityException e) {
      errors.record("start-history", e);
    }
    ClassGate registered = gate;
    Class<?>[] retransform = loadedBefore;
    Thread thread = new Thread(
        () -> startInBackground(config, inst, errors, start, registered, byteBuddy, retransform, began),
        "opspulse-agent-start");
    thread.setDaemon(true);
    thread.start();
    if (DEBUG) {
      AgentLog.info("premain done in " + (System.nanoTime() - began) / 1_000_000 + " ms");
    }
  }

  /**
   * Everything but the gate, in order: the bootstrap bridge here; then {@link AgentWiring} does the
   * recorder (before any advice can run: none does until ByteBuddy is handed to the gate), ByteBuddy, the
   * start history (a crash-looping service that dies before is recorded by the shutdown hook), the SDK
   * and its endpoint. The
   * split is not cosmetic: this class is loaded at premain, before the bridge exists, so it must not name
   * the bootstrap types (the verifier would load a second copy of them through the application loader).
   */
  private static void startInBackground(AgentConfig config, java.lang.instrument.Instrumentation inst,
      AgentErrors errors, StartRecord start, ClassGate gate, CompletableFuture<ClassFileTransformer> byteBuddy,
      Class<?>[] loadedBefore, long began) {
    if (gate != null) {
      gate.builtOnThisThread();
    }
    try {
      BootstrapBridge.install(inst);
    } catch (Exception | LinkageError e) {
      AgentLog.info("cannot set up the bootstrap bridge (" + e + "); the agent does nothing in this JVM");
      if (gate != null) {
        inst.removeTransformer(gate);
      }
      byteBuddy.completeExceptionally(e);
      return;
    }
    // The start history (a file lock, file I/O) is written once ByteBuddy is ready: a class waiting at the
    // gate must never wait on a file lock held by another JVM on a shared volume.
    AgentWiring.start(config, inst, errors, start::record, gate, byteBuddy, loadedBefore, began);
  }

  /** This JVM's start, written to the history once, by whichever thread gets there first. */
  private static final class StartRecord {
    private final AgentConfig config;
    private final AgentErrors errors;
    private StartHistory history;

    StartRecord(AgentConfig config, AgentErrors errors) {
      this.config = config;
      this.errors = errors;
    }

    synchronized StartHistory record() {
      if (history == null) {
        try {
          history = StartHistory.record(config.stateDir(), config.serviceName(), System.currentTimeMillis());
        } catch (IOException | RuntimeException e) {
          errors.record("start-history", e);
          history = StartHistory.empty();
        }
      }
      return history;
    }
  }
}
