package io.opspulse.agent.core;

import java.lang.invoke.MethodHandle;
import org.jspecify.annotations.Nullable;

/**
 * Reads one OkHttp call (3.14 and 4; Kotlin's properties are plain methods there): the call's own
 * request's method and URL, and the response code. The handles are on OkHttp's classes as the
 * request's class loader sees them, looked up once per request class.
 */
final class OkHttpAccessor {
  private static final ClassValue<@Nullable OkHttpAccessor> BY_REQUEST_CLASS =
      ApiTypes.perClass("okhttp3.Request", OkHttpAccessor::new);

  private final MethodHandle url;
  private final MethodHandle method;
  private final MethodHandle scheme;
  private final MethodHandle host;
  private final MethodHandle port;
  private final MethodHandle code;

  private OkHttpAccessor(Class<?> request) throws ReflectiveOperationException {
    Class<?> httpUrl = ApiTypes.sibling(request, "okhttp3.HttpUrl");
    Class<?> response = ApiTypes.sibling(request, "okhttp3.Response");
    url = ApiTypes.getter(request, "url", httpUrl);
    method = ApiTypes.getter(request, "method", String.class);
    scheme = ApiTypes.getter(httpUrl, "scheme", String.class);
    host = ApiTypes.getter(httpUrl, "host", String.class);
    port = ApiTypes.getter(httpUrl, "port", int.class);
    code = ApiTypes.getter(response, "code", int.class);
  }

  /** The accessor for this request's OkHttp, or null when it is no {@code okhttp3.Request}. */
  static @Nullable OkHttpAccessor of(Object request) {
    return request == null ? null : BY_REQUEST_CLASS.get(request.getClass());
  }

  /** The call; OkHttp's URL always names a port (the scheme's default where the URL left it). */
  ClientCall read(Object request, @Nullable Object response) throws Throwable {
    Object u = url.invokeExact(request);
    return new ClientCall(
        (String) method.invokeExact(request),
        (String) scheme.invokeExact(u),
        (String) host.invokeExact(u),
        (int) port.invokeExact(u),
        response == null ? 0 : (int) code.invokeExact(response));
  }
}
