package io.opspulse.agent.core;

import static io.opspulse.agent.core.InstalledRecorder.HTTP_SERVER;
import static io.opspulse.testkit.exposition.ExpositionAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.agent.bootstrap.Hooks;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.exposition.Exposition;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Spring WebFlux's hook on a real WebFlux server (Reactor Netty) whose Spring and Reactor live in a
 * class loader of their own, as an application's: its WebHandler makes the call the agent weaves
 * into {@code ExceptionHandlingWebHandler.handle}'s exit and returns the Mono the hook gives back.
 */
class WebFluxHooksTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static URLClassLoader application;
  private static Object server;
  private static int port;

  private final InstalledRecorder agent = new InstalledRecorder();

  @BeforeAll
  static void startServer() throws Exception {
    String spring = IsolatedLibraries.pomProperty("spring-framework.version");
    // The test JVM's classpath leaves Spring out (its applications run with their own).
    application =
        IsolatedLibraries.loader(
            Mono.class,
            "io.projectreactor",
            "org.springframework:spring-core:" + spring,
            "org.springframework:spring-beans:" + spring,
            "org.springframework:spring-context:" + spring,
            "org.springframework:spring-aop:" + spring,
            "org.springframework:spring-expression:" + spring,
            "org.springframework:spring-web:" + spring,
            "org.springframework:spring-webflux:" + spring,
            "io.micrometer:micrometer-observation",
            "io.micrometer:micrometer-commons",
            "commons-logging:commons-logging");
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(application);
    try {
      Object httpHandler =
          call(
              call(
                  type("org.springframework.web.server.adapter.WebHttpHandlerBuilder"),
                  "webHandler",
                  woven(webHandler())),
              "build");
      Object adapter =
          type("org.springframework.http.server.reactive.ReactorHttpHandlerAdapter")
              .getConstructor(type("org.springframework.http.server.reactive.HttpHandler"))
              .newInstance(httpHandler);
      Class<?> httpServer = type("reactor.netty.http.server.HttpServer");
      Object s = httpServer.getMethod("create").invoke(null);
      s = httpServer.getMethod("host", String.class).invoke(s, "127.0.0.1");
      s = httpServer.getMethod("port", int.class).invoke(s, 0);
      s = httpServer.getMethod("handle", java.util.function.BiFunction.class).invoke(s, adapter);
      server = type("reactor.netty.transport.ServerTransport").getMethod("bindNow").invoke(s);
      port = (int) type("reactor.netty.DisposableServer").getMethod("port").invoke(server);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      type("reactor.netty.DisposableServer").getMethod("disposeNow").invoke(server);
    }
    application.close();
  }

  @AfterEach
  void uninstall() {
    agent.close();
  }

  /** The application's handler: answers 201 with an empty body, or 404 under /missing. */
  private static Object webHandler() throws ClassNotFoundException {
    return handler(
        exchange -> {
          Object request = call(exchange, "getRequest");
          String path = String.valueOf(call(request, "getURI"));
          int status = path.contains("/missing") ? 404 : 201;
          Object code =
              type("org.springframework.http.HttpStatusCode")
                  .getMethod("valueOf", int.class)
                  .invoke(null, status);
          type("org.springframework.http.server.reactive.ServerHttpResponse")
              .getMethod("setStatusCode", type("org.springframework.http.HttpStatusCode"))
              .invoke(call(exchange, "getResponse"), code);
          return type("reactor.core.publisher.Mono").getMethod("empty").invoke(null);
        });
  }

  /** {@code handler} with the agent's woven exit: it returns the Mono the hook returns. */
  private static Object woven(Object handler) throws ReflectiveOperationException {
    Method handle =
        type("org.springframework.web.server.WebHandler")
            .getMethod("handle", type("org.springframework.web.server.ServerWebExchange"));
    return handler(exchange -> Hooks.webFluxHandled(exchange, handle.invoke(handler, exchange)));
  }

  private interface Handle {
    Object apply(Object exchange) throws Exception;
  }

  private static Object handler(Handle handle) throws ClassNotFoundException {
    Class<?> webHandler = type("org.springframework.web.server.WebHandler");
    return Proxy.newProxyInstance(
        application,
        new Class<?>[] {webHandler},
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "equals":
              return proxy == args[0];
            case "hashCode":
              return System.identityHashCode(proxy);
            case "toString":
              return "a WebHandler of the test";
            default:
              break;
          }
          try {
            return handle.apply(args[0]);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private int send(String method, String path) throws Exception {
    return CLIENT
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void theRequestIsRecordedOnceWhenItsMonoEnds() throws Exception {
    assertThat(send("POST", "/orders")).isEqualTo(201);
    assertThat(send("GET", "/missing")).isEqualTo(404);

    Exposition metrics =
        Poll.until(
            "both requests recorded",
            Duration.ofSeconds(30),
            () -> {
              Exposition e = agent.scrape();
              return e.find(HTTP_SERVER + "_count", "http_request_method", "POST").isPresent()
                      && e.find(HTTP_SERVER + "_count", "http_request_method", "GET").isPresent()
                  ? e
                  : null;
            });
    assertThat(agent.errors.count("http-server")).as("errors reading WebFlux").isZero();
    assertThat(metrics).hasHistogram(HTTP_SERVER).hasSeriesCount(2);
    assertThat(metrics)
        .hasHistogram(HTTP_SERVER)
        .withLabels(
            "http_request_method",
            "POST",
            "url_scheme",
            "http",
            "http_response_status_code",
            "201",
            "http_route",
            "")
        .hasCount(1);
    assertThat(metrics)
        .hasHistogram(HTTP_SERVER)
        .withLabels("http_request_method", "GET", "http_response_status_code", "404")
        .hasCount(1);
  }

  @Test
  void whatIsNoExchangeOrNoMonoIsReturnedAsItIs() {
    Mono<Void> handled = Mono.empty();

    assertThat(Hooks.webFluxHandled("no exchange", handled)).isSameAs(handled);
    assertThat(Hooks.webFluxHandled(handled, null)).isNull();
    assertThat(agent.errors.count("http-server")).isZero();
  }

  @Test
  void withoutTheAgentReadyTheMonoIsReturnedAsItIs() {
    agent.close();
    Mono<Void> handled = Mono.empty();

    assertThat(Hooks.webFluxHandled(new Object(), handled)).isSameAs(handled);
  }

  /** Reactor's Mono classes are mostly not public: doFinally is found through Mono itself. */
  @Test
  void doFinallyRunsOnceWithTheSignalThatEndedTheMono() throws Throwable {
    List<Object> signals = new CopyOnWriteArrayList<>();

    Object completed = WebFluxAccessor.doFinally(Mono.just(1).hide(), signals::add);
    assertThat(((Mono<?>) completed).block()).isEqualTo(1);
    Object failed =
        WebFluxAccessor.doFinally(Mono.error(new IllegalStateException()), signals::add);
    assertThat(((Mono<?>) failed).onErrorResume(e -> Mono.empty()).block()).isNull();

    assertThat(signals).map(String::valueOf).containsExactly("onComplete", "onError");
  }

  private static Class<?> type(String name) throws ClassNotFoundException {
    return Class.forName(name, true, application);
  }

  /** {@code target.name()}, a public static or instance method without arguments. */
  private static Object call(Object target, String name, Object... args) throws Exception {
    Class<?> owner = target instanceof Class<?> c ? c : publicType(target.getClass(), name);
    for (Method m : owner.getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == args.length) {
        return m.invoke(target instanceof Class<?> ? null : target, args);
      }
    }
    throw new NoSuchMethodException(owner.getName() + "." + name);
  }

  /** {@code type} when public, else its public interface that declares {@code name}. */
  private static Class<?> publicType(Class<?> type, String name) throws NoSuchMethodException {
    if (java.lang.reflect.Modifier.isPublic(type.getModifiers())) {
      return type;
    }
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Class<?> i : c.getInterfaces()) {
        for (Method m : i.getMethods()) {
          if (m.getName().equals(name)) {
            return i;
          }
        }
      }
    }
    throw new NoSuchMethodException(type.getName() + "." + name);
  }
}
