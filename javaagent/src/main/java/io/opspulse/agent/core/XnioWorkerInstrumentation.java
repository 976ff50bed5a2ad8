package io.opspulse.agent.core;

import static io.opspulse.agent.core.CommonAdvice.executorCreated;
import static io.opspulse.agent.core.MethodSpec.constructor;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/**
 * Undertow's XNIO worker, whose task pool runs its blocking (servlet) requests: registered at
 * construction (every worker, NIO's included, goes through this constructor) and read through its
 * management bean.
 */
final class XnioWorkerInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.EXECUTOR;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named("org.xnio.XnioWorker");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        executorCreated(constructor().arguments(1).argument(0, "org.xnio.XnioWorker$Builder")));
  }
}
