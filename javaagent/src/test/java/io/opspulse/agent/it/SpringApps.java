package io.opspulse.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Spring Boot applications built in the test: their sources compiled against the libraries Maven
 * copied from Maven Central to {@code target/spring-libs}, and run with one server's libraries
 * only. That folder holds Spring Boot's Tomcat, Jetty and WebFlux/Reactor Netty starters together;
 * Spring Boot picks its server and web stack from the classpath, so each application gets the jars
 * of its own stack alone.
 */
final class SpringApps {
  static final Path LIBS =
      Path.of(System.getProperty("opspulse.spring.libs", "target/spring-libs"));
  static final Path APPS =
      Path.of(System.getProperty("opspulse.spring.apps.src", "src/test/spring-apps"));

  /** The jars, by file name prefix, that belong to one stack only. */
  private static final List<String> TOMCAT =
      List.of("tomcat-embed-", "spring-boot-tomcat", "spring-boot-starter-tomcat");

  private static final List<String> JETTY =
      List.of(
          "jetty-",
          "spring-boot-jetty",
          "spring-boot-starter-jetty",
          "jakarta.websocket",
          "jakarta.servlet-api",
          "jakarta.enterprise",
          "jakarta.inject",
          "jakarta.interceptor",
          "jakarta.transaction",
          "asm-");
  private static final List<String> MVC =
      List.of(
          "spring-webmvc", "spring-boot-webmvc", "spring-boot-servlet", "spring-boot-starter-web-");
  private static final List<String> WEBFLUX =
      List.of(
          "netty-",
          "reactor-",
          "reactive-streams",
          "spring-boot-reactor",
          "spring-boot-starter-reactor",
          "spring-boot-netty",
          "spring-webflux",
          "spring-boot-webflux",
          "spring-boot-starter-webflux");
  private static final List<String> DEVTOOLS = List.of("spring-boot-devtools");

  /** A web stack: which of the stack-specific jars it runs with. */
  enum Stack {
    MVC_ON_TOMCAT(Set.of(TOMCAT, MVC)),
    MVC_ON_JETTY(Set.of(JETTY, MVC)),
    WEBFLUX_ON_NETTY(Set.of(WEBFLUX)),
    DEVTOOLS_MVC_ON_TOMCAT(Set.of(TOMCAT, MVC, DEVTOOLS));

    private final Set<List<String>> groups;

    Stack(Set<List<String>> groups) {
      this.groups = groups;
    }

    boolean wants(String jar) {
      for (List<String> group : List.of(TOMCAT, JETTY, MVC, WEBFLUX, DEVTOOLS)) {
        if (group.stream().anyMatch(jar::startsWith)) {
          return groups.contains(group);
        }
      }
      return true; // Spring itself, logging, Jackson: every stack's
    }
  }

  private SpringApps() {}

  /** The jars of {@code stack}, sorted. */
  static List<Path> libraries(Stack stack) throws IOException {
    try (Stream<Path> jars = Files.list(LIBS)) {
      List<Path> chosen =
          jars.filter(p -> stack.wants(p.getFileName().toString())).sorted().toList();
      assertThat(chosen).as("Spring Boot's libraries in " + LIBS).isNotEmpty();
      return chosen;
    }
  }

  static String classpath(Path classes, Stack stack) throws IOException {
    List<String> entries = new ArrayList<>();
    entries.add(classes.toString());
    libraries(stack).forEach(p -> entries.add(p.toAbsolutePath().toString()));
    return String.join(File.pathSeparator, entries);
  }

  /**
   * Compiles the {@code .java} files under {@code sources} into {@code out}, each edited by {@code
   * edit}.
   */
  static void compile(Path sources, Stack stack, Path out, UnaryOperator<String> edit)
      throws IOException {
    Files.createDirectories(out);
    Path work = Files.createTempDirectory(out.getParent(), "src-");
    List<String> files = new ArrayList<>();
    try (Stream<Path> tree = Files.walk(sources)) {
      for (Path source : tree.filter(p -> p.toString().endsWith(".java")).toList()) {
        Path copy = work.resolve(sources.relativize(source).toString());
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, edit.apply(Files.readString(source)));
        files.add(copy.toString());
      }
    }
    assertThat(files).as("sources in " + sources).isNotEmpty();
    String libs =
        String.join(File.pathSeparator, libraries(stack).stream().map(Path::toString).toList());
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    List<String> options =
        new ArrayList<>(
            List.of(
                "--release",
                "17",
                "-parameters",
                "-proc:none",
                "-encoding",
                StandardCharsets.UTF_8.name(),
                "-classpath",
                libs,
                "-d",
                out.toString()));
    boolean ok =
        javac
            .getTask(
                diagnostics,
                null,
                null,
                options,
                null,
                javac
                    .getStandardFileManager(null, null, StandardCharsets.UTF_8)
                    .getJavaFileObjectsFromStrings(files))
            .call();
    assertThat(ok)
        .as("the Spring application in " + sources + " compiles:\n" + diagnostics)
        .isTrue();
  }
}
