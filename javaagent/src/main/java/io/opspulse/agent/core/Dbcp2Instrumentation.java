package io.opspulse.agent.core;

import static io.opspulse.agent.core.CommonAdvice.connectionWait;
import static io.opspulse.agent.core.CommonAdvice.poolClosed;
import static io.opspulse.agent.core.CommonAdvice.poolOpened;
import static io.opspulse.agent.core.MethodSpec.named;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/**
 * Commons DBCP2's {@code BasicDataSource}: its pool is created at the first borrow, then borrowed
 * from, closed.
 */
final class Dbcp2Instrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.CONNECTION_POOL;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named(ConnectionPools.Library.DBCP2.poolClass);
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        poolOpened(named("createDataSource").arguments(0)),
        poolClosed(named("close").arguments(0)),
        connectionWait(named("getConnection").arguments(0)));
  }
}
