package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.agent.bootstrap.Hooks;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BootstrapBridgeTest {
  @Test
  void namesEveryClassOfTheBridgePackageAndNothingElse() throws IOException, URISyntaxException {
    Path output =
        Path.of(Hooks.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve(BootstrapBridge.PACKAGE_PATH);
    try (Stream<Path> files = Files.list(output)) {
      assertThat(
              files
                  .map(f -> f.getFileName().toString())
                  .filter(n -> n.endsWith(".class"))
                  .map(n -> n.substring(0, n.length() - ".class".length())))
          .as(
              "a class added to or removed from io.opspulse.agent.bootstrap must be listed in BootstrapBridge")
          .containsExactlyInAnyOrderElementsOf(BootstrapBridge.CLASSES);
    }
  }
}
