package io.opspulse.agent.core;

import io.opentelemetry.instrumentation.runtimetelemetry.RuntimeTelemetry;
import io.opspulse.agent.bootstrap.Hooks;
import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/** Wires the agent together; every step is contained, so one failing part leaves the others running. */
final class AgentRuntime {
  private AgentRuntime() {}

  static void start(AgentConfig config, java.lang.instrument.Instrumentation inst, long began) {
    AgentErrors errors = new AgentErrors();
    long t0 = System.nanoTime();
    Telemetry telemetry = Telemetry.start(config, errors);
    if (DEBUG) {
      AgentLog.info("telemetry took " + (System.nanoTime() - t0) / 1_000_000 + " ms, since premain "
          + (System.nanoTime() - began) / 1_000_000 + " ms");
    }
    ObservedMetrics observed = new ObservedMetrics(telemetry.meter(), errors);

    ExecutorRegistry executors = new ExecutorRegistry();
    ConnectionPools pools = new ConnectionPools();
    Map<String, String> props = new HashMap<>();
    System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
    ClassLoader system = ClassLoader.getSystemClassLoader();
    DevMode devMode = new DevMode(ManagementFactory.getRuntimeMXBean().getInputArguments(), props,
        resource -> system.getResource(resource) != null);

    step("runtime", errors, () -> {
      if (config.enabled(Instrumentation.RUNTIME)) {
        RuntimeTelemetry.create(telemetry.sdk());
        observed.runtimeExtras();
      }
    });
    step("start-history", errors, () -> {
      StartHistory history;
      try {
        history = StartHistory.record(config.stateDir(), config.serviceName(), System.currentTimeMillis());
      } catch (java.io.IOException e) {
        errors.record("start-history", e);
        history = StartHistory.empty();
      }
      observed.starts(history);
    });
    step("dev-mode", errors, () -> {
      if (config.enabled(Instrumentation.DEV_MODE)) {
        observed.devMode(devMode);
      }
    });
    step("executor", errors, () -> observed.executors(executors));
    step("connection-pool", errors, () -> observed.connectionPools(pools));

    // Registered last, so that a collection reads it after the callbacks that may count a failure.
    observed.agentErrors();
    step("instrumentation", errors, () -> {
      Hooks.install(new AgentRecorder(telemetry.meter(), config.maxRoutes(), errors, executors, pools, devMode));
      BootstrapBridge.openModules(inst, Hooks.class);
      Instrumenter.install(inst, config, errors);
    });
    AgentLog.info("started for service '" + config.serviceName() + "'"
        + (telemetry.prometheusServing()
            ? ", Prometheus endpoint on " + config.prometheusHost() + ":" + config.prometheusPort()
            : ", no Prometheus endpoint")
        + " in " + (System.nanoTime() - began) / 1_000_000 + " ms");
  }

  private static final boolean DEBUG = Boolean.getBoolean("opspulse.debug");

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
