package io.opspulse.profiler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Interns stacks and their frames, gives each distinct stack a small int id, and forgets a stack
 * when no time bucket refers to it any more. At most {@code maxStacks} stacks and {@code maxFrames}
 * distinct frame names are held; the caller folds the rest into {@link #OVERFLOW_ID}. Not
 * thread-safe: {@link RollingProfile} guards it.
 */
final class StackTable {
  /** Id of the {@code [overflow]} stack; it is always present and never counts against the cap. */
  static final int OVERFLOW_ID = 0;

  static final int NO_ROOM = -1;

  private final int maxStacks;
  private final int maxFrames;
  private final Map<Key, Integer> ids = new HashMap<>();
  private final List<Key> byId = new ArrayList<>();
  private final List<Integer> freeIds = new ArrayList<>();
  private final Map<String, Frame> frames = new HashMap<>();

  StackTable(int maxStacks, int maxFrames) {
    if (maxStacks < 1 || maxFrames < 1) {
      throw new IllegalArgumentException(
          "maxStacks and maxFrames must be at least 1: " + maxStacks + ", " + maxFrames);
    }
    this.maxStacks = maxStacks;
    this.maxFrames = maxFrames;
    Key overflow = new Key(new String[] {FrameNames.OVERFLOW});
    overflow.refs = Integer.MAX_VALUE / 2; // pinned
    byId.add(overflow);
  }

  /** Distinct stacks held, not counting the overflow stack. */
  int size() {
    return ids.size();
  }

  int distinctFrames() {
    return frames.size();
  }

  /**
   * The id of the stack with these frames (root first), interning it if there is room; {@link
   * #NO_ROOM} when it is new and the table is full. A new id's reference count starts at zero: the
   * bucket that stores it calls {@link #retain}.
   */
  int idOf(String[] rootFirst) {
    Key probe = new Key(rootFirst);
    Integer id = ids.get(probe);
    if (id != null) {
      return id;
    }
    if (ids.size() >= maxStacks || frames.size() + newFrames(rootFirst) > maxFrames) {
      return NO_ROOM;
    }
    String[] interned = new String[rootFirst.length];
    for (int i = 0; i < rootFirst.length; i++) {
      Frame f = frames.computeIfAbsent(rootFirst[i], Frame::new);
      f.refs++;
      interned[i] = f.name;
    }
    Key key = new Key(interned);
    int newId;
    if (freeIds.isEmpty()) {
      newId = byId.size();
      byId.add(key);
    } else {
      newId = freeIds.remove(freeIds.size() - 1);
      byId.set(newId, key);
    }
    ids.put(key, newId);
    return newId;
  }

  private int newFrames(String[] rootFirst) {
    int n = 0;
    for (String f : rootFirst) {
      if (!frames.containsKey(f)) {
        n++; // a repeated new frame (recursion) is counted twice: erring on the small side is fine
      }
    }
    return n;
  }

  void retain(int id) {
    byId.get(id).refs++;
  }

  /** One bucket let go of {@code id}; the stack and frames nobody refers to are forgotten. */
  void release(int id) {
    if (id == OVERFLOW_ID) {
      return;
    }
    Key key = byId.get(id);
    if (--key.refs > 0) {
      return;
    }
    ids.remove(key);
    byId.set(id, null);
    freeIds.add(id);
    for (String name : key.frames) {
      Frame f =
          Objects.requireNonNull(frames.get(name), "a stack's frames stay interned while it is");
      if (--f.refs == 0) {
        frames.remove(name);
      }
    }
  }

  List<String> frames(int id) {
    return List.of(byId.get(id).frames);
  }

  private static final class Frame {
    final String name;
    int refs;

    Frame(String name) {
      this.name = name;
    }
  }

  private static final class Key {
    final String[] frames;
    final int hash;
    int refs;

    Key(String[] frames) {
      this.frames = frames;
      this.hash = Arrays.hashCode(frames);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && Arrays.equals(k.frames, frames);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
