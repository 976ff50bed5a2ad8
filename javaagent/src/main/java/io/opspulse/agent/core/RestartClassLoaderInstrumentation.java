package io.opspulse.agent.core;

import static io.opspulse.agent.core.HookArg.THIS;
import static io.opspulse.agent.core.HookCall.call;
import static io.opspulse.agent.core.MethodSpec.constructor;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/** Spring Boot DevTools: each restart class loader created is one in-process restart. */
final class RestartClassLoaderInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.DEV_MODE;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named(
        "org.springframework.boot.devtools.restart.classloader.RestartClassLoader");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(on(constructor()).exit(call("restartClassLoaderCreated", THIS)));
  }
}
