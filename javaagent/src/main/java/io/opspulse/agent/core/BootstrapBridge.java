package io.opspulse.agent.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts the {@code io.opspulse.agent.bootstrap} classes on the bootstrap class path, so that advice
 * inlined into JDK classes (loaded by the bootstrap or platform loader) and into application classes
 * calls one and the same {@code Hooks}. They are copied from the agent jar into a small temporary jar.
 * Must run before any class that names them is loaded by the agent's own class loader.
 */
final class BootstrapBridge {
  static final String PACKAGE_PATH = "io/opspulse/agent/bootstrap/";

  private BootstrapBridge() {}

  static void append(Instrumentation inst) throws IOException, URISyntaxException {
    Path agentJar = Path.of(BootstrapBridge.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path bridge = Files.createTempFile("opspulse-bootstrap-", ".jar");
    bridge.toFile().deleteOnExit();
    try (JarFile source = new JarFile(agentJar.toFile());
        OutputStream file = Files.newOutputStream(bridge);
        JarOutputStream out = new JarOutputStream(file)) {
      Enumeration<JarEntry> entries = source.entries();
      while (entries.hasMoreElements()) {
        JarEntry entry = entries.nextElement();
        if (entry.getName().startsWith(PACKAGE_PATH) && entry.getName().endsWith(".class")) {
          out.putNextEntry(new JarEntry(entry.getName()));
          try (InputStream in = source.getInputStream(entry)) {
            in.transferTo(out);
          }
          out.closeEntry();
        }
      }
    }
    inst.appendToBootstrapClassLoaderSearch(new JarFile(bridge.toFile()));
  }

  /** Lets the named JDK modules we instrument read the bootstrap loader's unnamed module (the bridge's). */
  static void openModules(Instrumentation inst, Class<?> bridgeClass) {
    Module bridge = bridgeClass.getModule();
    for (String name : new String[] {"java.base", "java.net.http", "jdk.httpserver"}) {
      ModuleLayer.boot().findModule(name).ifPresent(module -> inst.redefineModule(
          module, Set.of(bridge), Map.of(), Map.of(), Set.of(), Map.of()));
    }
  }
}
