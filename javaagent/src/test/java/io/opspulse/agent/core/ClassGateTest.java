package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which classes the gate weaves: every target, and no other. */
class ClassGateTest {
  private static final ClassLoader LOADER = ClassGateTest.class.getClassLoader();

  private static ClassGate gate(String instrument) {
    AgentConfig config =
        new ConfigResolver("instrument=" + instrument, Map.of("java.io.tmpdir", "/tmp"), Map.of())
            .resolve();
    return new ClassGate(config, new AgentErrors());
  }

  private static boolean candidate(ClassGate gate, String binaryName) throws IOException {
    String internal = binaryName.replace('.', '/');
    try (InputStream in = LOADER.getResourceAsStream(internal + ".class")) {
      assertThat(in).as(binaryName + " on the test class path").isNotNull();
      return !gate.adviceFor(LOADER, internal, in.readAllBytes()).isEmpty();
    }
  }

  private static byte[] bytes(String internalName) throws IOException {
    try (InputStream in = LOADER.getResourceAsStream(internalName + ".class")) {
      assertThat(in).as(internalName).isNotNull();
      return in.readAllBytes();
    }
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
    assertThat(gate.adviceFor(LOADER, "x/Y", "not a class file".getBytes())).isEmpty();
  }
}
