package io.opspulse.exporter;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The exporter's account of itself: events, resyncs, API errors, the time of the last event. */
final class SelfStats {
  private final Map<String, LongAdder> events = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> resyncs = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> apiErrors = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> taskFailures = new ConcurrentHashMap<>();
  private volatile double lastEventTimeSeconds;

  /** Moves whenever a published count changes, so a cached rendering knows it is stale. */
  private final AtomicLong changes = new AtomicLong();

  void event(String action, double timeSeconds) {
    events.computeIfAbsent(action, k -> new LongAdder()).increment();
    lastEventTimeSeconds = timeSeconds;
    changes.incrementAndGet();
  }

  void resync(String cause) {
    resyncs.computeIfAbsent(cause, k -> new LongAdder()).increment();
    changes.incrementAndGet();
  }

  void apiError(String operation) {
    apiErrors.computeIfAbsent(operation, k -> new LongAdder()).increment();
    changes.incrementAndGet();
  }

  /**
   * A task of the exporter's own (an event's handling, a resync, a timer) failed and was carried
   * on.
   */
  void taskFailure(String task) {
    taskFailures.computeIfAbsent(task, k -> new LongAdder()).increment();
    changes.incrementAndGet();
  }

  long changes() {
    return changes.get();
  }

  Map<String, Long> events() {
    return snapshot(events);
  }

  Map<String, Long> resyncs() {
    return snapshot(resyncs);
  }

  Map<String, Long> apiErrors() {
    return snapshot(apiErrors);
  }

  Map<String, Long> taskFailures() {
    return snapshot(taskFailures);
  }

  double lastEventTimeSeconds() {
    return lastEventTimeSeconds;
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
