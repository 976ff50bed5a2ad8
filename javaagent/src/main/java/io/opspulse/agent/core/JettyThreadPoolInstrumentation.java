package io.opspulse.agent.core;

import static io.opspulse.agent.core.CommonAdvice.executorCreated;
import static io.opspulse.agent.core.MethodSpec.constructor;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/**
 * Jetty's {@code QueuedThreadPool}: named by itself, not by its threads, so registered at
 * construction.
 */
final class JettyThreadPoolInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.EXECUTOR;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named("org.eclipse.jetty.util.thread.QueuedThreadPool");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(executorCreated(constructor()));
  }
}
