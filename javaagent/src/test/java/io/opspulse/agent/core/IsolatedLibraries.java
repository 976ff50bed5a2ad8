package io.opspulse.agent.core;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An application's class loader for a library that needs jars the test JVM leaves out (surefire's
 * classpath excludes the Spring application's groups, jakarta.annotation among them): the test
 * classpath plus jars from the local Maven repository, with only the JDK as parent. The agent then
 * reads the library's objects across loaders, as it does in an application.
 */
final class IsolatedLibraries {
  private IsolatedLibraries() {}

  /** A property of this module's pom.xml (a version the build resolves the library at). */
  static String pomProperty(String name) {
    try {
      Matcher m =
          Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</")
              .matcher(Files.readString(Path.of("pom.xml")));
      if (!m.find()) {
        throw new IllegalStateException("pom.xml has no property " + name);
      }
      return m.group(1).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A loader of the test classpath and {@code extra} ({@code groupId:artifactId[:version]}, the
   * newest without one); {@code anchor}'s jar (of {@code anchorGroup}) locates the local
   * repository.
   */
  static URLClassLoader loader(Class<?> anchor, String anchorGroup, String... extra) {
    Path repository = repository(anchor, anchorGroup);
    List<URL> urls = new ArrayList<>();
    try {
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        urls.add(Path.of(entry).toUri().toURL());
      }
      for (String artifact : extra) {
        urls.add(jar(repository, artifact).toUri().toURL());
      }
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    }
    return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }

  private static Path repository(Class<?> anchor, String group) {
    try {
      Path jar = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path root = jar.getParent().getParent().getParent(); // version, artifact: the group's folder
      for (int i = 0; i < group.split("\\.").length; i++) {
        root = root.getParent();
      }
      return root;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code groupId:artifactId:version}, or {@code groupId:artifactId} for the newest version the
   * local repository holds.
   */
  private static Path jar(Path repository, String artifact) {
    String[] gav = artifact.split(":");
    Path dir = repository.resolve(gav[0].replace('.', '/')).resolve(gav[1]);
    try (Stream<Path> versions = Files.list(dir)) {
      return versions
          .filter(v -> gav.length < 3 || v.getFileName().toString().equals(gav[2]))
          .map(v -> v.resolve(gav[1] + "-" + v.getFileName() + ".jar"))
          .filter(Files::isRegularFile)
          .max(
              Comparator.comparing(
                  j -> ModuleDescriptor.Version.parse(j.getParent().getFileName().toString())))
          .orElseThrow(() -> new IllegalStateException("no jar of " + artifact + " in " + dir));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
