package io.opspulse.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects one {@link PrivateDockerDaemon} (with busybox imported) shared by every test of the run.
 * It is kept in the root context's store, so JUnit closes it when the run ends, failed tests or
 * not. Tests that stop or restart a daemon start their own with {@link PrivateDockerDaemon#start()}
 * instead.
 */
public final class DockerDaemonExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(DockerDaemonExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == PrivateDockerDaemon.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NS)
        .computeIfAbsent(
            "daemon",
            key -> new SharedDaemon(PrivateDockerDaemon.start().withBusybox()),
            SharedDaemon.class)
        .daemon();
  }

  private record SharedDaemon(PrivateDockerDaemon daemon) implements AutoCloseable {
    @Override
    public void close() {
      daemon.close();
    }
  }
}
