package io.opspulse.agent.core;

import static io.opspulse.agent.core.CommonAdvice.executorCreated;
import static io.opspulse.agent.core.CommonAdvice.executorRejected;
import static io.opspulse.agent.core.CommonAdvice.executorWorkerStarted;
import static io.opspulse.agent.core.MethodSpec.constructor;
import static io.opspulse.agent.core.MethodSpec.named;

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
        executorCreated(constructor().arguments(7)),
        executorWorkerStarted(named("runWorker").arguments(1)),
        executorRejected(named("reject").arguments(1)));
  }
}
