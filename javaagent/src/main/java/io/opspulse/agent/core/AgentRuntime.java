package io.opspulse.agent.core;

import io.opentelemetry.instrumentation.runtimetelemetry.RuntimeTelemetry;
import io.opspulse.agent.bootstrap.Hooks;
import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * Wires the agent together; every step is contained, so one failing part leaves the others running.
 *
 * <p>Start-up cost is what the application waits for in premain, so it is split: the instrumentation
 * (ByteBuddy, which must be in place before application classes load) is installed on the premain
 * thread while a second thread starts the OpenTelemetry SDK, the Prometheus endpoint and the runtime
 * metrics. Executors, pools and restart loaders seen before the SDK is up are still registered (the
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
    DevMode devMode = new DevMode(ManagementFactory.getRuntimeMXBean().getInputArguments(), props,
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

    Thread telemetryStart = new Thread(
        () -> startTelemetry(config, errors, recorder, executors, pools, devMode, starts, began),
        "opspulse-agent-start");
    telemetryStart.setDaemon(true);
    telemetryStart.start();

    step("instrumentation", errors, () -> {
      Hooks.install(recorder);
      BootstrapBridge.openModules(inst, Hooks.class);
      Instrumenter.install(inst, config, errors);
    });
    if (DEBUG) {
      AgentLog.info("premain done in " + (System.nanoTime() - began) / 1_000_000 + " ms");
    }
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
