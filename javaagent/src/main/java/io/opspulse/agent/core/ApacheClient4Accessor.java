package io.opspulse.agent.core;

import java.lang.invoke.MethodHandle;
import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * Reads one exchange of Apache HttpClient 4's classic client ({@code doExecute(HttpHost,
 * HttpRequest, HttpContext)}): the target host, else the request's absolute URI; the request line's
 * method; the status line's code. The handles are on httpcore's API types as the class loader of
 * the objects passed sees them, looked up once per runtime class.
 */
final class ApacheClient4Accessor {
  private static final String HTTP_REQUEST = "org.apache.http.HttpRequest";
  private static final String HTTP_HOST = "org.apache.http.HttpHost";
  private static final String HTTP_RESPONSE = "org.apache.http.HttpResponse";

  /** httpclient's, not httpcore's: found on the request's own class, which may not implement it. */
  private static final String HTTP_URI_REQUEST = "org.apache.http.client.methods.HttpUriRequest";

  private static final ClassValue<@Nullable ApacheClient4Accessor> BY_CLASS =
      new ClassValue<>() {
        @Override
        protected @Nullable ApacheClient4Accessor computeValue(Class<?> type) {
          try {
            for (String name : new String[] {HTTP_REQUEST, HTTP_HOST, HTTP_RESPONSE}) {
              Class<?> api = ApiTypes.find(type, name);
              if (api != null) {
                return new ApacheClient4Accessor(api, ApiTypes.find(type, HTTP_URI_REQUEST));
              }
            }
            return null;
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                "cannot read the Apache HttpClient 4 API of " + type.getName(), e);
          }
        }
      };

  private final MethodHandle requestLine;
  private final MethodHandle method;
  private final MethodHandle schemeName;
  private final MethodHandle hostName;
  private final MethodHandle port;
  private final MethodHandle statusLine;
  private final MethodHandle statusCode;
  private final @Nullable MethodHandle uri;

  private ApacheClient4Accessor(Class<?> peer, @Nullable Class<?> uriRequest)
      throws ReflectiveOperationException {
    Class<?> request = ApiTypes.sibling(peer, HTTP_REQUEST);
    Class<?> host = ApiTypes.sibling(peer, HTTP_HOST);
    Class<?> response = ApiTypes.sibling(peer, HTTP_RESPONSE);
    Class<?> line = ApiTypes.sibling(peer, "org.apache.http.RequestLine");
    Class<?> status = ApiTypes.sibling(peer, "org.apache.http.StatusLine");
    requestLine = ApiTypes.getter(request, "getRequestLine", line);
    method = ApiTypes.getter(line, "getMethod", String.class);
    schemeName = ApiTypes.getter(host, "getSchemeName", String.class);
    hostName = ApiTypes.getter(host, "getHostName", String.class);
    port = ApiTypes.getter(host, "getPort", int.class);
    statusLine = ApiTypes.getter(response, "getStatusLine", status);
    statusCode = ApiTypes.getter(status, "getStatusCode", int.class);
    uri = uriRequest == null ? null : ApiTypes.getter(uriRequest, "getURI", URI.class);
  }

  /**
   * The accessor for these objects' API, found from the request (else the target, else the
   * response: a call may pass null for any of them); null when none is Apache HttpClient 4's.
   */
  static @Nullable ApacheClient4Accessor of(
      @Nullable Object target, @Nullable Object request, @Nullable Object response) {
    Object any = request != null ? request : target != null ? target : response;
    return any == null ? null : BY_CLASS.get(any.getClass());
  }

  /** The exchange; without a target the request's URI names the server, as HttpClient reads it. */
  ClientCall read(@Nullable Object target, @Nullable Object request, @Nullable Object response)
      throws Throwable {
    String scheme = null;
    String host = null;
    int p = -1;
    if (target != null) {
      scheme = (String) schemeName.invokeExact(target);
      host = (String) hostName.invokeExact(target);
      p = (int) port.invokeExact(target);
    } else if (request != null && uri != null) {
      Object u = uri.invokeExact(request);
      if (u instanceof URI absolute) {
        scheme = absolute.getScheme();
        host = absolute.getHost();
        p = absolute.getPort();
      }
    }
    String m = null;
    if (request != null) {
      Object line = requestLine.invokeExact(request);
      m = line == null ? null : (String) method.invokeExact(line);
    }
    int code = 0;
    if (response != null) {
      Object line = statusLine.invokeExact(response);
      code = line == null ? 0 : (int) statusCode.invokeExact(line);
    }
    return new ClientCall(m, scheme, host, p, code);
  }
}
