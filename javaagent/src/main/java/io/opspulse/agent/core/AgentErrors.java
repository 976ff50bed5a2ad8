package io.opspulse.agent.core;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Failures the agent contained, by component: logged once per component and error class, counted
 * always, published as {@code opspulse_agent_errors_total}. Exists before the metrics SDK does, so
 * that a failure while building it (a taken port) is counted too.
 */
public final class AgentErrors {
  /** Published from the start at 0, so that rate() and increase() see the first failure. */
  static final List<String> COMPONENTS =
      List.of(
          "prometheus-endpoint",
          "instrumentation",
          "http-server",
          "servlet",
          "http-client",
          "executor",
          "jdbc",
          "connection-pool",
          "runtime",
          "start-history",
          "dev-mode",
          "profiler");

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  public AgentErrors() {
    COMPONENTS.forEach(c -> counts.put(c, new LongAdder()));
  }

  /** Publishes {@code component} at 0 from now on: for parts that run only when configured. */
  void track(String component) {
    counts.putIfAbsent(component, new LongAdder());
  }

  public void record(String component, @Nullable Throwable error) {
    counts.computeIfAbsent(component, c -> new LongAdder()).increment();
    String kind = error == null ? "" : error.getClass().getName();
    AgentLog.warnOnce(
        component + "|" + kind, component + " failed (contained; the application runs on)", error);
  }

  public long count(String component) {
    LongAdder adder = counts.get(component);
    return adder == null ? 0 : adder.sum();
  }

  void forEach(BiConsumer<String, Long> each) {
    counts.forEach((component, adder) -> each.accept(component, adder.sum()));
  }
}
