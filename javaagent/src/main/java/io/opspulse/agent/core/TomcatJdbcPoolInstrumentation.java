package io.opspulse.agent.core;

import static io.opspulse.agent.core.MethodSpec.constructor;
import static io.opspulse.agent.core.MethodSpec.named;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

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
        on(constructor().arguments(1), "ConnectionPoolOpenedAdvice").early(EarlyHook.POOL_OPENED),
        on(named("close").arguments(1), "ConnectionPoolClosedAdvice"),
        on(named("borrowConnection").arguments(3).argument(0, "int"), "ConnectionWaitAdvice"));
  }
}
