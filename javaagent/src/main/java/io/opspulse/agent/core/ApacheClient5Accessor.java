package io.opspulse.agent.core;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.jspecify.annotations.Nullable;

/**
 * Reads one exchange of Apache HttpClient 5: the classic client's {@code doExecute(HttpHost,
 * ClassicHttpRequest, HttpContext)} (the target host, else the request's own scheme and authority;
 * the method; the response code) and the async client's {@code executeImmediate} (the method and
 * the target host of the exec chain's route). The handles are on httpcore5's and httpclient5's API
 * types as the class loader of the objects passed sees them, looked up once per runtime class.
 */
final class ApacheClient5Accessor {
  private static final String HTTP_REQUEST = "org.apache.hc.core5.http.HttpRequest";
  private static final String HTTP_HOST = "org.apache.hc.core5.http.HttpHost";
  private static final String HTTP_RESPONSE = "org.apache.hc.core5.http.HttpResponse";
  private static final String HTTP_ROUTE = "org.apache.hc.client5.http.HttpRoute";
  private static final String EXEC_SCOPE = "org.apache.hc.client5.http.async.AsyncExecChain$Scope";
  private static final String EXEC_CALLBACK = "org.apache.hc.client5.http.async.AsyncExecCallback";

  private static final ClassValue<@Nullable ApacheClient5Accessor> BY_CLASS =
      new ClassValue<>() {
        @Override
        protected @Nullable ApacheClient5Accessor computeValue(Class<?> type) {
          try {
            for (String name : new String[] {HTTP_REQUEST, HTTP_HOST, HTTP_RESPONSE}) {
              Class<?> api = ApiTypes.find(type, name);
              if (api != null) {
                return new ApacheClient5Accessor(api);
              }
            }
            return null;
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                "cannot read the Apache HttpClient 5 API of " + type.getName(), e);
          }
        }
      };

  /** An async exec chain's scope class: its route field, and the route's target host. */
  private record ScopeRoute(MethodHandle route, MethodHandle targetHost) {
    @Nullable Object target(Object scope) throws Throwable {
      Object r = route.invokeExact(scope);
      return r == null ? null : targetHost.invokeExact(r);
    }
  }

  private static final ClassValue<@Nullable ScopeRoute> SCOPE_ROUTE =
      ApiTypes.perClass(
          EXEC_SCOPE,
          scope -> {
            Class<?> route = ApiTypes.sibling(scope, HTTP_ROUTE);
            // A public final field of a public class: HttpClient offers no other way to the route.
            MethodHandle field =
                MethodHandles.publicLookup()
                    .findGetter(scope, "route", route)
                    .asType(MethodType.methodType(Object.class, Object.class));
            return new ScopeRoute(
                field, ApiTypes.getter(route, "getTargetHost", ApiTypes.sibling(route, HTTP_HOST)));
          });

  private static final ClassValue<@Nullable Class<?>> CALLBACK_TYPE =
      ApiTypes.perClass(EXEC_CALLBACK, api -> api);

  private final MethodHandle method;
  private final MethodHandle scheme;
  private final MethodHandle authority;
  private final MethodHandle authorityHost;
  private final MethodHandle authorityPort;
  private final MethodHandle schemeName;
  private final MethodHandle hostName;
  private final MethodHandle port;
  private final MethodHandle code;

  private ApacheClient5Accessor(Class<?> peer) throws ReflectiveOperationException {
    Class<?> request = ApiTypes.sibling(peer, HTTP_REQUEST);
    Class<?> host = ApiTypes.sibling(peer, HTTP_HOST);
    Class<?> response = ApiTypes.sibling(peer, HTTP_RESPONSE);
    Class<?> uriAuthority = ApiTypes.sibling(peer, "org.apache.hc.core5.net.URIAuthority");
    method = ApiTypes.getter(request, "getMethod", String.class);
    scheme = ApiTypes.getter(request, "getScheme", String.class);
    authority = ApiTypes.getter(request, "getAuthority", uriAuthority);
    authorityHost = ApiTypes.getter(uriAuthority, "getHostName", String.class);
    authorityPort = ApiTypes.getter(uriAuthority, "getPort", int.class);
    schemeName = ApiTypes.getter(host, "getSchemeName", String.class);
    hostName = ApiTypes.getter(host, "getHostName", String.class);
    port = ApiTypes.getter(host, "getPort", int.class);
    code = ApiTypes.getter(response, "getCode", int.class);
  }

  /**
   * The accessor for these objects' API, found from the request (else the target, else the
   * response: a call may pass null for any of them); null when none is Apache HttpClient 5's.
   */
  static @Nullable ApacheClient5Accessor of(
      @Nullable Object target, @Nullable Object request, @Nullable Object response) {
    Object any = request != null ? request : target != null ? target : response;
    return any == null ? null : BY_CLASS.get(any.getClass());
  }

  /**
   * The async client's exchange about to run: the request's method, the scope's route's target (the
   * status comes later, to the callback); null when the scope has no route.
   */
  static @Nullable ClientCall asyncCall(Object request, Object scope) throws Throwable {
    ScopeRoute route = SCOPE_ROUTE.get(scope.getClass());
    Object target = route == null ? null : route.target(scope);
    ApacheClient5Accessor accessor = target == null ? null : of(target, request, null);
    return accessor == null ? null : accessor.read(target, request, null);
  }

  /** AsyncExecCallback as {@code callback}'s class loader sees it, or null when it is none. */
  static @Nullable Class<?> callbackType(Object callback) {
    return CALLBACK_TYPE.get(callback.getClass());
  }

  /**
   * The exchange; without a target the request's scheme and authority name the server (a request
   * made from an absolute URI carries them).
   */
  ClientCall read(@Nullable Object target, @Nullable Object request, @Nullable Object response)
      throws Throwable {
    String s = null;
    String host = null;
    int p = -1;
    if (target != null) {
      s = (String) schemeName.invokeExact(target);
      host = (String) hostName.invokeExact(target);
      p = (int) port.invokeExact(target);
    } else if (request != null) {
      s = (String) scheme.invokeExact(request);
      Object a = authority.invokeExact(request);
      if (a != null) {
        host = (String) authorityHost.invokeExact(a);
        p = (int) authorityPort.invokeExact(a);
      }
    }
    String m = request == null ? null : (String) method.invokeExact(request);
    int status = response == null ? 0 : (int) code.invokeExact(response);
    return new ClientCall(m, s, host, p, status);
  }
}
