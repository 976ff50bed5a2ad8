package io.opspulse.agent.core;

import static io.opspulse.agent.core.HookArg.ENTER;
import static io.opspulse.agent.core.HookArg.RETURNED;
import static io.opspulse.agent.core.HookArg.THROWN;
import static io.opspulse.agent.core.HookArg.field;
import static io.opspulse.agent.core.HookCall.call;
import static io.opspulse.agent.core.TypeInstrumentation.MethodAdvice.on;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.List;

/**
 * OkHttp 4 and 3.14: the call's interceptor chain, which {@code execute()} and {@code enqueue()}
 * both run (OkHttp 4's Kotlin name carries a suffix, hence the prefix).
 */
final class OkHttpInstrumentation implements TypeInstrumentation {
  @Override
  public Instrumentation setting() {
    return Instrumentation.HTTP_CLIENT;
  }

  @Override
  public TypeTarget target() {
    return TypeTarget.named("okhttp3.internal.connection.RealCall", "okhttp3.RealCall");
  }

  @Override
  public List<MethodAdvice> advice() {
    return List.of(
        on(MethodSpec.nameStartsWith("getResponseWithInterceptorChain").arguments(0))
            .enter(call("clientEnter").returningEnterValue())
            .exitOrThrow(
                call(
                    "okHttpExit",
                    ENTER,
                    field("originalRequest", "Lokhttp3/Request;"),
                    RETURNED,
                    THROWN)));
  }
}
