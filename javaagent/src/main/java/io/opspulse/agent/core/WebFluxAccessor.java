package io.opspulse.agent.core;

import java.lang.invoke.MethodHandle;
import org.jspecify.annotations.Nullable;

/**
 * Reads a Spring WebFlux {@code ServerWebExchange} once its handling ended: the best-matching
 * pattern Spring recorded and the response status. Method handles are looked up once per exchange
 * class.
 */
final class WebFluxAccessor {
  private static final ClassValue<WebFluxAccessor> BY_EXCHANGE_CLASS =
      new ClassValue<>() {
        @Override
        protected @Nullable WebFluxAccessor computeValue(Class<?> type) {
          try {
            Class<?> exchange =
                ApiTypes.find(type, "org.springframework.web.server.ServerWebExchange");
            return exchange == null ? null : new WebFluxAccessor(exchange);
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                "cannot read the Spring WebFlux API of " + type.getName(), e);
          }
        }
      };

  /**
   * ExceptionHandlingWebHandler.HANDLED_WEB_EXCEPTION's value: its simple name and
   * ".handledException".
   */
  static final String HANDLED_ERROR = "ExceptionHandlingWebHandler.handledException";

  private final MethodHandle attribute;
  private final MethodHandle response;
  private final MethodHandle statusCode;
  private final MethodHandle value;

  private WebFluxAccessor(Class<?> exchange) throws ReflectiveOperationException {
    Class<?> responseType =
        ApiTypes.sibling(exchange, "org.springframework.http.server.reactive.ServerHttpResponse");
    Class<?> statusType = ApiTypes.sibling(exchange, "org.springframework.http.HttpStatusCode");
    attribute = ApiTypes.stringArgument(exchange, "getAttribute", Object.class);
    response = ApiTypes.getter(exchange, "getResponse", responseType);
    statusCode = ApiTypes.getter(responseType, "getStatusCode", statusType);
    value = ApiTypes.getter(statusType, "value", int.class);
  }

  static @Nullable WebFluxAccessor of(Object exchange) {
    return exchange == null ? null : BY_EXCHANGE_CLASS.get(exchange.getClass());
  }

  /** The response status; 200 when none was set (what the response commits with). */
  int status(Object exchange) throws Throwable {
    Object code = statusCode.invokeExact(response.invokeExact(exchange));
    return code == null ? 200 : (int) value.invokeExact(code);
  }

  /**
   * The exception the application's error handlers answered (Spring 6.1+ keeps it on the exchange
   * as {@code ExceptionHandlingWebHandler.HANDLED_WEB_EXCEPTION}), or null.
   */
  @Nullable Throwable handledError(Object exchange) throws Throwable {
    return attribute.invokeExact(exchange, HANDLED_ERROR) instanceof Throwable t ? t : null;
  }

  /** The route Spring matched (a PathPattern), or null. */
  @Nullable String route(Object exchange, int status) throws Throwable {
    return HttpRoutes.webFlux(
        attribute.invokeExact(exchange, HttpRoutes.SPRING_WEBFLUX_PATTERN), status);
  }
}
