package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.agent.core.TypeInstrumentation.MethodAdvice;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

/**
 * Every declared instrumentation holds together: its advice exists, its target classes are real and
 * declare the methods it advises, and the gate and ByteBuddy, each reading the same declaration,
 * pick the same classes and the same methods.
 */
class InstrumentationsTest {
  private static final ClassLoader LOADER = InstrumentationsTest.class.getClassLoader();
  private static final TypePool POOL =
      TypePool.Default.of(ClassFileLocator.ForClassLoader.of(LOADER));

  /**
   * Named targets whose library the unit tests' class path leaves to the Spring applications' own
   * folder (pom.xml's spring-app.excludes); the ITs prove them (SpringServersIT, SpringDevToolsIT).
   */
  private static final Set<String> NOT_ON_THE_TEST_CLASS_PATH =
      Set.of(
          "org.apache.tomcat.util.threads.ThreadPoolExecutor",
          "org.springframework.web.server.handler.ExceptionHandlingWebHandler",
          "org.springframework.boot.devtools.restart.classloader.RestartClassLoader",
          // OkHttp 3's call: OkHttp 4 on the class path has the other name.
          "okhttp3.RealCall");

  /**
   * An implementation of each API type an instrumentation targets by hierarchy, from the test class
   * path.
   */
  private static final Map<String, List<String>> IMPLEMENTATIONS =
      Map.of(
          "jakarta.servlet.Servlet", List.of("jakarta.servlet.http.HttpServlet"),
          "jakarta.servlet.Filter",
              List.of(
                  "org.eclipse.jetty.ee10.servlet.FilterHolder$Wrapper",
                  "org.glassfish.jersey.servlet.ServletContainer"),
          "javax.servlet.Servlet", List.of("javax.servlet.http.HttpServlet"),
          "javax.servlet.Filter", List.of("org.eclipse.jetty.ee8.servlet.FilterHolder$Wrapper"),
          "java.sql.Statement",
              List.of("org.h2.jdbc.JdbcStatement", "org.h2.jdbc.JdbcPreparedStatement"),
          "java.sql.Connection",
              List.of(
                  "org.h2.jdbc.JdbcConnection", "com.zaxxer.hikari.pool.HikariProxyConnection"));

  @Test
  void everyAdviceIsAnAdviceClass() {
    for (TypeInstrumentation instrumentation : Instrumentations.all()) {
      for (MethodAdvice advice : instrumentation.advice()) {
        // Read as ByteBuddy reads it, from the class file: loading it would need the library it is
        // written against.
        TypePool.Resolution resolution = POOL.describe(advice.adviceClass());
        assertThat(resolution.isResolved())
            .as(instrumentation + ": " + advice.adviceClass())
            .isTrue();
        List<String> adviceMethods = new ArrayList<>();
        for (MethodDescription m : resolution.resolve().getDeclaredMethods()) {
          if (m.getDeclaredAnnotations().isAnnotationPresent(Advice.OnMethodEnter.class)
              || m.getDeclaredAnnotations().isAnnotationPresent(Advice.OnMethodExit.class)) {
            adviceMethods.add(m.getName());
          }
        }
        assertThat(adviceMethods).as(instrumentation + ": " + advice.adviceClass()).isNotEmpty();
      }
    }
  }

  @Test
  void everyNamedTargetExistsAndDeclaresEveryAdvisedMethod() throws IOException {
    int checked = 0;
    for (TypeInstrumentation instrumentation : Instrumentations.all()) {
      for (String name : instrumentation.target().names()) {
        if (NOT_ON_THE_TEST_CLASS_PATH.contains(name)) {
          assertThat(LOADER.getResource(name.replace('.', '/') + ".class")).as(name).isNull();
          continue;
        }
        TypeDescription type = POOL.describe(name).resolve();
        assertThat(Instrumenter.types(instrumentation.target()).matches(type)).as(name).isTrue();
        for (MethodAdvice advice : instrumentation.advice()) {
          assertThat(assertAdvisedMethodsAgree(advice, name, type))
              .as("%s declares a method %s advises", name, advice)
              .isPositive();
        }
        checked++;
      }
    }
    assertThat(checked)
        .isEqualTo(
            Instrumentations.all().stream().mapToInt(i -> i.target().names().size()).sum()
                - NOT_ON_THE_TEST_CLASS_PATH.size());
  }

