package io.opspulse.agent.core;

import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Wires the agent together; every step is contained, so one failing part leaves the others running.
 *
 * <p>Start-up cost is what the application waits for in premain, so premain only puts the bridge on
 * the bootstrap loader with the recorder behind it, registers {@link ClassGate} (JDK code and ASM,
 * no ByteBuddy) and a shutdown hook, and returns; one thread then builds ByteBuddy's transformer,
 * retransforms the candidates that loaded meanwhile, writes the start history and starts the
 * OpenTelemetry SDK, the Prometheus endpoint and the runtime metrics. One agent thread competing
 * with the application's own start for the CPU instead of two gets ByteBuddy ready sooner.
 *
 * <p>No application thread waits for the agent: a target class that loads before ByteBuddy is ready
 * loads at once, with only the {@link EarlyHooks} that register thread pools, connection pools and
 * restart class loaders made meanwhile, and gets its full advice by retransformation. Only HTTP and
 * JDBC timings of that first fraction of a second (before the application serves) are dropped.
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
    // it
    // before would load a second copy of them through the application loader.
    AgentWiring wiring = AgentWiring.prepare(config, inst, errors);
    CompletableFuture<ClassFileTransformer> byteBuddy = new CompletableFuture<>();
    ClassGate gate = null;
    Class<?>[] loadedBefore = new Class<?>[0];
    try {
      if (wiring != null && ClassGate.needed(config)) {
        gate = new ClassGate(config, byteBuddy, errors);
        inst.addTransformer(gate, true);
        loadedBefore = Instrumenter.alreadyLoaded(inst, ClassGate.exactNames(config));
      }
    } catch (RuntimeException | LinkageError e) {
      errors.record("instrumentation", e);
    }
    // Should the JVM end before the start thread wrote the start history (a service crashing at
    // once),
    // the shutdown hook writes it; whichever comes first writes it, once.
    try {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(start::record, "opspulse-agent-start-history"));
    } catch (IllegalStateException | SecurityException e) {
      errors.record("start-history", e);
    }
    if (wiring == null) {
      return;
    }
    ClassGate registered = gate;
    Class<?>[] retransform = loadedBefore;
    // The start history (a file lock, file I/O) is written once ByteBuddy is ready, off the
    // class-loading path.
    Thread thread =
        new Thread(
            () -> wiring.start(inst, start::record, registered, byteBuddy, retransform, began),
            "opspulse-agent-start");
    thread.setDaemon(true);
    thread.start();
    if (DEBUG) {
      AgentLog.info("premain done in " + (System.nanoTime() - began) / 1_000_000 + " ms");
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
