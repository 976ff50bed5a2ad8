package io.opspulse.agent.core;

import io.opentelemetry.instrumentation.runtimetelemetry.RuntimeTelemetry;
import io.opspulse.agent.bootstrap.Hooks;
import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The agent's parts once the bootstrap bridge is in place. {@link #prepare}, on premain's thread:
 * the registries, the recorder and {@link Hooks}, so that a hook woven into a class that loads from
 * then on is recorded. {@link #start}, on the start thread: the OpenTelemetry SDK, its endpoint and
 * the observed metrics. Every step is contained, so one failing part leaves the others running.
 */
final class AgentWiring {
  private static final boolean DEBUG = Boolean.getBoolean("opspulse.debug");

  private final AgentConfig config;
  private final AgentErrors errors;
  private final ExecutorRegistry executors = new ExecutorRegistry();
  private final ConnectionPools pools = new ConnectionPools();
  private final DevMode devMode;
  private final AgentRecorder recorder;

  private AgentWiring(AgentConfig config, AgentErrors errors) {
    this.config = config;
    this.errors = errors;
    Map<String, String> props = new HashMap<>();
    System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
    ClassLoader system = ClassLoader.getSystemClassLoader();
    this.devMode =
        new DevMode(
            () -> ManagementFactory.getRuntimeMXBean().getInputArguments(),
            props,
            resource -> system.getResource(resource) != null);
    this.recorder = new AgentRecorder(config.maxRoutes(), errors, executors, pools, devMode);
  }

  /**
   * The recorder behind {@link Hooks}, and the JDK modules we weave into reading the bridge; before
   * the gate is registered, so that a woven call never calls into nothing. Null when that failed
   * (counted): then nothing may be woven.
   */
  static @Nullable AgentWiring prepare(
      AgentConfig config, java.lang.instrument.Instrumentation inst, AgentErrors errors) {
    try {
      AgentWiring wiring = new AgentWiring(config, errors);
      Hooks.install(wiring.recorder);
      BootstrapBridge.openModules(inst, Hooks.class);
      return wiring;
    } catch (RuntimeException | LinkageError e) {
      errors.record("instrumentation", e);
      return null;
    }
  }

  /** The start thread's work: the start history, then the SDK, its endpoint and the metrics. */
  void start(Supplier<StartHistory> startHistory, long began) {
    StartHistory history = startHistory.get();
    startTelemetry(config, errors, recorder, executors, pools, devMode, history, began);
    if (DEBUG) {
      AgentLog.info(
          "start thread done: "
              + ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000
              + " ms CPU");
    }
  }

  private static void startTelemetry(
      AgentConfig config,
      AgentErrors errors,
      AgentRecorder recorder,
      ExecutorRegistry executors,
      ConnectionPools pools,
      DevMode devMode,
      StartHistory history,
      long began) {
    try {
      Telemetry telemetry = Telemetry.start(config, errors);
      recorder.bind(telemetry.meter(), config.histogramBuckets());
      ObservedMetrics observed = new ObservedMetrics(telemetry.meter(), errors);
      step(
          "runtime",
          errors,
          () -> {
            if (config.enabled(Instrumentation.RUNTIME)) {
              RuntimeTelemetry.create(telemetry.sdk());
              observed.runtimeExtras();
            }
          });
      step("start-history", errors, () -> observed.starts(history));
      step(
          "dev-mode",
          errors,
          () -> {
            if (config.enabled(Instrumentation.DEV_MODE)) {
              observed.devMode(devMode);
            }
          });
      step("executor", errors, () -> observed.executors(executors));
      step("connection-pool", errors, () -> observed.connectionPools(pools));
      step(
          Profiling.COMPONENT,
          errors,
          () -> {
            if (config.profiler().on()) {
              Profiling.start(config.profiler(), config.webConfigFile(), errors)
                  .publish(telemetry.meter(), errors);
            }
          });
      // Registered last, so that a collection reads it after the callbacks that may count a
      // failure.
      observed.agentErrors();
      AgentLog.info(
          "started for service '"
              + config.serviceName()
              + "'"
              + (telemetry.prometheusServing()
                  ? ", Prometheus endpoint on "
                      + config.prometheusHost()
                      + ":"
                      + config.prometheusPort()
                  : ", no Prometheus endpoint")
              + " in "
              + (System.nanoTime() - began) / 1_000_000
              + " ms");
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
