package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.agent.bootstrap.Hooks;
import io.opspulse.agent.core.TypeInstrumentation.MethodAdvice;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every declared instrumentation holds together: each woven call finds its hook, its target classes
 * are real and declare the methods it advises and the fields it reads, and the gate weaves exactly
 * its targets.
 */
class InstrumentationsTest {
  private static final ClassLoader LOADER = InstrumentationsTest.class.getClassLoader();

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
  void everyWovenCallNamesAPublicStaticHookOfItsExactDescriptor() {
    Map<String, String> hooks = new HashMap<>();
    for (Method m : Hooks.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())) {
        hooks.merge(
            m.getName(),
            MethodType.methodType(m.getReturnType(), m.getParameterTypes())
                .toMethodDescriptorString(),
            (x, y) -> x + " " + y);
      }
    }
    int calls = 0;
    for (TypeInstrumentation instrumentation : Instrumentations.all()) {
      for (MethodAdvice advice : instrumentation.advice()) {
        for (HookCall call : new HookCall[] {advice.enter(), advice.exit()}) {
          if (call != null) {
            // A missing hook would be a NoSuchMethodError thrown into the application's method.
            assertThat(hooks.get(call.method()))
                .as(instrumentation + ": " + call)
                .isNotNull()
                .contains(call.descriptor());
            calls++;
          }
        }
      }
    }
    assertThat(calls).isGreaterThan(30);
  }

  @Test
  void everyNamedTargetExistsAndDeclaresEveryAdvisedMethodAndReadField() throws Exception {
    int checked = 0;
    for (TypeInstrumentation instrumentation : Instrumentations.all()) {
      for (String name : instrumentation.target().names()) {
        if (NOT_ON_THE_TEST_CLASS_PATH.contains(name)) {
          assertThat(LOADER.getResource(name.replace('.', '/') + ".class")).as(name).isNull();
          continue;
        }
        ClassHeader header = ClassHeader.parse(bytes(name), true);
        assertThat(header).as(name).isNotNull();
        for (MethodAdvice advice : instrumentation.advice()) {
          assertThat(header.methods())
              .as("%s declares a method %s advises", name, advice.methods())
              .anyMatch(m -> advice.methods().matches(m) && !m.isAbstract());
          for (HookCall call : new HookCall[] {advice.enter(), advice.exit()}) {
            for (HookArg arg : call == null ? List.<HookArg>of() : call.args()) {
              if (arg.kind() == HookArg.Kind.FIELD) {
                assertThat(fieldDescriptor(Class.forName(name, false, LOADER), arg.name()))
                    .as("%s.%s", name, arg.name())
                    .isEqualTo(arg.descriptor());
              }
            }
          }
        }
        checked++;
      }
    }
    assertThat(checked)
        .isEqualTo(
            Instrumentations.all().stream().mapToInt(i -> i.target().names().size()).sum()
                - NOT_ON_THE_TEST_CLASS_PATH.size());
  }

  /** The descriptor of the field {@code name} that {@code type} declares or inherits, or null. */
  private static String fieldDescriptor(Class<?> type, String name) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (f.getName().equals(name) && !Modifier.isStatic(f.getModifiers())) {
          return f.getType().descriptorString();
        }
      }
    }
    return null;
  }

  @Test
  void everyHierarchyTargetIsWovenInItsImplementationsAndNeverInTheApiTypes() throws IOException {
    int checked = 0;
    for (TypeInstrumentation instrumentation : Instrumentations.all()) {
      if (instrumentation.target().byName()) {
        continue;
      }
      List<MethodAdvice> advised = instrumentation.advice();
      int[] selected = new int[advised.size()];
      ClassGate gate = gate(instrumentation.setting().key());
      for (String root : instrumentation.target().roots()) {
        assertThat(IMPLEMENTATIONS)
            .as("an implementation of " + root + " to test with")
            .containsKey(root);
        for (String name : IMPLEMENTATIONS.get(root)) {
          assertThat(gate.adviceFor(LOADER, internal(name), bytes(name)))
              .as("the gate weaves " + name)
              .containsAll(advised);
          ClassHeader header = ClassHeader.parse(bytes(name), true);
          for (int a = 0; a < selected.length; a++) {
            for (ClassHeader.Method m : header.methods()) {
              selected[a] += advised.get(a).methods().matches(m) ? 1 : 0;
            }
          }
          checked++;
        }
        // The API types themselves are interfaces: never changed.
        assertThat(gate.adviceFor(LOADER, internal(root), bytes(root))).as(root).isEmpty();
      }
      for (int a = 0; a < selected.length; a++) {
        assertThat(selected[a])
            .as(
                "an implementation of %s declares a method %s advises",
                instrumentation.target().roots(), advised.get(a))
            .isPositive();
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(8);
  }

  @Test
  void theGateWeavesEveryNamedTargetOnlyWhenItsSettingIsOn() {
    for (TypeInstrumentation instrumentation : Instrumentations.all()) {
      String on = instrumentation.setting().key();
      for (String name : instrumentation.target().names()) {
        byte[] bytes = "not read for a named target".getBytes(StandardCharsets.UTF_8);
        assertThat(gate(on).adviceFor(LOADER, internal(name), bytes))
            .as(name + " with " + on)
            .containsAll(instrumentation.advice());
        assertThat(gate("-" + on).adviceFor(LOADER, internal(name), bytes))
            .as(name + " without " + on)
            .isEmpty();
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

  private static ClassGate gate(String instrument) {
    AgentConfig config =
        new ConfigResolver("instrument=" + instrument, Map.of("java.io.tmpdir", "/tmp"), Map.of())
            .resolve();
    return new ClassGate(config, new AgentErrors());
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
