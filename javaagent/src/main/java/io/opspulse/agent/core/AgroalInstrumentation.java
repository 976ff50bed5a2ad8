package io.opspulse.agent.core;

import static io.opspulse.agent.core.MethodSpec.named;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

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
        on(named("init").arguments(0), "ConnectionPoolOpenedAdvice").early(EarlyHook.POOL_OPENED),
        on(named("close").arguments(0), "ConnectionPoolClosedAdvice"),
        on(named("getConnection").arguments(0), "ConnectionWaitAdvice"));
  }
}
