package io.opspulse.agent.core;

import static io.opspulse.agent.core.HookArg.ENTER;
import static io.opspulse.agent.core.HookArg.METHOD_NAME;
import static io.opspulse.agent.core.HookArg.THIS;
import static io.opspulse.agent.core.HookArg.THROWN;
import static io.opspulse.agent.core.HookArg.argument;
import static io.opspulse.agent.core.HookCall.call;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/** Every JDBC driver's (and pool proxy's) statements: their public {@code execute*} methods. */
final class JdbcStatementInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.JDBC;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.implementing("java.sql.Statement");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        on(MethodSpec.nameStartsWith("execute").publicOnly().concrete())
            .enter(call("dbEnter", THIS).returningEnterValue())
            .exitOrThrow(call("dbExit", ENTER, THIS, argument(0), METHOD_NAME, THROWN)));
  }
}