  @Test
  void everyHierarchyTargetMatchesItsImplementationsInTheGateAndInByteBuddy() throws IOException {
    int checked = 0;
    for (TypeInstrumentation instrumentation : Instrumentations.all()) {
      if (instrumentation.target().byName()) {
        continue;
      }
      List<MethodAdvice> advised = instrumentation.advice();
      int[] selected = new int[advised.size()];
      for (String root : instrumentation.target().roots()) {
        assertThat(IMPLEMENTATIONS)
            .as("an implementation of " + root + " to test with")
            .containsKey(root);
        for (String name : IMPLEMENTATIONS.get(root)) {
          TypeDescription type = POOL.describe(name).resolve();
          assertThat(Instrumenter.types(instrumentation.target()).matches(type)).as(name).isTrue();
          for (int a = 0; a < selected.length; a++) {
            selected[a] += assertAdvisedMethodsAgree(advised.get(a), name, type);
          }
          assertThat(
                  gate(instrumentation.setting().key())
                      .isCandidate(LOADER, internal(name), bytes(name)))
              .as("the gate passes " + name)
              .isTrue();
          checked++;
        }
      }
      for (int a = 0; a < selected.length; a++) {
        assertThat(selected[a])
            .as(
                "an implementation of %s declares a method %s advises",
                instrumentation.target().roots(), advised.get(a))
            .isPositive();
      }
      // The API types themselves are interfaces: never changed.
      for (String root : instrumentation.target().roots()) {
        assertThat(
                Instrumenter.types(instrumentation.target()).matches(POOL.describe(root).resolve()))
            .isFalse();
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(8);
  }

  @Test
  void theGatePassesEveryNamedTargetOnlyWhenItsSettingIsOn() throws IOException {
    for (TypeInstrumentation instrumentation : Instrumentations.all()) {
      String on = instrumentation.setting().key();
      for (String name : instrumentation.target().names()) {
        byte[] bytes = "not read for a named target".getBytes();
        assertThat(gate(on).isCandidate(LOADER, internal(name), bytes))
            .as(name + " with " + on)
            .isTrue();
        assertThat(gate("-" + on).isCandidate(LOADER, internal(name), bytes))
            .as(name + " without " + on)
            .isFalse();
      }
    }
  }

  @Test
  void eachSettingNamesAtLeastOneInstrumentationButTheRuntimeMetrics() {
    for (AgentConfig.Instrumentation setting : AgentConfig.Instrumentation.values()) {
      boolean declared = Instrumentations.all().stream().anyMatch(i -> i.setting() == setting);
      assertThat(declared)
          .as(setting.key())
          .isEqualTo(setting != AgentConfig.Instrumentation.RUNTIME);
    }
  }

  @Test
  void methodDescriptorsReadAsBinaryNames() {
    assertThat(
            MethodSpec.parameters(
                "(Ljakarta/servlet/ServletRequest;Ljakarta/servlet/ServletResponse;)V"))
        .containsExactly("jakarta.servlet.ServletRequest", "jakarta.servlet.ServletResponse");
    assertThat(MethodSpec.parameters("(IJ[Ljava/lang/String;[[Z)Ljava/lang/Object;"))
        .containsExactly("int", "long", "java.lang.String[]", "boolean[][]");
    assertThat(MethodSpec.parameters("()V")).isEmpty();
    assertThat(MethodSpec.parameters("(Ljava/lang/String")).isNull();
    assertThat(MethodSpec.parameters("(Q)V")).isNull();
    assertThat(MethodSpec.parameters("V")).isNull();
  }

  /**
   * On every method {@code type} declares, the gate's reading of each advised spec and ByteBuddy's
   * matcher made from it agree; returns how many methods it selects.
   */
  private static int assertAdvisedMethodsAgree(
      MethodAdvice advice, String name, TypeDescription type) throws IOException {
    ClassHeader header = ClassHeader.parse(bytes(name), true);
    assertThat(header).as(name).isNotNull();
    int selected = 0;
    for (MethodDescription.InDefinedShape method : type.getDeclaredMethods()) {
      ClassHeader.Method declared =
          header.methods().stream()
              .filter(
                  m ->
                      m.name().equals(method.getInternalName())
                          && m.descriptor().equals(method.getDescriptor()))
              .findFirst()
              .orElseThrow();
      boolean byByteBuddy = Instrumenter.methods(advice.methods()).matches(method);
      assertThat(advice.methods().matches(declared))
          .as(
              "%s.%s%s against %s",
              name, method.getInternalName(), method.getDescriptor(), advice.methods())
          .isEqualTo(byByteBuddy);
      selected += byByteBuddy ? 1 : 0;
    }
    return selected;
  }

  private static ClassGate gate(String instrument) {
    AgentConfig config =
        new ConfigResolver("instrument=" + instrument, Map.of("java.io.tmpdir", "/tmp"), Map.of())
            .resolve();
    return new ClassGate(config, new CompletableFuture<ClassFileTransformer>(), new AgentErrors());
  }

  private static String internal(String binaryName) {
    return binaryName.replace('.', '/');
  }

  private static byte[] bytes(String binaryName) throws IOException {
    try (InputStream in = LOADER.getResourceAsStream(internal(binaryName) + ".class")) {
      assertThat(in).as(binaryName + " on the test class path").isNotNull();
      return in.readAllBytes();
    }
  }
}
