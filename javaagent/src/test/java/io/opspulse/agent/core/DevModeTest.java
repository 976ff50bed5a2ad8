package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevModeTest {
  @Test
  void nothingInAPlainJvm() {
    DevMode plain = new DevMode(List.of("-Xmx1g"), Map.of(), resource -> false);
    assertThat(plain.reasons()).isEmpty();
  }

  @Test
  void debugAgentsAndReloadersAreReasons() {
    DevMode dev =
        new DevMode(
            List.of(
                "-agentlib:jdwp=transport=dt_socket,server=y",
                "-javaagent:/x/jrebel.jar",
                "-XX:HotswapAgent=fatjar"),
            Map.of("quarkus.profile", "dev"),
            resource -> false);
    assertThat(dev.reasons()).containsExactly("jdwp", "quarkus_dev", "jrebel", "hotswap_agent");
  }

  @Test
  void devToolsOnTheClasspathUnlessRestartIsDisabled() {
    String restarter = "org/springframework/boot/devtools/restart/Restarter.class";
    assertThat(new DevMode(List.of(), Map.of(), restarter::equals).reasons())
        .containsExactly("devtools");
    assertThat(
            new DevMode(
                    List.of(),
                    Map.of("spring.devtools.restart.enabled", "false"),
                    restarter::equals)
                .reasons())
        .isEmpty();
  }

  @Test
  void everyRestartClassLoaderAfterTheFirstIsAnInProcessRestart() {
    DevMode dev = new DevMode(List.of(), Map.of(), resource -> false);
    Object first = new Object();
    dev.restartClassLoaderCreated(first);
    dev.restartClassLoaderCreated(first); // a constructor chain reports the same loader twice
    assertThat(dev.inProcessRestarts()).isZero();
    assertThat(dev.reasons()).containsExactly("devtools");
    dev.restartClassLoaderCreated(new Object());
    dev.restartClassLoaderCreated(new Object());
    assertThat(dev.inProcessRestarts()).isEqualTo(2);
  }
}
