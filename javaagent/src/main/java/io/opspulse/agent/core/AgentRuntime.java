package io.opspulse.agent.core;

import io.opentelemetry.instrumentation.runtimetelemetry.RuntimeTelemetry;
import io.opspulse.agent.bootstrap.Hooks;
import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Wires the agent together; every step is contained, so one failing part leaves the others running.
 *
 * <p>Start-up cost is what the application waits for in premain, so premain only registers
 * {@link ClassGate} (JDK code, no ByteBuddy) and returns: one thread builds ByteBuddy's transformer behind
 * the gate, another starts the OpenTelemetry SDK, the Prometheus endpoint and the runtime metrics. Executors, pools and restart loaders seen before the SDK is up are still registered (the
 * registries do not need it); only HTTP and JDBC timings of that first fraction of a second are dropped.
 */
final class AgentRuntime {
  private static final boolean DEBUG = Boolean.getBoolean("opspulse.debug");

  private AgentRuntime() {}

  static void start(AgentConfig config, java.lang.instrument.Instrumentation inst, long began) {
    AgentErrors errors = new AgentErrors();
    ExecutorRegistry executors = new ExecutorRegistry();
    ConnectionPools pools = new ConnectionPools();
    Map<String, String> props = new HashMap<>();
    System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
    ClassLoader system = ClassLoader.getSystemClassLoader();
    DevMode devMode = new DevMode(() -> ManagementFactory.getRuntimeMXBean().getInputArguments(), props,
        resource -> system.getResource(resource) != null);
    AgentRecorder recorder = new AgentRecorder(config.maxRoutes(), errors, executors, pools, devMode);

    // Synchronous: a service that crashes at once must still leave its start in the history.
    StartHistory history;
    try {
      history = StartHistory.record(config.stateDir(), config.serviceName(), System.currentTimeMillis());
    } catch (IOException | RuntimeException e) {
      errors.record("start-history", e);
      history = StartHistory.empty();
    }
    StartHistory starts = history;

    Runnable telemetry = () -> startTelemetry(config, errors, recorder, executors, pools, devMode, starts, began);
    boolean gated = false;
    try {
      Hooks.install(recorder);
      BootstrapBridge.openModules(inst, Hooks.class);
      gated = installGate(config, inst, errors, telemetry);
    } catch (RuntimeException | LinkageError e) {
      errors.record("instrumentation", e);
    }
    if (!gated) {
      Thread telemetryStart = new Thread(telemetry, "opspulse-agent-start");
      telemetryStart.setDaemon(true);
      telemetryStart.start();
    }
    if (DEBUG) {
      AgentLog.info("premain done in " + (System.nanoTime() - began) / 1_000_000 + " ms");
    }
  }

  /**
   * Registers {@link ClassGate} now, so that no class loads past it unseen, and builds ByteBuddy behind
   * it on a thread of its own; JDK targets loaded before us are retransformed once ByteBuddy is ready.
   * The same thread then runs {@code next} (the telemetry start): one agent thread competing with the
   * application's start for the CPU instead of two gets ByteBuddy ready sooner, and an application class
   * that needs it waits less. Returns false, running nothing, when no instrumentation is enabled.
   */
  private static boolean installGate(AgentConfig config, java.lang.instrument.Instrumentation inst,
      AgentErrors errors, Runnable next) {
    Set<String> byName = ClassGate.exactNames(config);
    if (byName.isEmpty() && !config.enabled(Instrumentation.SERVLET) && !config.enabled(Instrumentation.JDBC)) {
      return false;
    }
    CompletableFuture<ClassFileTransformer> byteBuddy = new CompletableFuture<>();
    inst.addTransformer(new ClassGate(config, byteBuddy, errors), true);
    Class<?>[] loadedBefore = Instrumenter.alreadyLoaded(inst, byName);
    Thread build = new Thread(() -> {
      long t0 = System.nanoTime();
      try {
        byteBuddy.complete(Instrumenter.build(config, errors));
        if (loadedBefore.length > 0) {
          inst.retransformClasses(loadedBefore);
        }
        if (DEBUG) {
          AgentLog.info("ByteBuddy ready in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
      } catch (Throwable e) {
        byteBuddy.completeExceptionally(e);
        errors.record("instrumentation", e);
      }
      next.run();
    }, "opspulse-agent-start");
    build.setDaemon(true);
    build.start();
    return true;
  }

  private static void startTelemetry(AgentConfig config, AgentErrors errors, AgentRecorder recorder,
      ExecutorRegistry executors, ConnectionPools pools, DevMode devMode, StartHistory history, long began) {
    try {
      Telemetry telemetry = Telemetry.start(config, errors);
      recorder.bind(telemetry.meter());
      ObservedMetrics observed = new ObservedMetrics(telemetry.meter(), errors);
      step("runtime", errors, () -> {
        if (config.enabled(Instrumentation.RUNTIME)) {
          RuntimeTelemetry.create(telemetry.sdk());
          observed.runtimeExtras();
        }
      });
      step("start-history", errors, () -> observed.starts(history));
      step("dev-mode", errors, () -> {
        if (config.enabled(Instrumentation.DEV_MODE)) {
          observed.devMode(devMode);
        }
      });
      step("executor", errors, () -> observed.executors(executors));
      step("connection-pool", errors, () -> observed.connectionPools(pools));
      step(Profiling.COMPONENT, errors, () -> {
        if (config.profiler().on()) {
          Profiling.start(config.profiler(), errors).publish(telemetry.meter(), errors);
        }
      });
      // Registered last, so that a collection reads it after the callbacks that may count a failure.
      observed.agentErrors();
      AgentLog.info("started for service '" + config.serviceName() + "'"
          + (telemetry.prometheusServing()
              ? ", Prometheus endpoint on " + config.prometheusHost() + ":" + config.prometheusPort()
              : ", no Prometheus endpoint")
          + " in " + (System.nanoTime() - began) / 1_000_000 + " ms");
    } catch (RuntimeException | LinkageError e) {
      errors.record("runtime", e);
    }
  }

  private static void step(String component, AgentErrors errors, Runnable body) {
    long t0 = System.nanoTime();
    try {
      body.run();
      if (DEBUG) {
        AgentLog.info(component + " took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
      }
    } catch (RuntimeException | LinkageError e) {
      errors.record(component, e);
    }
  }
}
