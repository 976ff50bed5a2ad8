package io.opspulse.agent.core;

import io.opentelemetry.instrumentation.runtimetelemetry.RuntimeTelemetry;
import io.opspulse.agent.bootstrap.Hooks;
import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.lang.instrument.ClassFileTransformer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The agent's parts once the bootstrap bridge is in place. {@link #prepare}, on premain's thread:
 * the registries, the recorder and {@link Hooks}, so that a hook woven into a class that loads from
 * then on (the gate's {@link EarlyHooks}) is recorded. {@link #start}, on the start thread:
 * ByteBuddy, the retransformation of what loaded before it was ready, then the OpenTelemetry SDK,
 * its endpoint and the observed metrics. Every step is contained, so one failing part leaves the
 * others running.
 */
final class AgentWiring {
  private static final boolean DEBUG = Boolean.getBoolean("opspulse.debug");

  /**
   * How long the start thread looks for an early class that was still being defined when it was
   * taken.
   */
  private static final long DEFINE_WAIT_MILLIS = 5_000;

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
   * the gate is registered, so that an early hook never calls into nothing. Null when that failed
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

  void start(
      java.lang.instrument.Instrumentation inst,
      Supplier<StartHistory> startHistory,
      @Nullable ClassGate gate,
      CompletableFuture<ClassFileTransformer> byteBuddy,
      Class<?>[] loadedBefore,
      long began) {
    step(
        "instrumentation",
        errors,
        () -> {
          if (gate != null) {
            long t0 = System.nanoTime();
            try {
              byteBuddy.complete(Instrumenter.build(config, errors));
            } catch (RuntimeException | LinkageError e) {
              byteBuddy.completeExceptionally(e);
              gate.dropEarly();
              throw e;
            }
            if (DEBUG) {
              AgentLog.info("ByteBuddy ready in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            }
            long t1 = System.nanoTime();
            int done = retransform(inst, loadedBefore, gate.takeEarly());
            if (DEBUG) {
              AgentLog.info(
                  done
                      + " classes that loaded before ByteBuddy was ready retransformed in "
                      + (System.nanoTime() - t1) / 1_000_000
                      + " ms");
            }
          }
        });
    if (!byteBuddy.isDone()) {
      byteBuddy.completeExceptionally(new IllegalStateException("instrumentation did not start"));
      if (gate != null) {
        gate.dropEarly();
      }
    }
    StartHistory history = startHistory.get();
    startTelemetry(config, errors, recorder, executors, pools, devMode, history, began);
    if (DEBUG) {
      AgentLog.info(
          "start thread done: "
              + ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000
              + " ms CPU");
    }
  }

  /**
   * Retransforms the targets loaded before the agent and the candidates the gate let through before
   * ByteBuddy was ready. A candidate taken from the gate may still be being defined by its loading
   * thread: it is looked for again, a little later each time, for at most {@link
   * #DEFINE_WAIT_MILLIS}.
   */
  private int retransform(
      java.lang.instrument.Instrumentation inst,
      Class<?>[] loadedBefore,
      List<ClassGate.EarlyClass> early) {
    List<Class<?>> found = new ArrayList<>(List.of(loadedBefore));
    Set<ClassGate.EarlyClass> missing = new HashSet<>(early);
    long deadline = System.nanoTime() + DEFINE_WAIT_MILLIS * 1_000_000;
    long pause = 5;
    int done = 0;
    while (true) {
      if (!missing.isEmpty()) {
        for (Class<?> c : inst.getAllLoadedClasses()) {
          if (missing.remove(
                  new ClassGate.EarlyClass(c.getClassLoader(), c.getName().replace('.', '/')))
              && inst.isModifiableClass(c)) {
            found.add(c);
          }
        }
      }
      if (!found.isEmpty()) {
        try {
          inst.retransformClasses(found.toArray(new Class<?>[0]));
          done += found.size();
        } catch (java.lang.instrument.UnmodifiableClassException
            | RuntimeException
            | LinkageError e) {
          // One class the JVM refused fails the whole batch: the others one by one.
          for (Class<?> c : found) {
            try {
              inst.retransformClasses(c);
              done++;
            } catch (java.lang.instrument.UnmodifiableClassException
                | RuntimeException
                | LinkageError each) {
              errors.record(
                  "instrumentation",
                  new IllegalStateException("cannot retransform " + c.getName(), each));
            }
          }
        }
        found.clear();
      }
      if (missing.isEmpty() || System.nanoTime() > deadline) {
        return done; // a class never defined (its loading failed) is no class to instrument
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return done;
      }
      pause = Math.min(pause * 2, 500);
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
