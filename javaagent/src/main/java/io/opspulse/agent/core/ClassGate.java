package io.opspulse.agent.core;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The agent's only class file transformer on the JVM: decides with the JDK alone, from the class's name
 * and header, whether a class can be one that the advice targets, and passes only those to ByteBuddy.
 *
 * <p>Why: ByteBuddy's own matching, installed directly, costs the application every class it loads
 * (a type description, a supertype walk through its type pool) and makes premain load ByteBuddy's
 * thousand classes before {@code main} runs. Here premain registers this gate and returns; ByteBuddy is
 * built on a background thread and only ever sees the handful of candidate classes. A candidate that
 * loads before ByteBuddy is ready waits for it (bounded; a timeout leaves that class as it was and is
 * counted). The gate is a superset filter: ByteBuddy's matchers still make the final, exact decision.
 */
final class ClassGate implements ClassFileTransformer {
  private static final long WAIT_SECONDS = 20;
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
  private final Future<ClassFileTransformer> byteBuddy;
  private final AgentErrors errors;
  private final Set<String> deferred = ConcurrentHashMap.newKeySet();
  private volatile Thread builder;

  ClassGate(AgentConfig config, Future<ClassFileTransformer> byteBuddy, AgentErrors errors) {
    this.byteBuddy = byteBuddy;
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
      long t0 = DEBUG ? System.nanoTime() : 0;
      if (!byteBuddy.isDone() && Thread.currentThread() == builder) {
        // The thread that builds ByteBuddy cannot wait for itself: the class is retransformed once it is ready.
        deferred.add(className);
        if (DEBUG) {
          AgentLog.info(className + ": loaded by the start thread before ByteBuddy was ready; retransformed later");
        }
        return null;
      }
      ClassFileTransformer delegate = byteBuddy.get(WAIT_SECONDS, TimeUnit.SECONDS);
      long t1 = DEBUG ? System.nanoTime() : 0;
      byte[] transformed =
          delegate.transform(loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
      if (DEBUG) {
        AgentLog.info(className + ": waited " + (t1 - t0) / 1_000_000 + " ms for ByteBuddy, "
            + (transformed == null ? "not changed" : "transformed") + " in " + (System.nanoTime() - t1) / 1_000_000
            + " ms on " + Thread.currentThread().getName());
      }
      return transformed;
    } catch (TimeoutException e) {
      errors.record("instrumentation", new IllegalStateException(
          "ByteBuddy was not ready within " + WAIT_SECONDS + " s; " + className + " runs uninstrumented", e));
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Throwable e) { // a transformer must never throw into class loading
      errors.record("instrumentation", new IllegalStateException("cannot instrument " + className, e));
      return null;
    }
  }

  /** Marks the calling thread as the one that completes the ByteBuddy future: it never waits for it. */
  void builtOnThisThread() {
    builder = Thread.currentThread();
  }

  /** Internal names of candidates the building thread loaded before ByteBuddy was ready. */
  Set<String> deferred() {
    return Set.copyOf(deferred);
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
