package io.opspulse.agent.core;

import static io.opspulse.agent.core.HookArg.CLASS_NAME;
import static io.opspulse.agent.core.HookArg.ENTER;
import static io.opspulse.agent.core.HookArg.THIS;
import static io.opspulse.agent.core.HookArg.THROWN;
import static io.opspulse.agent.core.HookCall.call;

import io.opspulse.agent.core.TypeInstrumentation.MethodAdvice;

/**
 * The advice several instrumentations share: registering a thread pool or connection pool where it
 * is made, a worker's start and a rejection, a pool's close and a caller's wait for a connection.
 */
final class CommonAdvice {
  private CommonAdvice() {}

  /** {@code Hooks.executorCreated(this)} as the constructor returns. */
  static MethodAdvice executorCreated(MethodSpec constructors) {
    return MethodAdvice.on(constructors).exit(call("executorCreated", THIS));
  }

  /** {@code Hooks.executorWorkerStarted(this)} as a worker starts running tasks. */
  static MethodAdvice executorWorkerStarted(MethodSpec methods) {
    return MethodAdvice.on(methods).enter(call("executorWorkerStarted", THIS));
  }

  /** {@code Hooks.executorRejected(this)} as a task is rejected. */
  static MethodAdvice executorRejected(MethodSpec methods) {
    return MethodAdvice.on(methods).enter(call("executorRejected", THIS));
  }

  /** {@code Hooks.connectionPoolOpened(class name, this)} once the pool is started. */
  static MethodAdvice poolOpened(MethodSpec methods) {
    return MethodAdvice.on(methods).exit(call("connectionPoolOpened", CLASS_NAME, THIS));
  }

  /** {@code Hooks.connectionPoolClosed(this)} once the pool's close returns or throws. */
  static MethodAdvice poolClosed(MethodSpec methods) {
    return MethodAdvice.on(methods).exitOrThrow(call("connectionPoolClosed", THIS));
  }

  /** The time a caller waits in the pool for a connection, failed waits included. */
  static MethodAdvice connectionWait(MethodSpec methods) {
    return MethodAdvice.on(methods)
        .enter(call("connectionWaitEnter").returningEnterValue())
        .exitOrThrow(call("connectionWaitExit", ENTER, THIS, THROWN));
  }
}
