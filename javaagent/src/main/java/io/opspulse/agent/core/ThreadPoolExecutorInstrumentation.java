package io.opspulse.agent.core;

import static io.opspulse.agent.core.MethodSpec.constructor;
import static io.opspulse.agent.core.MethodSpec.named;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/**
 * The JDK's {@code ThreadPoolExecutor} and every subclass: the constructor all others delegate to,
 * each worker's start (its thread names the pool) and rejections.
 */
final class ThreadPoolExecutorInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.EXECUTOR;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named("java.util.concurrent.ThreadPoolExecutor");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        on(constructor().arguments(7), "ExecutorConstructorAdvice")
            .early(EarlyHook.EXECUTOR_CREATED),
        on(named("runWorker").arguments(1), "ExecutorWorkerAdvice"),
        on(named("reject").arguments(1), "ExecutorRejectAdvice"));
  }
}
