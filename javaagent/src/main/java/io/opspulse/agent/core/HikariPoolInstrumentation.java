package io.opspulse.agent.core;

import static io.opspulse.agent.core.CommonAdvice.connectionWait;
import static io.opspulse.agent.core.CommonAdvice.poolClosed;
import static io.opspulse.agent.core.HookArg.THIS;
import static io.opspulse.agent.core.HookArg.argument;
import static io.opspulse.agent.core.HookCall.call;
import static io.opspulse.agent.core.MethodSpec.constructor;
import static io.opspulse.agent.core.MethodSpec.named;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/**
 * HikariCP: a pool opens with its constructor, borrows through {@code getConnection(long)}, closes
 * with shutdown.
 */
final class HikariPoolInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.HIKARI;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named("com.zaxxer.hikari.pool.HikariPool");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        on(constructor().arguments(1)).exit(call("connectionPoolCreated", THIS, argument(0))),
        connectionWait(named("getConnection").arguments(1).argument(0, "long")),
        poolClosed(named("shutdown").arguments(0)));
  }
}
