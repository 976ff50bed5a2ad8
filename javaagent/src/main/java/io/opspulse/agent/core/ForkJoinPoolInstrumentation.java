package io.opspulse.agent.core;

import static io.opspulse.agent.core.CommonAdvice.executorCreated;
import static io.opspulse.agent.core.CommonAdvice.executorWorkerStarted;
import static io.opspulse.agent.core.MethodSpec.constructor;
import static io.opspulse.agent.core.MethodSpec.named;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/**
 * {@code ForkJoinPool}s: construction, and each worker's start (the common pool is found that way).
 */
final class ForkJoinPoolInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.EXECUTOR;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named("java.util.concurrent.ForkJoinPool");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        executorCreated(constructor()), executorWorkerStarted(named("runWorker").arguments(1)));
  }
}
