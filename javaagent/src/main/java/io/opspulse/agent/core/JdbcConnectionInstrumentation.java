package io.opspulse.agent.core;

import static io.opspulse.agent.core.HookArg.RETURNED;
import static io.opspulse.agent.core.HookArg.argument;
import static io.opspulse.agent.core.HookCall.call;
import static io.opspulse.agent.core.MethodSpec.named;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/**
 * Every JDBC driver's (and pool proxy's) connections: prepared statements keep their SQL's
 * operation.
 */
final class JdbcConnectionInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.JDBC;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.implementing("java.sql.Connection");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        on(named("prepareStatement", "prepareCall")
                .argument(0, "java.lang.String")
                .publicOnly()
                .concrete())
            .exit(call("statementPrepared", RETURNED, argument(0))));
  }
}
