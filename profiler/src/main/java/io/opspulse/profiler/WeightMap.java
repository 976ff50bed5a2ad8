package io.opspulse.profiler;

import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * Stack id to weight, open addressing over two primitive arrays: about 24 bytes an entry instead of
 * the ~64 a {@code HashMap<Integer, Long>} costs, which is what keeps a full window small.
 */
final class WeightMap {
  private static final int EMPTY = -1;
  private int[] keys;
  private long[] values;
  private int size;

  WeightMap() {
    clearTo(16);
  }

  int size() {
    return size;
  }

  /** Adds {@code weight} to {@code key}; returns true when the key is new to this map. */
  boolean add(int key, long weight) {
    if (key < 0) {
      throw new IllegalArgumentException("key " + key);
    }
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (true) {
      if (keys[i] == key) {
        values[i] += weight;
        return false;
      }
      if (keys[i] == EMPTY) {
        keys[i] = key;
        values[i] = weight;
        size++;
        return true;
      }
      i = (i + 1) & mask;
    }
  }

  boolean contains(int key) {
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (keys[i] != EMPTY) {
      if (keys[i] == key) {
        return true;
      }
      i = (i + 1) & mask;
    }
    return false;
  }

  void forEach(BiConsumer<Integer, Long> action) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != EMPTY) {
        action.accept(keys[i], values[i]);
      }
    }
  }

  int[] keys() {
    int[] out = new int[size];
    int n = 0;
    for (int k : keys) {
      if (k != EMPTY) {
        out[n++] = k;
      }
    }
    return out;
  }

  /** Empties the map and gives its arrays back, so an idle bucket holds almost nothing. */
  void clear() {
    clearTo(16);
  }

  /** Approximate bytes held by the arrays, for the memory figures. */
  long arrayBytes() {
    return 16L + keys.length * 4L + 16L + values.length * 8L;
  }

  private void clearTo(int capacity) {
    keys = new int[capacity];
    Arrays.fill(keys, EMPTY);
    values = new long[capacity];
    size = 0;
  }

  private void grow() {
    int[] oldKeys = keys;
    long[] oldValues = values;
    clearTo(oldKeys.length * 2);
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY) {
        add(oldKeys[i], oldValues[i]);
      }
    }
  }

  private static int mix(int key) {
    int h = key * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
