package io.opspulse.agent.core;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Stands in for an asynchronous HTTP client's exchange callback (Apache HttpClient 5's {@code
 * AsyncExecCallback}) to see the exchange end: the response head's status, then completion or
 * failure. A JDK proxy of the library's own interface, because the agent defines no class in the
 * application's loaders; every call is passed on to the library's callback unchanged.
 */
final class AsyncClientCallback implements InvocationHandler {
  private static final String HTTP_RESPONSE = "org.apache.hc.core5.http.HttpResponse";
  private static final ClassValue<MethodHandle> STATUS =
      new ClassValue<>() {
        @Override
        protected @Nullable MethodHandle computeValue(Class<?> type) {
          Class<?> api = ApiTypes.find(type, HTTP_RESPONSE);
          try {
            return api == null ? null : ApiTypes.getter(api, "getCode", int.class);
          } catch (ReflectiveOperationException e) {
            return null;
          }
        }
      };

  /** Where an exchange's end goes: the final status (0 for none) and the failure, if any. */
  interface Outcome {
    void ended(int status, @Nullable Throwable error);
  }

  private final Object delegate;
  private final Outcome outcome;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile int status;

  private AsyncClientCallback(Object delegate, Outcome outcome) {
    this.delegate = delegate;
    this.outcome = outcome;
  }

  static Object wrap(Object callback, Class<?> callbackType, Outcome outcome) {
    return Proxy.newProxyInstance(
        callbackType.getClassLoader(),
        new Class<?>[] {callbackType},
        new AsyncClientCallback(callback, outcome));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> "measured " + delegate;
      };
    }
    int arguments = args == null ? 0 : args.length;
    try {
      if (method.getName().equals("handleResponse") && arguments == 2 && args[0] != null) {
        MethodHandle code = STATUS.get(args[0].getClass());
        if (code != null) {
          status = (int) code.invokeExact(args[0]);
        }
      }
    } catch (Throwable t) {
      // the status is missing from this one measurement; the exchange goes on as the library runs
      // it
    }
    try {
      return method.invoke(delegate, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    } finally {
      if (method.getName().equals("completed") && arguments == 0) {
        end(status, null);
      } else if (method.getName().equals("failed") && arguments == 1) {
        end(0, args[0] instanceof Throwable t ? t : new CancellationException());
      }
    }
  }

  private void end(int finalStatus, @Nullable Throwable error) {
    if (ended.compareAndSet(false, true)) {
      outcome.ended(finalStatus, error);
    }
  }
}
