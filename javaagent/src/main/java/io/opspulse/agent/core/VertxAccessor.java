package io.opspulse.agent.core;

import java.lang.invoke.MethodHandle;
import org.jspecify.annotations.Nullable;

/**
 * Reads Vert.x's HTTP server objects (and the Netty request head its HTTP/1.x response is made
 * from) through their public API as their own class loader sees it: the runtime classes are
 * Vert.x's internal ones. Method handles are looked up once per runtime class.
 */
final class VertxAccessor {
  private static final String SERVER_REQUEST = "io.vertx.core.http.HttpServerRequest";
  private static final String SERVER_RESPONSE = "io.vertx.core.http.HttpServerResponse";
  private static final String CONNECTION = "io.vertx.core.http.HttpConnection";
  private static final String NETTY_REQUEST = "io.netty.handler.codec.http.HttpRequest";

  private static final ClassValue<@Nullable ServerRequest> REQUESTS =
      ApiTypes.perClass(SERVER_REQUEST, ServerRequest::new);
  private static final ClassValue<@Nullable MethodHandle> STATUS =
      ApiTypes.perClass(SERVER_RESPONSE, api -> ApiTypes.getter(api, "getStatusCode", int.class));
  private static final ClassValue<@Nullable MethodHandle> SSL =
      ApiTypes.perClass(CONNECTION, api -> ApiTypes.getter(api, "isSsl", boolean.class));
  private static final ClassValue<@Nullable MethodName> NETTY_METHOD =
      ApiTypes.perClass(
          NETTY_REQUEST,
          api ->
              new MethodName(api, ApiTypes.sibling(api, "io.netty.handler.codec.http.HttpMethod")));

  private VertxAccessor() {}

  /** Vert.x's {@code HttpServerRequest}: its response, method and scheme. */
  private static final class ServerRequest {
    final MethodHandle response;
    final MethodName method;
    final MethodHandle scheme;

    ServerRequest(Class<?> api) throws ReflectiveOperationException {
      response = ApiTypes.getter(api, "response", ApiTypes.sibling(api, SERVER_RESPONSE));
      method = new MethodName(api, ApiTypes.sibling(api, "io.vertx.core.http.HttpMethod"));
      scheme = ApiTypes.getter(api, "scheme", String.class);
    }
  }

  /** A request's {@code method().name()}, Vert.x's and Netty's alike. */
  private static final class MethodName {
    final MethodHandle method;
    final MethodHandle name;

    MethodName(Class<?> request, Class<?> methodType) throws ReflectiveOperationException {
      method = ApiTypes.getter(request, "method", methodType);
      name = ApiTypes.getter(methodType, "name", String.class);
    }

    @Nullable String of(Object request) throws Throwable {
      Object m = method.invokeExact(request);
      return m == null ? null : (String) name.invokeExact(m);
    }
  }

  /** A Vert.x HTTP/2 server request: its response (the request's key), method and scheme. */
  record Http2Request(
      @Nullable Object response, @Nullable String method, @Nullable String scheme) {}

  static Http2Request http2Request(Object request) throws Throwable {
    ServerRequest api = get(REQUESTS, request, SERVER_REQUEST);
    return new Http2Request(
        api.response.invokeExact(request),
        api.method.of(request),
        (String) api.scheme.invokeExact(request));
  }

  /** The method of Netty's request head, or null without one. */
  static @Nullable String nettyMethod(@Nullable Object request) throws Throwable {
    return request == null ? null : get(NETTY_METHOD, request, NETTY_REQUEST).of(request);
  }

  /** "https" for a TLS connection, else "http" (no connection too). */
  static String scheme(@Nullable Object connection) throws Throwable {
    return connection != null && (boolean) get(SSL, connection, CONNECTION).invokeExact(connection)
        ? "https"
        : "http";
  }

  /** The status the response was given (200 unless the application set another). */
  static int status(Object response) throws Throwable {
    return (int) get(STATUS, response, SERVER_RESPONSE).invokeExact(response);
  }

  /** What {@code cache} holds for the instance's class; an object of another API is refused. */
  private static <T> T get(ClassValue<@Nullable T> cache, Object instance, String api) {
    T found = cache.get(instance.getClass());
    if (found == null) {
      // An exception, so that the hook reports it.
      throw new IllegalArgumentException(instance.getClass().getName() + " is no " + api);
    }
    return found;
  }
}
