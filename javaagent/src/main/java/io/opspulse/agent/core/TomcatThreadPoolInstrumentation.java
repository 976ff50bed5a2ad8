package io.opspulse.agent.core;

import static io.opspulse.agent.core.MethodSpec.constructor;
import static io.opspulse.agent.core.MethodSpec.named;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/** Tomcat's request pool: its own copy of ThreadPoolExecutor, with its own constructors. */
final class TomcatThreadPoolInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.EXECUTOR;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named("org.apache.tomcat.util.threads.ThreadPoolExecutor");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        on(constructor(), "ExecutorConstructorAdvice").early(EarlyHook.EXECUTOR_CREATED),
        on(named("runWorker").arguments(1), "ExecutorWorkerAdvice"),
        on(named("reject").arguments(1), "ExecutorRejectAdvice"));
  }
}
