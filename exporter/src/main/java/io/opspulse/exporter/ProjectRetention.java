package io.opspulse.exporter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides when a compose project is gone for good: no container carries its name and no configured
 * file declares it, for longer than the retention. Until then what is remembered about it (its
 * services' exit counts) stays, so a project brought down and up again keeps its counters; after
 * it, it is forgotten, so CI jobs with a new project name per run do not grow the exporter's memory
 * for ever.
 */
final class ProjectRetention {
  private final Duration retention;
  private final Clock clock;
  private Set<String> present = Set.of();

  /** When each project was last present; bounded by what is present or remembered. */
  private final Map<String, Instant> lastPresent = new HashMap<>();

  ProjectRetention(Duration retention, Clock clock) {
    if (retention.isNegative()) {
      throw new IllegalArgumentException("retention must not be negative");
    }
    this.retention = retention;
    this.clock = clock;
  }

  /** The projects present now (with a container, or declared by a configured file). */
  synchronized void present(Set<String> projects) {
    Instant now = clock.instant();
    present = Set.copyOf(projects);
    present.forEach(p -> lastPresent.put(p, now));
  }

  /**
   * Of the projects the caller {@code remembers}, those not present for at least the retention: the
   * caller forgets them. A project never seen present is timed from this call.
   */
  synchronized Set<String> expired(Set<String> remembered) {
    Instant now = clock.instant();
    lastPresent.keySet().removeIf(p -> !present.contains(p) && !remembered.contains(p));
    Set<String> out = new TreeSet<>();
    for (String p : remembered) {
      if (present.contains(p)) {
        continue;
      }
      Instant since = lastPresent.computeIfAbsent(p, k -> now);
      if (!now.isBefore(since.plus(retention))) {
        out.add(p);
      }
    }
    lastPresent.keySet().removeAll(out);
    return out;
  }
}
