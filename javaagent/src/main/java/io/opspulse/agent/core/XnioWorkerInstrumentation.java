package io.opspulse.agent.core;

import static io.opspulse.agent.core.MethodSpec.constructor;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/**
 * Undertow's XNIO worker, whose task pool runs its blocking (servlet) requests: registered at
 * construction (every worker, NIO's included, goes through this constructor) and read through its
 * management bean. A worker made before ByteBuddy is ready (an Undertow started from {@code main}
 * at once) gets the same call woven early.
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
        on(
                constructor().arguments(1).argument(0, "org.xnio.XnioWorker$Builder"),
                "ExecutorConstructorAdvice")
            .early(EarlyHook.EXECUTOR_CREATED));
  }
}
