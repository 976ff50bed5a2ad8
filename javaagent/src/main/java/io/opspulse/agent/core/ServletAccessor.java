package io.opspulse.agent.core;

import java.lang.invoke.MethodHandle;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads a servlet request and its response through the servlet API of their own class loader, javax
 * or jakarta: the one implementation behind the one servlet advice. The API types differ only in
 * their package, so one accessor per namespace and loader (found from the request's class, cached
 * on it) holds the handles.
 */
final class ServletAccessor {
  private static final ClassValue<@Nullable ServletAccessor> BY_REQUEST_CLASS =
      new ClassValue<>() {
        @Override
        protected @Nullable ServletAccessor computeValue(Class<?> type) {
          try {
            return forRequestClass(type);
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the servlet API of " + type.getName(), e);
          }
        }
      };

  /** What one request was, for the metrics. */
  record Request(String method, String scheme, @Nullable String route, int status) {}

  private final @Nullable MethodHandle dispatcherType;
  private final MethodHandle method;
  private final MethodHandle scheme;
  private final MethodHandle contextPath;
  private final MethodHandle attribute;
  private final @Nullable MethodHandle mapping; // null before Servlet 4
  private final @Nullable MethodHandle mappingMatch;
  private final @Nullable MethodHandle mappingPattern;
  private final @Nullable MethodHandle status;

  private ServletAccessor(Class<?> request, Class<?> response, @Nullable Class<?> mappingType)
      throws ReflectiveOperationException {
    dispatcherType = dispatcherTypeGetter(request);
    method = ApiTypes.getter(request, "getMethod", String.class);
    scheme = ApiTypes.getter(request, "getScheme", String.class);
    contextPath = ApiTypes.getter(request, "getContextPath", String.class);
    attribute = ApiTypes.stringArgument(request, "getAttribute", Object.class);
    mapping =
        mappingType == null
            ? null
            : ApiTypes.optionalGetter(request, "getHttpServletMapping", mappingType);
    // mapping is read only where the mapping type exists; the check says so to the null checker.
    mappingMatch =
        mapping == null || mappingType == null
            ? null
            : ApiTypes.optionalGetter(
                mappingType,
                "getMappingMatch",
                ApiTypes.sibling(request, packageOf(request) + ".http.MappingMatch"));
    mappingPattern =
        mapping == null || mappingType == null
            ? null
            : ApiTypes.getter(mappingType, "getPattern", String.class);
    status = ApiTypes.optionalGetter(response, "getStatus", int.class);
  }

  /** Null before Servlet 3, which had no dispatcher types (every call was the request's own). */
  private static @Nullable MethodHandle dispatcherTypeGetter(Class<?> request)
      throws IllegalAccessException {
    try {
      return ApiTypes.optionalGetter(
          request,
          "getDispatcherType",
          ApiTypes.sibling(request, packageOf(request) + ".DispatcherType"));
    } catch (ClassNotFoundException olderThanServlet3) {
      return null;
    }
  }

  /** The accessor for this request's API, or null when it is not an HttpServletRequest. */
  static @Nullable ServletAccessor of(Object request) {
    return request == null ? null : BY_REQUEST_CLASS.get(request.getClass());
  }

  private static @Nullable ServletAccessor forRequestClass(Class<?> type)
      throws ReflectiveOperationException {
    for (String ns : new String[] {"jakarta.servlet", "javax.servlet"}) {
      Class<?> request = ApiTypes.find(type, ns + ".http.HttpServletRequest");
      if (request != null) {
        Class<?> response = ApiTypes.sibling(request, ns + ".http.HttpServletResponse");
        Class<?> mappingType;
        try {
          mappingType = ApiTypes.sibling(request, ns + ".http.HttpServletMapping");
        } catch (ClassNotFoundException olderThanServlet4) {
          mappingType = null;
        }
        return new ServletAccessor(request, response, mappingType);
      }
    }
    return null;
  }

  /** "jakarta.servlet" for jakarta.servlet.http.HttpServletRequest. */
  private static String packageOf(Class<?> request) {
    String http = request.getPackageName();
    return http.substring(0, http.length() - ".http".length());
  }

  /**
   * The request as measured, once the application's handling returned; null when this call is not a
   * request of its own: a forward or an error page's dispatch runs within the request already
   * counted.
   */
  @Nullable Request read(Object request, @Nullable Object response) throws Throwable {
    if (dispatcherType != null
        && !"REQUEST".equals(ApiTypes.enumName(dispatcherType.invokeExact(request)))) {
      return null;
    }
    int code = 0;
    if (status != null) {
      try {
        code = (int) status.invokeExact(response);
      } catch (ClassCastException notHttp) {
        code = 0;
      }
    }
    String match = null;
    String pattern = null;
    if (mapping != null) {
      Object m = mapping.invokeExact(request);
      if (m != null) {
        match = mappingMatch == null ? null : ApiTypes.enumName(mappingMatch.invokeExact(m));
        pattern =
            (String)
                Objects.requireNonNull(mappingPattern, "read together with mapping").invokeExact(m);
      }
    }
    Object framework = attribute.invokeExact(request, HttpRoutes.SPRING_MVC_PATTERN);
    if (framework == null
        && attribute.invokeExact(request, HttpRoutes.JAX_RS_TEMPLATES) instanceof String[] t) {
      framework = HttpRoutes.jaxRs(t);
    }
    String context = (String) contextPath.invokeExact(request);
    String route = HttpRoutes.servlet(context, match, pattern, framework, code);
    return new Request(
        (String) method.invokeExact(request), (String) scheme.invokeExact(request), route, code);
  }
}
