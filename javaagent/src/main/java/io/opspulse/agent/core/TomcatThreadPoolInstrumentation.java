package io.opspulse.agent.core;

import static io.opspulse.agent.core.CommonAdvice.executorCreated;
import static io.opspulse.agent.core.CommonAdvice.executorRejected;
import static io.opspulse.agent.core.CommonAdvice.executorWorkerStarted;
import static io.opspulse.agent.core.MethodSpec.constructor;
import static io.opspulse.agent.core.MethodSpec.named;

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
        executorCreated(constructor()),
        executorWorkerStarted(named("runWorker").arguments(1)),
        executorRejected(named("reject").arguments(1)));
  }
}
