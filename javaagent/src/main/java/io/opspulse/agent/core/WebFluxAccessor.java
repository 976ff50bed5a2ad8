package io.opspulse.agent.core;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URI;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Reads a Spring WebFlux {@code ServerWebExchange}: its request's method and scheme when its
 * handling is set up, and once it ended the best-matching pattern Spring recorded and the response
 * status. Method handles are looked up once per exchange class (and per Mono class for the Mono
 * that ends the request).
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

  /** Reactor's {@code Mono.doFinally(Consumer)} per Mono class, as the Mono's loader sees it. */
  private static final ClassValue<MethodHandle> DO_FINALLY =
      new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
          Class<?> mono = ApiTypes.find(type, "reactor.core.publisher.Mono");
          if (mono == null) {
            throw new IllegalArgumentException(type.getName() + " is no reactor Mono");
          }
          try {
            return MethodHandles.publicLookup()
                .findVirtual(mono, "doFinally", MethodType.methodType(mono, Consumer.class))
                .asType(MethodType.methodType(Object.class, Object.class, Consumer.class));
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read reactor's Mono of " + type.getName(), e);
          }
        }
      };

  private final MethodHandle attribute;
  private final MethodHandle response;
  private final MethodHandle statusCode;
  private final MethodHandle value;
  private final MethodHandle request;
  private final MethodHandle method;
  private final MethodHandle methodName;
  private final MethodHandle uri;

  private WebFluxAccessor(Class<?> exchange) throws ReflectiveOperationException {
    Class<?> responseType =
        ApiTypes.sibling(exchange, "org.springframework.http.server.reactive.ServerHttpResponse");
    Class<?> statusType = ApiTypes.sibling(exchange, "org.springframework.http.HttpStatusCode");
    Class<?> requestType =
        ApiTypes.sibling(exchange, "org.springframework.http.server.reactive.ServerHttpRequest");
    Class<?> methodType = ApiTypes.sibling(exchange, "org.springframework.http.HttpMethod");
    attribute = ApiTypes.stringArgument(exchange, "getAttribute", Object.class);
    response = ApiTypes.getter(exchange, "getResponse", responseType);
    statusCode = ApiTypes.getter(responseType, "getStatusCode", statusType);
    value = ApiTypes.getter(statusType, "value", int.class);
    request = ApiTypes.getter(exchange, "getRequest", requestType);
    method = ApiTypes.getter(requestType, "getMethod", methodType);
    methodName = ApiTypes.getter(methodType, "name", String.class);
    uri = ApiTypes.getter(requestType, "getURI", URI.class);
  }

  static @Nullable WebFluxAccessor of(Object exchange) {
    return exchange == null ? null : BY_EXCHANGE_CLASS.get(exchange.getClass());
  }

  /** The request's method, as the application received it. */
  @Nullable String method(Object exchange) throws Throwable {
    Object m = method.invokeExact(request.invokeExact(exchange));
    return m == null ? null : (String) methodName.invokeExact(m);
  }

  /** The request URI's scheme (http, https). */
  @Nullable String scheme(Object exchange) throws Throwable {
    Object u = uri.invokeExact(request.invokeExact(exchange));
    return u instanceof URI requestUri ? requestUri.getScheme() : null;
  }

  /** {@code mono.doFinally(done)}: the Mono that runs {@code done} when {@code mono} ends. */
  static Object doFinally(Object mono, Consumer<Object> done) throws Throwable {
    return DO_FINALLY.get(mono.getClass()).invokeExact(mono, (Consumer<?>) done);
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
