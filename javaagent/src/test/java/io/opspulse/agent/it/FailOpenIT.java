package io.opspulse.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.Ports;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing the agent meets may break the service (jmx_exporter's agent kills the JVM on a taken
 * port).
 */
class FailOpenIT {

  @Test
  void aTakenPortLeavesTheServiceServing(@TempDir Path tmp) throws Exception {
    int port = Ports.freeLoopbackPort();
    int app = Ports.freeLoopbackPort();
    try (ServerSocket taken = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"));
        AgentApp hello =
            AgentApp.start(
                "port-taken",
                AgentApp.JDK17_JAVA,
                "host=127.0.0.1,port=" + port + ",state.dir=" + tmp,
                List.of(),
                AgentApp.appClasspath(),
                "io.opspulse.testapp.HelloApp",
                List.of(String.valueOf(app)),
                Map.of(),
                tmp)) {
      for (int i = 0; i < 5; i++) {
        assertThat(Http.get("http://127.0.0.1:" + app + "/hello").body()).isEqualTo("hello");
      }
      assertThat(hello.process().isAlive()).isTrue();
      assertThat(hello.log())
          .contains("no Prometheus endpoint on 127.0.0.1:" + port)
          .contains("prometheus-endpoint failed (contained; the application runs on)");
    }
  }

  @Test
  void aBadSettingIsNamedAndTheServiceStartsWithoutTheAgent(@TempDir Path tmp) throws Exception {
    int app = Ports.freeLoopbackPort();
    try (AgentApp hello =
        AgentApp.start(
            "bad-setting",
            AgentApp.JDK17_JAVA,
            "port=94640",
            List.of(),
            AgentApp.appClasspath(),
            "io.opspulse.testapp.HelloApp",
            List.of(String.valueOf(app)),
            Map.of("OPSPULSE_STATE_DIR", tmp.toString()),
            tmp)) {
      assertThat(Http.get("http://127.0.0.1:" + app + "/hello").body()).isEqualTo("hello");
      assertThat(hello.log())
          .contains(
              "prometheus.port=94640 (agent argument): expected a port number 1-65535, or off")
          .contains("the agent does nothing in this JVM");
    }
  }
}
