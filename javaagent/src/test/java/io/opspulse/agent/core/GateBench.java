package io.opspulse.agent.core;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;

/**
 * What the class gate costs per loading class, on real jars: the decision for every class (most are
 * no target: a set lookup, a header parse, a supertype walk from class files), and for the targets
 * the weaving, next to a plain ASM read-and-write of the same bytes. Not a test: run by hand
 * (docs/benchmarks.md has the command and the figures).
 *
 * <p>Usage: {@code GateBench JAR...} (for example the Spring Boot application's jars in
 * target/spring-libs).
 */
public final class GateBench {
  /** The targets are few: each is woven this many times a round, for a steadier mean. */
  private static final int REPEATS = 20;

  private GateBench() {}

  private record Clazz(String internalName, byte[] bytes) {}

  public static void main(String[] args) throws IOException {
    List<Clazz> classes = new ArrayList<>();
    List<URL> urls = new ArrayList<>();
    for (String jar : args) {
      urls.add(new File(jar).toURI().toURL());
      classes.addAll(read(jar));
    }
    try (URLClassLoader loader =
        new URLClassLoader(urls.toArray(new URL[0]), GateBench.class.getClassLoader())) {
      AgentConfig config =
          new ConfigResolver("", Map.of("java.io.tmpdir", "/tmp"), Map.of()).resolve();
      List<Clazz> targets = new ArrayList<>();
      for (Clazz c : classes) {
        if (!new ClassGate(config, new AgentErrors())
            .adviceFor(loader, c.internalName(), c.bytes())
            .isEmpty()) {
          targets.add(c);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%d classes in %d jars, %d targets%n",
          classes.size(),
          args.length,
          targets.size());
      for (int round = 1; round <= 8; round++) {
        // A fresh gate each round: its supertype cache starts empty, as in a new JVM.
        ClassGate gate = new ClassGate(config, new AgentErrors());
        long t0 = System.nanoTime();
        int selected = 0;
        for (Clazz c : classes) {
          selected += gate.adviceFor(loader, c.internalName(), c.bytes()).isEmpty() ? 0 : 1;
        }
        long decide = System.nanoTime() - t0;
        long weave = 0;
        long copy = 0;
        for (int rep = 0; rep < REPEATS; rep++) {
          for (Clazz c : targets) {
            long w0 = System.nanoTime();
            byte[] woven =
                HookWeaver.weave(
                    c.internalName(),
                    c.bytes(),
                    gate.adviceFor(loader, c.internalName(), c.bytes()));
            long w1 = System.nanoTime();
            byte[] copied = copy(c.bytes());
            long w2 = System.nanoTime();
            weave += w1 - w0;
            copy += w2 - w1;
            if (woven == null || copied.length == 0) {
              throw new IllegalStateException(c.internalName() + " was not woven");
            }
          }
        }
        System.out.printf(
            Locale.ROOT,
            "round %d: decide %.1f µs/class (%d selected, %.0f ms in all); weave %.0f µs/target,"
                + " ASM read+write alone %.0f µs/target (weave/copy %.2f)%n",
            round,
            decide / 1e3 / classes.size(),
            selected,
            decide / 1e6,
            weave / 1e3 / targets.size() / REPEATS,
            copy / 1e3 / targets.size() / REPEATS,
            (double) weave / copy);
      }
    }
  }

  /**
   * ASM reading and writing the class as the weaver does (expanded frames, untouched methods copied
   * as they are), without weaving anything: the floor any ASM-based transformer pays.
   */
  private static byte[] copy(byte[] bytes) {
    ClassReader reader = new ClassReader(bytes);
    ClassWriter writer = new ClassWriter(reader, 0);
    reader.accept(writer, ClassReader.EXPAND_FRAMES);
    return writer.toByteArray();
  }

  private static List<Clazz> read(String jar) throws IOException {
    List<Clazz> out = new ArrayList<>();
    try (JarFile file = new JarFile(jar)) {
      for (JarEntry e : Collections.list(file.entries())) {
        String name = e.getName();
        if (name.endsWith(".class")
            && !name.startsWith("META-INF/")
            && !name.endsWith("module-info.class")) {
          try (InputStream in = file.getInputStream(e)) {
            out.add(new Clazz(name.substring(0, name.length() - 6), in.readAllBytes()));
          }
        }
      }
    }
    return out;
  }
}
