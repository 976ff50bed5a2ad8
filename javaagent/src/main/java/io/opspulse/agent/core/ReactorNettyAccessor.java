package io.opspulse.agent.core;

import java.lang.invoke.MethodHandle;
import org.jspecify.annotations.Nullable;

/**
 * Reads Reactor Netty's client operations ({@code HttpClientOperations}, through the public {@code
 * HttpClientInfos}: the method's name and the absolute resource URL) and the inbound messages that
 * pass them (Netty's {@code HttpResponse}: the status code). The handles are looked up once per
 * runtime class, on the API types as that class's loader sees them.
 */
final class ReactorNettyAccessor {
  private static final ClassValue<@Nullable ReactorNettyAccessor> BY_OPERATIONS_CLASS =
      ApiTypes.perClass("reactor.netty.http.client.HttpClientInfos", ReactorNettyAccessor::new);

  /** The response head's status, per message class; null for every other message (its body). */
  private record Status(MethodHandle status, MethodHandle code) {
    int of(Object response) throws Throwable {
      return (int) code.invokeExact(status.invokeExact(response));
    }
  }

  private static final ClassValue<@Nullable Status> BY_MESSAGE_CLASS =
      ApiTypes.perClass(
          "io.netty.handler.codec.http.HttpResponse",
          response -> {
            Class<?> status =
                ApiTypes.sibling(response, "io.netty.handler.codec.http.HttpResponseStatus");
            return new Status(
                ApiTypes.getter(response, "status", status),
                ApiTypes.getter(status, "code", int.class));
          });

  private final MethodHandle method;
  private final MethodHandle methodName;
  private final MethodHandle resourceUrl;

  private ReactorNettyAccessor(Class<?> infos) throws ReflectiveOperationException {
    Class<?> httpMethod = ApiTypes.sibling(infos, "io.netty.handler.codec.http.HttpMethod");
    method = ApiTypes.getter(infos, "method", httpMethod);
    methodName = ApiTypes.getter(httpMethod, "name", String.class);
    resourceUrl = ApiTypes.getter(infos, "resourceUrl", String.class);
  }

  /** The accessor for these operations' Reactor Netty, or null when they are no HttpClientInfos. */
  static @Nullable ReactorNettyAccessor of(Object operations) {
    return operations == null ? null : BY_OPERATIONS_CLASS.get(operations.getClass());
  }

  /** The status of a response head; -1 for any other message (a body's content, say). */
  static int responseStatus(@Nullable Object message) throws Throwable {
    Status status = message == null ? null : BY_MESSAGE_CLASS.get(message.getClass());
    return status == null || message == null ? -1 : status.of(message);
  }

  /** The request's method, as Reactor Netty names it ("GET"). */
  @Nullable String method(Object operations) throws Throwable {
    Object m = method.invokeExact(operations);
    return m == null ? null : (String) methodName.invokeExact(m);
  }

  /** The absolute URL of the request, as Reactor Netty reports it to the caller. */
  @Nullable String url(Object operations) throws Throwable {
    return (String) resourceUrl.invokeExact(operations);
  }
}
