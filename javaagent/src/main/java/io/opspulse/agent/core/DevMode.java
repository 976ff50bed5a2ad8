package io.opspulse.agent.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Development machinery running in this JVM, by reason: {@code devtools} (Spring Boot DevTools
 * restart on the classpath and enabled, or a restart class loader seen), {@code jdwp} (a debug
 * agent), {@code quarkus_dev}, {@code jrebel}, {@code hotswap_agent}. Also counts in-process
 * restarts: DevTools builds one restart class loader per application start, so every one after the
 * first is a restart.
 */
final class DevMode {
  private final Supplier<List<String>> jvmArguments;
  private volatile @Nullable List<String> jvmArgumentsRead;
  private final Map<String, String> systemProperties;
  private final Predicate<String> onClasspath;
  private final Set<Object> restartLoaders =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
  private volatile long restartLoadersSeen;

  DevMode(
      List<String> jvmArguments,
      Map<String, String> systemProperties,
      Predicate<String> onClasspath) {
    this(() -> jvmArguments, systemProperties, onClasspath);
  }

  /**
   * With the JVM's arguments read only when first needed (off premain: the runtime MXBean is slow
   * to make).
   */
  DevMode(
      Supplier<List<String>> jvmArguments,
      Map<String, String> systemProperties,
      Predicate<String> onClasspath) {
    this.jvmArguments = jvmArguments;
    this.systemProperties = systemProperties;
    this.onClasspath = onClasspath;
  }

  void restartClassLoaderCreated(Object loader) {
    if (restartLoaders.add(loader)) {
      synchronized (this) {
        restartLoadersSeen++;
      }
    }
  }

  long inProcessRestarts() {
    return Math.max(0, restartLoadersSeen - 1);
  }

  private List<String> jvmArguments() {
    List<String> read = jvmArgumentsRead;
    if (read == null) {
      read = List.copyOf(jvmArguments.get());
      jvmArgumentsRead = read;
    }
    return read;
  }

  List<String> reasons() {
    List<String> reasons = new ArrayList<>();
    List<String> jvmArguments = jvmArguments();
    boolean devtoolsEnabled =
        !"false".equalsIgnoreCase(systemProperties.get("spring.devtools.restart.enabled"));
    if (restartLoadersSeen > 0
        || (devtoolsEnabled
            && onClasspath.test("org/springframework/boot/devtools/restart/Restarter.class"))) {
      reasons.add("devtools");
    }
    if (jvmArguments.stream()
        .anyMatch(
            a ->
                a.startsWith("-agentlib:jdwp")
                    || a.startsWith("-Xrunjdwp")
                    || (a.startsWith("-agentpath:") && a.contains("jdwp")))) {
      reasons.add("jdwp");
    }
    if ("dev".equals(systemProperties.get("quarkus.profile"))
        || onClasspath.test("io/quarkus/deployment/dev/DevModeMain.class")) {
      reasons.add("quarkus_dev");
    }
    if (jvmArguments.stream()
        .anyMatch(a -> a.toLowerCase(java.util.Locale.ROOT).contains("jrebel"))) {
      reasons.add("jrebel");
    }
    if (jvmArguments.stream()
        .anyMatch(a -> a.contains("HotswapAgent") || a.contains("hotswap-agent"))) {
      reasons.add("hotswap_agent");
    }
    return reasons;
  }
}
