package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Which classes the gate hands to ByteBuddy: every possible target, and few others; and that a
 * target loading before ByteBuddy is ready never waits for it.
 */
class ClassGateTest {
  private static final ClassLoader LOADER = ClassGateTest.class.getClassLoader();

  private static ClassGate gate(String instrument) {
    AgentConfig config =
        new ConfigResolver("instrument=" + instrument, Map.of("java.io.tmpdir", "/tmp"), Map.of())
            .resolve();
    return new ClassGate(config, new CompletableFuture<ClassFileTransformer>(), new AgentErrors());
  }

  private static boolean candidate(ClassGate gate, String binaryName) throws IOException {
    String internal = binaryName.replace('.', '/');
    try (InputStream in = LOADER.getResourceAsStream(internal + ".class")) {
      assertThat(in).as(binaryName + " on the test class path").isNotNull();
      return gate.isCandidate(LOADER, internal, in.readAllBytes());
    }
  }

  private static byte[] bytes(String internalName) throws IOException {
    try (InputStream in = LOADER.getResourceAsStream(internalName + ".class")) {
      assertThat(in).as(internalName).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void aTargetLoadingBeforeByteBuddyIsReadyPassesAtOnceAndIsHandedToTheStartThread()
      throws Exception {
    AgentConfig config =
        new ConfigResolver("", Map.of("java.io.tmpdir", "/tmp"), Map.of()).resolve();
    CompletableFuture<ClassFileTransformer> byteBuddy = new CompletableFuture<>();
    ClassGate gate = new ClassGate(config, byteBuddy, new AgentErrors());
    String pool = "org/eclipse/jetty/util/thread/QueuedThreadPool";
    String servlet = "jakarta/servlet/http/HttpServlet";
    byte[] poolBytes = bytes(pool);

    // No ByteBuddy yet, and nothing ever completes it here: a waiting gate would block this thread.
    byte[] early =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10), () -> gate.transform(LOADER, pool, null, null, poolBytes));
    assertThat(early)
        .as("the pool gets its constructor hooks at once")
        .isNotNull()
        .isNotEqualTo(poolBytes);
    assertThat(gate.transform(LOADER, servlet, null, null, bytes(servlet)))
        .as("no early hook for a servlet")
        .isNull();
    assertThat(gate.takeEarly())
        .containsExactlyInAnyOrder(
            new ClassGate.EarlyClass(LOADER, pool), new ClassGate.EarlyClass(LOADER, servlet));
    assertThat(gate.takeEarly()).as("each is handed over once").isEmpty();

    // Ready: candidates go to ByteBuddy on the loading thread, and none is left for
    // retransformation.
    byte[] fromByteBuddy = {(byte) 0xCA};
    byteBuddy.complete(
        new ClassFileTransformer() {
          @Override
          public byte[] transform(
              ClassLoader loader,
              String name,
              Class<?> redefined,
              ProtectionDomain domain,
              byte[] b) {
            return fromByteBuddy;
          }
        });
    assertThat(gate.transform(LOADER, pool, null, null, poolBytes)).isSameAs(fromByteBuddy);
    assertThat(gate.takeEarly()).isEmpty();
  }

  @Test
  void withoutByteBuddyTheEarlyHooksStayAndNothingIsKeptForLater() throws Exception {
    AgentConfig config =
        new ConfigResolver("", Map.of("java.io.tmpdir", "/tmp"), Map.of()).resolve();
    CompletableFuture<ClassFileTransformer> byteBuddy = new CompletableFuture<>();
    byteBuddy.completeExceptionally(new IllegalStateException("ByteBuddy failed"));
    ClassGate gate = new ClassGate(config, byteBuddy, new AgentErrors());
    String pool = "org/eclipse/jetty/util/thread/QueuedThreadPool";
    assertThat(gate.transform(LOADER, pool, null, null, bytes(pool))).isNotNull();
    assertThat(gate.takeEarly()).isEmpty();
  }

  @Test
  void servletsAndFiltersThatDeclareTheAdvisedMethodsAreCandidates() throws IOException {
    ClassGate gate = gate("servlet");
    assertThat(candidate(gate, "jakarta.servlet.http.HttpServlet")).isTrue();
    assertThat(candidate(gate, "javax.servlet.http.HttpServlet")).isTrue();
    // Jetty's own servlet, reached through GenericServlet: resolved from class files, not loaded
    // classes.
    assertThat(candidate(gate, "org.eclipse.jetty.ee10.servlet.ServletHandler$Default404Servlet"))
        .isFalse();
    assertThat(candidate(gate, "org.eclipse.jetty.ee10.servlet.FilterHolder")).isFalse();
  }

  @Test
  void aServletThatDeclaresNoAdvisedMethodIsLeftAlone() throws IOException {
    // The test app's servlet overrides doGet only: the advice sits in HttpServlet.service.
    assertThat(candidate(gate("servlet"), "io.opspulse.testapp.JettyHelloApp$1")).isFalse();
  }

