package io.opspulse.agent.core;

import static io.opspulse.agent.core.CommonAdvice.connectionWait;
import static io.opspulse.agent.core.CommonAdvice.poolClosed;
import static io.opspulse.agent.core.CommonAdvice.poolOpened;
import static io.opspulse.agent.core.MethodSpec.constructor;
import static io.opspulse.agent.core.MethodSpec.named;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/** Tomcat JDBC's {@code ConnectionPool}: opened by its constructor, borrowed from, closed. */
final class TomcatJdbcPoolInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.CONNECTION_POOL;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named(ConnectionPools.Library.TOMCAT_JDBC.poolClass);
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        poolOpened(constructor().arguments(1)),
        poolClosed(named("close").arguments(1)),
        connectionWait(named("borrowConnection").arguments(3).argument(0, "int")));
  }
}
