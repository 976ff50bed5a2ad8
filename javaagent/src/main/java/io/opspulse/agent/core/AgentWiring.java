package io.opspulse.agent.core;

import io.opentelemetry.instrumentation.runtimetelemetry.RuntimeTelemetry;
import io.opspulse.agent.bootstrap.Hooks;
import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.lang.instrument.ClassFileTransformer;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The agent's start once the bootstrap bridge is in place, on the start thread: the recorder and
 * {@link Hooks} (before any advice can run: none does until ByteBuddy is handed to the gate), ByteBuddy,
 * then the OpenTelemetry SDK, its endpoint and the observed metrics. Every step is contained, so one
 * failing part leaves the others running.
 */
final class AgentWiring {
  private static final boolean DEBUG = Boolean.getBoolean("opspulse.debug");

  private AgentWiring() {}

  static void start(AgentConfig config, java.lang.instrument.Instrumentation inst, AgentErrors errors,
      Supplier<StartHistory> startHistory, ClassGate gate, CompletableFuture<ClassFileTransformer> byteBuddy,
      Class<?>[] loadedBefore, long began) {
    ExecutorRegistry executors = new ExecutorRegistry();
    ConnectionPools pools = new ConnectionPools();
    Map<String, String> props = new HashMap<>();
    System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
    ClassLoader system = ClassLoader.getSystemClassLoader();
    DevMode devMode = new DevMode(() -> ManagementFactory.getRuntimeMXBean().getInputArguments(), props,
        resource -> system.getResource(resource) != null);
    AgentRecorder recorder = new AgentRecorder(config.maxRoutes(), errors, executors, pools, devMode);
    step("instrumentation", errors, () -> {
      Hooks.install(recorder);
      BootstrapBridge.openModules(inst, Hooks.class);
      if (gate != null) {
        long t0 = System.nanoTime();
        try {
          byteBuddy.complete(Instrumenter.build(config, errors));
        } catch (RuntimeException | LinkageError e) {
          byteBuddy.completeExceptionally(e);
          throw e;
        }
        Class<?>[] retransform = Instrumenter.loaded(inst, loadedBefore, gate.deferred());
        if (retransform.length > 0) {
          try {
            inst.retransformClasses(retransform);
          } catch (java.lang.instrument.UnmodifiableClassException e) {
            errors.record("instrumentation", e);
          }
        }
        if (DEBUG) {
          AgentLog.info("ByteBuddy ready in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
      }
    });
    if (!byteBuddy.isDone()) {
      byteBuddy.completeExceptionally(new IllegalStateException("instrumentation did not start"));
    }
    StartHistory history = startHistory.get();
    startTelemetry(config, errors, recorder, executors, pools, devMode, history, began);
  }

  private static void startTelemetry(AgentConfig config, AgentErrors errors, AgentRecorder recorder,
      ExecutorRegistry executors, ConnectionPools pools, DevMode devMode, StartHistory history, long began) {
    try {
      Telemetry telemetry = Telemetry.start(config, errors);
      recorder.bind(telemetry.meter(), config.histogramBuckets());
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
          Profiling.start(config.profiler(), config.webConfigFile(), errors).publish(telemetry.meter(), errors);
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
