package io.opspulse.agent.core;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The agent's only class file transformer on the JVM: decides with the JDK alone, from the class's
 * name and header, whether a class can be one that the advice targets, and passes only those to
 * ByteBuddy.
 *
 * <p>Why: ByteBuddy's own matching, installed directly, costs the application every class it loads
 * (a type description, a supertype walk through its type pool) and makes premain load ByteBuddy's
 * thousand classes before {@code main} runs. Here premain registers this gate and returns;
 * ByteBuddy is built on a background thread and only ever sees the handful of candidate classes.
 * The gate is a superset filter: ByteBuddy's matchers still make the final, exact decision.
 *
 * <p>No thread ever waits here for ByteBuddy: a candidate that loads before it is ready goes
 * through at once, with only the {@link EarlyHooks} (an instance made meanwhile is still
 * registered), and is remembered; the start thread takes the remembered ones ({@link #takeEarly})
 * and retransforms them with ByteBuddy once it is ready. Each early class is either taken by the
 * start thread or, when ByteBuddy became ready while it was being loaded, transformed here: never
 * both, never neither.
 */
final class ClassGate implements ClassFileTransformer {
  private static final boolean DEBUG = Boolean.getBoolean("opspulse.debug");

  private final Set<String> exactNames;

  /**
   * Of the enabled instrumentations that target implementations of API types: the methods each
   * advises (read once here, not per loading class) and its roots, as a mask of {@link
   * #supertypes}' roots.
   */
  private final MethodSpec[][] advised;

  private final int[] rootMasks;
  private final SupertypeIndex supertypes;
  private final CompletableFuture<ClassFileTransformer> byteBuddy;
  private final EarlyHooks earlyHooks;
  private final AgentErrors errors;
  private final Set<EarlyClass> early = ConcurrentHashMap.newKeySet();

  /**
   * A candidate class that loaded before ByteBuddy was ready: its defining loader (null: bootstrap)
   * and name.
   */
  record EarlyClass(ClassLoader loader, String internalName) {
    @Override
    public boolean equals(Object o) {
      return o instanceof EarlyClass e && e.loader == loader && e.internalName.equals(internalName);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(loader) * 31 + internalName.hashCode();
    }
  }

  ClassGate(
      AgentConfig config, CompletableFuture<ClassFileTransformer> byteBuddy, AgentErrors errors) {
    this.byteBuddy = byteBuddy;
    this.earlyHooks = EarlyHooks.of(config);
    this.errors = errors;
    this.exactNames = exactNames(config);
    List<TypeInstrumentation> hierarchies = new ArrayList<>();
    List<String> roots = new ArrayList<>();
    for (TypeInstrumentation i : Instrumentations.enabled(config)) {
      if (!i.target().byName()) {
        hierarchies.add(i);
        for (String root : i.target().roots()) {
          if (!roots.contains(internal(root))) {
            roots.add(internal(root));
          }
        }
      }
    }
    this.advised = new MethodSpec[hierarchies.size()][];
    this.rootMasks = new int[hierarchies.size()];
    for (int h = 0; h < rootMasks.length; h++) {
      List<TypeInstrumentation.MethodAdvice> advice = hierarchies.get(h).advice();
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
  static Set<String> exactNames(AgentConfig config) {
    Set<String> names = new HashSet<>();
    for (TypeInstrumentation i : Instrumentations.enabled(config)) {
      for (String name : i.target().names()) {
        names.add(internal(name));
      }
    }
    return Set.copyOf(names);
  }

  private static @Nullable String internal(String binaryName) {
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
      if (className == null || !isCandidate(loader, className, classfileBuffer)) {
        return null;
      }
      ClassFileTransformer delegate = readyByteBuddy();
      if (delegate == null && !byteBuddy.isCompletedExceptionally()) {
        EarlyClass candidate = new EarlyClass(loader, className);
        early.add(candidate);
        delegate = readyByteBuddy();
        // ByteBuddy became ready meanwhile: whoever removes the entry first transforms the class.
        if (delegate == null || !early.remove(candidate)) {
          if (DEBUG) {
            AgentLog.info(
                className
                    + ": loaded before ByteBuddy was ready, on "
                    + Thread.currentThread().getName()
                    + "; retransformed once it is");
          }
          return earlyHooks.weave(className, classfileBuffer);
        }
      }
      if (delegate == null) { // ByteBuddy could not be built: the early hooks at least
        return earlyHooks.weave(className, classfileBuffer);
      }
      long t0 = DEBUG ? System.nanoTime() : 0;
      byte[] transformed =
          delegate.transform(
              loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
      if (DEBUG) {
        AgentLog.info(
            className
                + ": "
                + (transformed == null ? "not changed" : "transformed")
                + " in "
                + (System.nanoTime() - t0) / 1_000_000
                + " ms on "
                + Thread.currentThread().getName());
      }
      return transformed;
    } catch (Throwable e) { // a transformer must never throw into class loading
      errors.record(
          "instrumentation", new IllegalStateException("cannot instrument " + className, e));
      return null;
    }
  }

  /** ByteBuddy's transformer once it is ready, else null (also when it failed to build). */
  private @Nullable ClassFileTransformer readyByteBuddy() {
    try {
      return byteBuddy.getNow(null);
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      return null;
    }
  }

  /**
   * The candidates that loaded before ByteBuddy was ready, for the start thread to retransform;
   * call once ByteBuddy is ready. Each is returned once (taken ones are this caller's to
   * retransform).
   */
  List<EarlyClass> takeEarly() {
    List<EarlyClass> taken = new ArrayList<>();
    for (EarlyClass c : early) {
      if (early.remove(c)) {
        taken.add(c);
      }
    }
    return taken;
  }

  /** Forgets the early candidates (ByteBuddy failed: nothing will retransform them). */
  void dropEarly() {
    early.clear();
  }

  /** Whether ByteBuddy should look at this class at all. */
  boolean isCandidate(ClassLoader loader, String className, byte[] bytes) {
    if (exactNames.contains(className)) {
      return true;
    }
    if (loader == null || rootMasks.length == 0 || ours(className) || jdk(className)) {
      return false;
    }
    ClassHeader header = ClassHeader.parse(bytes, true);
    if (header == null || header.isInterface()) {
      return false;
    }
    int wanted = wantedRoots(header);
    return wanted != 0 && (supertypes.rootsOf(header, loader) & wanted) != 0;
  }

  /**
   * The roots that would make this class a target, judged by the methods it declares: advice goes
   * on declared methods only, so a class without one is never a candidate, whatever it extends.
   */
  private int wantedRoots(ClassHeader header) {
    int wanted = 0;
    for (int h = 0; h < rootMasks.length; h++) {
      if (declaresAdvised(header, advised[h])) {
        wanted |= rootMasks[h];
      }
    }
    return wanted;
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

  /**
   * JDK classes other than the exact targets are never ours to change (as in Instrumenter's ignore
   * list).
   */
  private static boolean jdk(String className) {
    return className.startsWith("java/")
        || className.startsWith("jdk/")
        || className.startsWith("sun/")
        || className.startsWith("com/sun/");
  }
}
