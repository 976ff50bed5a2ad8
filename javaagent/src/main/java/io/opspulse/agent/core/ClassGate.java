package io.opspulse.agent.core;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's only class file transformer on the JVM: decides with the JDK alone, from the class's name
 * and header, whether a class can be one that the advice targets, and passes only those to ByteBuddy.
 *
 * <p>Why: ByteBuddy's own matching, installed directly, costs the application every class it loads
 * (a type description, a supertype walk through its type pool) and makes premain load ByteBuddy's
 * thousand classes before {@code main} runs. Here premain registers this gate and returns; ByteBuddy is
 * built on a background thread and only ever sees the handful of candidate classes. The gate is a
 * superset filter: ByteBuddy's matchers still make the final, exact decision.
 *
 * <p>No thread ever waits here for ByteBuddy: a candidate that loads before it is ready goes through at
 * once, with only the {@link EarlyHooks} (an instance made meanwhile is still registered), and is
 * remembered; the start thread takes the remembered ones ({@link #takeEarly}) and retransforms them with
 * ByteBuddy once it is ready. Each early class is either taken by the start thread or, when ByteBuddy
 * became ready while it was being loaded, transformed here: never both, never neither.
 */
final class ClassGate implements ClassFileTransformer {
  private static final boolean DEBUG = Boolean.getBoolean("opspulse.debug");

  private static final int JAKARTA_SERVLET = 0;
  private static final int JAKARTA_FILTER = 1;
  private static final int JAVAX_SERVLET = 2;
  private static final int JAVAX_FILTER = 3;
  private static final int STATEMENT = 4;
  private static final int CONNECTION = 5;
  private static final List<String> ROOTS = List.of("jakarta/servlet/Servlet", "jakarta/servlet/Filter",
      "javax/servlet/Servlet", "javax/servlet/Filter", "java/sql/Statement", "java/sql/Connection");

  private final Set<String> exactNames;
  private final boolean servlet;
  private final boolean jdbc;
  private final SupertypeIndex supertypes = new SupertypeIndex(ROOTS);
  private final CompletableFuture<ClassFileTransformer> byteBuddy;
  private final EarlyHooks earlyHooks;
  private final AgentErrors errors;
  private final Set<EarlyClass> early = ConcurrentHashMap.newKeySet();

  /** A candidate class that loaded before ByteBuddy was ready: its defining loader (null: bootstrap) and name. */
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

  ClassGate(AgentConfig config, CompletableFuture<ClassFileTransformer> byteBuddy, AgentErrors errors) {
    this.byteBuddy = byteBuddy;
    this.earlyHooks = EarlyHooks.of(config);
    this.errors = errors;
    this.exactNames = exactNames(config);
    this.servlet = config.enabled(Instrumentation.SERVLET);
    this.jdbc = config.enabled(Instrumentation.JDBC);
  }

  /** Whether any enabled instrumentation changes classes at all (runtime metrics alone need no gate). */
  static boolean needed(AgentConfig config) {
    return !exactNames(config).isEmpty() || config.enabled(Instrumentation.SERVLET)
        || config.enabled(Instrumentation.JDBC);
  }

  /** The internal names matched by name alone, for the enabled instrumentations. */
  static Set<String> exactNames(AgentConfig config) {
    Set<String> names = new HashSet<>();
    if (config.enabled(Instrumentation.HTTP_SERVER)) {
      names.add(internal(Instrumenter.HTTP_SERVER_CHAIN));
    }
    if (config.enabled(Instrumentation.HTTP_CLIENT)) {
      names.add(internal(Instrumenter.HTTP_CLIENT_FACADE));
      names.add(internal(Instrumenter.URL_CONNECTION));
    }
    if (config.enabled(Instrumentation.EXECUTOR)) {
      names.add(internal(Instrumenter.THREAD_POOL_EXECUTOR));
      names.add(internal(Instrumenter.FORK_JOIN_POOL));
      names.add(internal(Instrumenter.TOMCAT_THREAD_POOL));
      names.add(internal(Instrumenter.JETTY_THREAD_POOL));
    }
    if (config.enabled(Instrumentation.SERVLET)) {
      names.add(internal(Instrumenter.JERSEY_HANDLER));
    }
    if (config.enabled(Instrumentation.WEBFLUX)) {
      names.add(internal(Instrumenter.WEBFLUX_HANDLER));
    }
    if (config.enabled(Instrumentation.HIKARI)) {
      names.add(internal(Instrumenter.HIKARI_POOL));
    }
    if (config.enabled(Instrumentation.DEV_MODE)) {
      names.add(internal(Instrumenter.RESTART_CLASS_LOADER));
    }
    LibraryInstrumentations.exactNames(config).forEach(name -> names.add(internal(name)));
    return Set.copyOf(names);
  }

  private static String internal(String binaryName) {
    return binaryName.replace('.', '/');
  }

  @Override
  public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classfileBuffer) {
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
            AgentLog.info(className + ": loaded before ByteBuddy was ready, on " + Thread.currentThread().getName()
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
          delegate.transform(loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
      if (DEBUG) {
        AgentLog.info(className + ": " + (transformed == null ? "not changed" : "transformed") + " in "
            + (System.nanoTime() - t0) / 1_000_000 + " ms on " + Thread.currentThread().getName());
      }
      return transformed;
    } catch (Throwable e) { // a transformer must never throw into class loading
      errors.record("instrumentation", new IllegalStateException("cannot instrument " + className, e));
      return null;
    }
  }

  /** ByteBuddy's transformer once it is ready, else null (also when it failed to build). */
  private ClassFileTransformer readyByteBuddy() {
    try {
      return byteBuddy.getNow(null);
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      return null;
    }
  }

  /**
   * The candidates that loaded before ByteBuddy was ready, for the start thread to retransform; call once
   * ByteBuddy is ready. Each is returned once (taken ones are this caller's to retransform).
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
    if (loader == null || !(servlet || jdbc) || ours(className) || jdk(className)) {
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
   * The roots that would make this class a target, judged by the methods it declares: advice goes on
   * declared methods only, so a class without one is never a candidate, whatever it extends.
   */
  private int wantedRoots(ClassHeader header) {
    int wanted = 0;
    for (ClassHeader.Method m : header.methods()) {
      if (m.isAbstract()) {
        continue;
      }
      String name = m.name();
      String desc = m.descriptor();
      if (servlet) {
        if (name.equals("service") && desc.startsWith("(Ljakarta/servlet/ServletRequest;")) {
          wanted |= SupertypeIndex.bit(JAKARTA_SERVLET) | SupertypeIndex.bit(JAKARTA_FILTER);
        } else if (name.equals("doFilter") && desc.startsWith("(Ljakarta/servlet/ServletRequest;")) {
          wanted |= SupertypeIndex.bit(JAKARTA_SERVLET) | SupertypeIndex.bit(JAKARTA_FILTER);
        } else if (name.equals("service") && desc.startsWith("(Ljavax/servlet/ServletRequest;")) {
          wanted |= SupertypeIndex.bit(JAVAX_SERVLET) | SupertypeIndex.bit(JAVAX_FILTER);
        } else if (name.equals("doFilter") && desc.startsWith("(Ljavax/servlet/ServletRequest;")) {
          wanted |= SupertypeIndex.bit(JAVAX_SERVLET) | SupertypeIndex.bit(JAVAX_FILTER);
        }
      }
      if (jdbc && m.isPublic()) {
        if (name.startsWith("execute")) {
          wanted |= SupertypeIndex.bit(STATEMENT);
        } else if ((name.equals("prepareStatement") || name.equals("prepareCall"))
            && desc.startsWith("(Ljava/lang/String;")) {
          wanted |= SupertypeIndex.bit(CONNECTION);
        }
      }
    }
    return wanted;
  }

  private static boolean ours(String className) {
    return className.startsWith("io/opspulse/agent/");
  }

  /** JDK classes other than the exact targets are never ours to change (as in Instrumenter's ignore list). */
  private static boolean jdk(String className) {
    return className.startsWith("java/") || className.startsWith("jdk/") || className.startsWith("sun/")
        || className.startsWith("com/sun/");
  }
}
