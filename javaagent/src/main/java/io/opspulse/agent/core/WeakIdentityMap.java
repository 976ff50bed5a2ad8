package io.opspulse.agent.core;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Values attached to application objects (statements, pools) without keeping those objects alive,
 * and without a lock shared by every thread: a {@link ConcurrentHashMap} keyed by weak,
 * identity-compared references. Why not {@code Collections.synchronizedMap(new WeakHashMap<>())}:
 * that takes one global lock on every JDBC execute, and compares keys with {@code equals}, which a
 * pool or statement class may override. A value must not refer to its key, or the key never becomes
 * unreachable.
 */
final class WeakIdentityMap<K, V> {
  private final ConcurrentHashMap<Object, V> map = new ConcurrentHashMap<>();
  private final ReferenceQueue<K> cleared = new ReferenceQueue<>();

  @Nullable V get(K key) {
    return key == null ? null : map.get(new Lookup(key));
  }

  void put(K key, V value) {
    expunge();
    map.put(new WeakKey<>(key, cleared), value);
  }

  /** Puts the value unless the key has one; returns the value now held. */
  V putIfAbsent(K key, V value) {
    V known = get(key);
    if (known != null) {
      return known;
    }
    expunge();
    V raced = map.putIfAbsent(new WeakKey<>(key, cleared), value);
    return raced == null ? value : raced;
  }

  @Nullable V remove(K key) {
    expunge();
    return key == null ? null : map.remove(new Lookup(key));
  }

  /** The live entries, each with its key held strongly for the call. */
  void forEach(BiConsumer<K, V> action) {
    expunge();
    List<Map.Entry<Object, V>> entries = new ArrayList<>(map.entrySet());
    for (Map.Entry<Object, V> e : entries) {
      @SuppressWarnings("unchecked")
      K key = ((WeakKey<K>) e.getKey()).get();
      if (key != null) {
        action.accept(key, e.getValue());
      }
    }
  }

  /** Entries, cleared ones included until they are expunged. */
  int size() {
    return map.size();
  }

  void expunge() {
    for (Object ref = cleared.poll(); ref != null; ref = cleared.poll()) {
      map.remove(ref);
    }
  }

  /** The stored key: equal to another reference or lookup of the same object. */
  private static final class WeakKey<K> extends WeakReference<K> {
    private final int hash;

    WeakKey(K referent, ReferenceQueue<K> queue) {
      super(referent, queue);
      this.hash = System.identityHashCode(referent);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (o == this) {
        return true;
      }
      Object referent = get();
      if (referent == null) {
        return false;
      }
      if (o instanceof WeakKey<?> other) {
        return other.get() == referent;
      }
      return o instanceof Lookup lookup && lookup.referent == referent;
    }
  }

  /** A lookup key: strong, never stored, so a get allocates no reference for the GC to process. */
  private static final class Lookup {
    private final Object referent;

    Lookup(Object referent) {
      this.referent = referent;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(referent);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof WeakKey<?> key && key.get() == referent;
    }
  }
}
