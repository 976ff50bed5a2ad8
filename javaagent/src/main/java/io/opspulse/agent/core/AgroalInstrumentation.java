package io.opspulse.agent.core;

import static io.opspulse.agent.core.CommonAdvice.connectionWait;
import static io.opspulse.agent.core.CommonAdvice.poolClosed;
import static io.opspulse.agent.core.CommonAdvice.poolOpened;
import static io.opspulse.agent.core.MethodSpec.named;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/** Agroal's {@code ConnectionPool}: initialised, borrowed from, closed. */
final class AgroalInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.CONNECTION_POOL;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named(ConnectionPools.Library.AGROAL.poolClass);
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        poolOpened(named("init").arguments(0)),
        poolClosed(named("close").arguments(0)),
        connectionWait(named("getConnection").arguments(0)));
  }
}
