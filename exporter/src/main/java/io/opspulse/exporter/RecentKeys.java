package io.opspulse.exporter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recent keys of things already counted (a die, an OOM kill, a failed start: kind,
 * container id, engine time), so a replayed event is recognised even after its container is gone.
 * Bounded: a replay after a reconnect starts at the last event seen, so only the newest keys can
 * come back, and the oldest are forgotten first. Not thread-safe; {@link FleetModel} guards it.
 */
final class RecentKeys {
  private final Map<Key, Boolean> keys;

  RecentKeys(int capacity) {
    this.keys =
        new LinkedHashMap<>(256, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  /** True when the key is new (and now remembered); false when it was counted already. */
  boolean add(String kind, String id, long timeNano) {
    return keys.putIfAbsent(new Key(kind, id, timeNano), Boolean.TRUE) == null;
  }

  int size() {
    return keys.size();
  }

  private record Key(String kind, String id, long timeNano) {}
}
