package io.opspulse.agent.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Which of a few API types ({@link #roots}) a class extends or implements, directly or through any
 * ancestor, answered from class files alone: the ancestors are read as resources of the class
 * loader that defines the class, never loaded, since the question is asked while the class itself
 * is being defined. Answers are cached per class loader (weakly), so a framework's thousands of
 * classes resolve their shared ancestors once.
 *
 * <p>A super type that cannot be read counts as reaching no root (a class whose ancestors cannot be
 * found is not woven: better a class unmeasured than a guess).
 */
final class SupertypeIndex {
  private static final int MAX_DEPTH = 64;

  private final List<String> roots;
  private final Map<ClassLoader, Map<String, Integer>> byLoader =
      Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * @param roots internal names; root {@code i} is bit {@code 1 << i} of a mask (at most 31)
   */
  SupertypeIndex(List<String> roots) {
    if (roots.size() > 31) {
      throw new IllegalArgumentException("at most 31 roots");
    }
    this.roots = List.copyOf(roots);
  }

  static int bit(int root) {
    return 1 << root;
  }

  /**
   * The roots {@code header}'s class reaches, as a mask; its ancestors are read through {@code
   * loader} (not the bootstrap loader: its classes are only ever matched by name).
   */
  int rootsOf(ClassHeader header, ClassLoader loader) {
    return rootsOf(header, loader, 0);
  }

  private int rootsOf(ClassHeader header, ClassLoader loader, int depth) {
    int mask = own(header.name());
    if (header.superName() != null) {
      mask |= rootsOf(header.superName(), loader, depth + 1);
    }
    for (String type : header.interfaces()) {
      mask |= rootsOf(type, loader, depth + 1);
    }
    return mask;
  }

  private int rootsOf(String name, ClassLoader loader, int depth) {
    int own = own(name);
    if (own != 0 || depth > MAX_DEPTH || "java/lang/Object".equals(name)) {
      return own;
    }
    Map<String, Integer> cache = cacheFor(loader);
    Integer known = cache.get(name);
    if (known != null) {
      return known;
    }
    ClassHeader header = read(name, loader);
    int mask = header == null ? 0 : rootsOf(header, loader, depth);
    cache.put(name, mask);
    return mask;
  }

  private int own(String name) {
    int i = roots.indexOf(name);
    return i < 0 ? 0 : bit(i);
  }

  private Map<String, Integer> cacheFor(ClassLoader loader) {
    return byLoader.computeIfAbsent(loader, l -> new ConcurrentHashMap<>());
  }

  private static @Nullable ClassHeader read(String name, ClassLoader loader) {
    String resource = name + ".class";
    try (InputStream in = loader.getResourceAsStream(resource)) {
      return in == null ? null : ClassHeader.parse(in.readAllBytes(), false);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
