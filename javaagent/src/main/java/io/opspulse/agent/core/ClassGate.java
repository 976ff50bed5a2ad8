package io.opspulse.agent.core;

import io.opspulse.agent.core.TypeInstrumentation.MethodAdvice;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The agent's only class file transformer on the JVM: decides with the JDK alone, from the class's
 * name and header, whether a class is one that an instrumentation targets, and has {@link
 * HookWeaver} weave that instrumentation's calls into it there and then.
 *
 * <p>Why so: a class is either a target by its exact name, or one whose supertypes (read from class
 * files by {@link SupertypeIndex}, never loaded) reach an instrumentation's API types and which
 * declares a method that instrumentation advises. Every other class costs a set lookup, and for
 * classes outside the JDK a header parse; no class waits for anything but its own weaving.
 */
final class ClassGate implements ClassFileTransformer {
  private static final boolean DEBUG = Boolean.getBoolean("opspulse.debug");

  /** The advice of the instrumentations that target a class by name, by internal name. */
  private final Map<String, List<MethodAdvice>> byName;

  /** The instrumentations that target implementations of API types. */
  private final List<TypeInstrumentation> hierarchies;

  /**
   * Per hierarchy instrumentation: the methods it advises (read once here, not per loading class)
   * and its roots, as a mask of {@link #supertypes}' roots.
   */
  private final MethodSpec[][] advised;

  private final int[] rootMasks;
  private final SupertypeIndex supertypes;
  private final AgentErrors errors;

  ClassGate(AgentConfig config, AgentErrors errors) {
    this.errors = errors;
    Map<String, List<MethodAdvice>> names = new HashMap<>();
    List<TypeInstrumentation> byHierarchy = new ArrayList<>();
    List<String> roots = new ArrayList<>();
    for (TypeInstrumentation i : Instrumentations.enabled(config)) {
      if (i.target().byName()) {
        for (String name : i.target().names()) {
          List<MethodAdvice> advice = names.get(internal(name));
          if (advice == null) {
            advice = new ArrayList<>();
            names.put(internal(name), advice);
          }
          advice.addAll(i.advice());
        }
      } else {
        byHierarchy.add(i);
        for (String root : i.target().roots()) {
          if (!roots.contains(internal(root))) {
            roots.add(internal(root));
          }
        }
      }
    }
    this.byName = Map.copyOf(names);
    this.hierarchies = List.copyOf(byHierarchy);
    if (hierarchies.size() > 31) { // one bit each in adviceFor's mask
      throw new IllegalArgumentException("at most 31 instrumentations by hierarchy");
    }
    this.advised = new MethodSpec[hierarchies.size()][];
    this.rootMasks = new int[hierarchies.size()];
    for (int h = 0; h < rootMasks.length; h++) {
      List<MethodAdvice> advice = hierarchies.get(h).advice();
      advised[h] = new MethodSpec[advice.size()];
      for (int a = 0; a < advised[h].length; a++) {
        advised[h][a] = advice.get(a).methods();
      }
      for (String root : hierarchies.get(h).target().roots()) {
        rootMasks[h] |= SupertypeIndex.bit(roots.indexOf(internal(root)));
      }
    }
    this.supertypes = new SupertypeIndex(roots);
  }

  /**
   * Whether any enabled instrumentation changes classes at all (runtime metrics alone need no
   * gate).
   */
  static boolean needed(AgentConfig config) {
    return !Instrumentations.enabled(config).isEmpty();
  }

  /** The internal names matched by name alone, for the enabled instrumentations. */
  Set<String> exactNames() {
    return byName.keySet();
  }

  private static String internal(String binaryName) {
    return binaryName.replace('.', '/');
  }

  @Override
  public byte @Nullable [] transform(
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classfileBuffer) {
    try {
      if (className == null) {
        return null;
      }
      List<MethodAdvice> advice = adviceFor(loader, className, classfileBuffer);
      if (advice.isEmpty()) {
        return null;
      }
      long t0 = DEBUG ? System.nanoTime() : 0;
      byte[] woven = HookWeaver.weave(className, classfileBuffer, advice);
      if (DEBUG) {
        AgentLog.info(
            className
                + ": "
                + (woven == null ? "not changed" : "woven")
                + " in "
                + (System.nanoTime() - t0) / 1_000
                + " µs on "
                + Thread.currentThread().getName());
      }
      return woven;
    } catch (Throwable e) { // a transformer must never throw into class loading
      errors.record(
          "instrumentation", new IllegalStateException("cannot instrument " + className, e));
      return null;
    }
  }

  /**
   * The advice for this class, in {@link Instrumentations}' order (the first outermost); empty for
   * the classes no instrumentation targets.
   */
  List<MethodAdvice> adviceFor(@Nullable ClassLoader loader, String className, byte[] bytes) {
    List<MethodAdvice> named = byName.get(className);
    if (named != null) {
      return named;
    }
    if (loader == null || rootMasks.length == 0 || ours(className) || jdk(className)) {
      return List.of();
    }
    ClassHeader header = ClassHeader.parse(bytes, true);
    if (header == null || header.isInterface()) {
      return List.of();
    }
    // The hierarchy instrumentations whose advised methods this class declares (advice goes on
    // declared methods only, so without one a class is never a target, whatever it extends) and the
    // roots that would make it theirs; the supertypes are read only when there are some.
    int declaring = 0;
    int wanted = 0;
    for (int h = 0; h < rootMasks.length; h++) {
      if (declaresAdvised(header, advised[h])) {
        declaring |= 1 << h;
        wanted |= rootMasks[h];
      }
    }
    if (wanted == 0) {
      return List.of();
    }
    int reached = supertypes.rootsOf(header, loader) & wanted;
    if (reached == 0) {
      return List.of();
    }
    List<MethodAdvice> advice = new ArrayList<>();
    for (int h = 0; h < rootMasks.length; h++) {
      if ((declaring & (1 << h)) != 0 && (rootMasks[h] & reached) != 0) {
        advice.addAll(hierarchies.get(h).advice());
      }
    }
    return advice;
  }

  private static boolean declaresAdvised(ClassHeader header, MethodSpec[] advised) {
    for (ClassHeader.Method m : header.methods()) {
      for (MethodSpec spec : advised) {
        if (spec.matches(m)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean ours(String className) {
    return className.startsWith("io/opspulse/agent/");
  }

  /** JDK classes other than the exact targets are never ours to change. */
  private static boolean jdk(String className) {
    return className.startsWith("java/")
        || className.startsWith("jdk/")
        || className.startsWith("sun/")
        || className.startsWith("com/sun/");
  }
}