  @Test
  void jdbcStatementsAndConnectionsThroughInterfacesOfInterfaces() throws IOException {
    ClassGate gate = gate("jdbc");
    assertThat(candidate(gate, "org.h2.jdbc.JdbcStatement")).isTrue();
    assertThat(candidate(gate, "org.h2.jdbc.JdbcPreparedStatement"))
        .isTrue(); // via PreparedStatement
    assertThat(candidate(gate, "org.h2.jdbc.JdbcConnection")).isTrue();
    assertThat(candidate(gate, "com.zaxxer.hikari.pool.HikariProxyPreparedStatement")).isTrue();
  }

  @Test
  void anExecuteMethodOutsideJdbcIsNotEnough() throws IOException {
    ClassGate gate = gate("jdbc");
    assertThat(candidate(gate, "org.eclipse.jetty.util.thread.QueuedThreadPool")).isFalse();
    assertThat(candidate(gate, "org.h2.command.Command")).isFalse();
  }

  @Test
  void namedTargetsOnlyWhenTheirInstrumentationIsOn() throws IOException {
    assertThat(candidate(gate("hikari"), "com.zaxxer.hikari.pool.HikariPool")).isTrue();
    assertThat(candidate(gate("servlet"), "com.zaxxer.hikari.pool.HikariPool")).isFalse();
    assertThat(candidate(gate("executor"), "java.util.concurrent.ThreadPoolExecutor")).isTrue();
    assertThat(candidate(gate("all"), "java.util.concurrent.ScheduledThreadPoolExecutor"))
        .isFalse();
    assertThat(candidate(gate("-servlet"), "jakarta.servlet.http.HttpServlet")).isFalse();
  }

  @Test
  void clientLibrariesAndPoolsByNameUnderTheirInstrumentation() throws IOException {
    for (String client :
        new String[] {
          "org.apache.hc.client5.http.impl.classic.InternalHttpClient",
          "org.apache.http.impl.client.InternalHttpClient",
          "okhttp3.internal.connection.RealCall",
          "reactor.netty.http.client.HttpClientOperations"
        }) {
      assertThat(candidate(gate("http-client"), client)).as(client).isTrue();
      assertThat(candidate(gate("-http-client"), client)).as(client).isFalse();
    }
    for (String pool :
        new String[] {
          "org.apache.tomcat.jdbc.pool.ConnectionPool",
          "org.apache.commons.dbcp2.BasicDataSource",
          "io.agroal.pool.ConnectionPool"
        }) {
      assertThat(candidate(gate("connection-pool"), pool)).as(pool).isTrue();
      assertThat(candidate(gate("hikari;jdbc"), pool)).as(pool).isFalse();
    }
  }

  @Test
  void theAgentsOwnAndTheJdksClassesAreNeverCandidates() throws IOException {
    ClassGate gate = gate("all");
    assertThat(candidate(gate, "io.opspulse.agent.core.ClassGate")).isFalse();
    assertThat(candidate(gate, "java.lang.String")).isFalse();
  }

  @Test
  void headersAreReadFromTheBytesAlone() throws IOException {
    try (InputStream in = LOADER.getResourceAsStream("org/h2/jdbc/JdbcPreparedStatement.class")) {
      ClassHeader header = ClassHeader.parse(in.readAllBytes(), true);
      assertThat(header.name()).isEqualTo("org/h2/jdbc/JdbcPreparedStatement");
      assertThat(header.superName()).isEqualTo("org/h2/jdbc/JdbcStatement");
      assertThat(header.interfaces()).contains("java/sql/PreparedStatement");
      assertThat(header.methods())
          .anySatisfy(
              m -> {
                assertThat(m.name()).isEqualTo("executeQuery");
                assertThat(m.descriptor()).isEqualTo("()Ljava/sql/ResultSet;");
                assertThat(m.isPublic()).isTrue();
              });
    }
  }

  @Test
  void truncatedOrForeignBytesAreNoCandidateAndNoException() throws IOException {
    byte[] real;
    try (InputStream in = LOADER.getResourceAsStream("org/h2/jdbc/JdbcStatement.class")) {
      real = in.readAllBytes();
    }
    ClassHeader whole = ClassHeader.parse(real, true);
    for (int length = 0; length < real.length; length += 7) {
      // The header ends with the method table: a cut after it reads as the whole; one before, as
      // nothing.
      ClassHeader cut = ClassHeader.parse(Arrays.copyOf(real, length), true);
      assertThat(cut == null || cut.equals(whole))
          .as("first %d bytes read as %s", length, cut)
          .isTrue();
    }
    ClassGate gate = gate("all");
    byte[] flipped = real.clone();
    for (int i = 10; i < flipped.length; i += 13) {
      flipped[i] = (byte) ~flipped[i];
    }
    ClassHeader.parse(flipped, true); // no exception escapes, whatever it makes of the bytes
    assertThat(gate.isCandidate(LOADER, "x/Y", "not a class file".getBytes())).isFalse();
  }
}
