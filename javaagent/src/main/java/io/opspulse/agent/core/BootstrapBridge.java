package io.opspulse.agent.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts the {@code io.opspulse.agent.bootstrap} classes into the bootstrap class loader, so that
 * advice inlined into JDK classes (bootstrap or platform loader) and into application classes calls
 * one and the same {@code Hooks}. Must run before any class that names them is loaded by the
 * agent's own loader.
 *
 * <p>First choice: define them directly in the bootstrap loader (jdk.internal.misc.Unsafe, opened
 * to us through Instrumentation). Appending a jar to the bootstrap search path works as well, but
 * makes the JVM turn class-data sharing off for application classes (and say so on stdout), which
 * costs every application start-up time; it is only the fallback.
 */
final class BootstrapBridge {
  static final String PACKAGE_PATH = "io/opspulse/agent/bootstrap/";

  private BootstrapBridge() {}

  /**
   * The bridge's class files. Named rather than found by listing the agent jar, whose thousands of
   * entries premain would otherwise walk; BootstrapBridgeTest checks the list against the build
   * output.
   */
  static final List<String> CLASSES =
      List.of("Hooks", "Hooks$1", "Hooks$Frame", "Hooks$ReactiveRequest", "Recorder");

  static void install(Instrumentation inst) throws IOException {
    Map<String, byte[]> classes = readBridgeClasses();
    try {
      defineInBootstrap(inst, classes);
    } catch (ReflectiveOperationException | RuntimeException e) {
      AgentLog.warnOnce(
          "bootstrap-define", "cannot define the bridge in the boot loader, appending a jar", e);
      appendJar(inst, classes);
    }
  }

  private static Map<String, byte[]> readBridgeClasses() throws IOException {
    Map<String, byte[]> classes = new LinkedHashMap<>();
    ClassLoader agentLoader = BootstrapBridge.class.getClassLoader();
    for (String name : CLASSES) {
      String resource = PACKAGE_PATH + name + ".class";
      try (InputStream in = agentLoader.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IOException("the agent jar holds no " + resource);
        }
        classes.put(resource, in.readAllBytes());
      }
    }
    return classes;
  }

  private static void defineInBootstrap(Instrumentation inst, Map<String, byte[]> classes)
      throws ReflectiveOperationException {
    Module javaBase = Object.class.getModule();
    Module self = BootstrapBridge.class.getModule();
    inst.redefineModule(
        javaBase,
        Set.of(),
        Map.of("jdk.internal.misc", Set.of(self)),
        Map.of(),
        Set.of(),
        Map.of());
    Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
    Object unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
    Method define =
        unsafeClass.getMethod(
            "defineClass",
            String.class,
            byte[].class,
            int.class,
            int.class,
            ClassLoader.class,
            ProtectionDomain.class);
    for (Map.Entry<String, byte[]> e : classes.entrySet()) {
      String name =
          e.getKey().substring(0, e.getKey().length() - ".class".length()).replace('/', '.');
      define.invoke(unsafe, name, e.getValue(), 0, e.getValue().length, null, null);
    }
  }

  private static void appendJar(Instrumentation inst, Map<String, byte[]> classes)
      throws IOException {
    Path bridge = Files.createTempFile("opspulse-bootstrap-", ".jar");
    bridge.toFile().deleteOnExit();
    try (OutputStream file = Files.newOutputStream(bridge);
        JarOutputStream out = new JarOutputStream(file)) {
      for (Map.Entry<String, byte[]> e : classes.entrySet()) {
        out.putNextEntry(new JarEntry(e.getKey()));
        out.write(e.getValue());
        out.closeEntry();
      }
    }
    inst.appendToBootstrapClassLoaderSearch(new JarFile(bridge.toFile()));
  }

  /**
   * Lets the named JDK modules we instrument read the bootstrap loader's unnamed module (the
   * bridge's).
   */
  static void openModules(Instrumentation inst, Class<?> bridgeClass) {
    Module bridge = bridgeClass.getModule();
    for (String name : new String[] {"java.base", "java.net.http", "jdk.httpserver"}) {
      ModuleLayer.boot()
          .findModule(name)
          .ifPresent(
              module ->
                  inst.redefineModule(
                      module, Set.of(bridge), Map.of(), Map.of(), Set.of(), Map.of()));
    }
  }
}
