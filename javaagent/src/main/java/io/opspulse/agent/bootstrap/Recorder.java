package io.opspulse.agent.bootstrap;

import org.jspecify.annotations.Nullable;

/**
 * What the agent does with an observation. Lives on the bootstrap class path together with {@link
 * Hooks}, so it may name only JDK types that the bootstrap loader sees; everything else is passed
 * as Object and cast by the implementation, which lives in the agent's own class loader.
 */
public interface Recorder {
  /** A request whose route the advice knew (or knew there was none: null). */
  void serverRequest(
      long nanos,
      @Nullable String method,
      @Nullable String scheme,
      @Nullable String route,
      int status,
      @Nullable Throwable error,
      int dbStatements);

  /** A javax or jakarta servlet request, read after the application's handling returned. */
  void servletRequest(
      long nanos,
      Object request,
      @Nullable Object response,
      @Nullable Throwable error,
      int dbStatements);

  /**
   * A Spring WebFlux exchange whose handling ended with {@code signal} (reactor's SignalType:
   * onComplete, onError, cancel).
   */
  void reactiveRequest(
      long nanos,
      Object exchange,
      @Nullable String method,
      @Nullable String scheme,
      @Nullable String signal);

  /** A java.net.http exchange that finished: request, response or null, error or null. */
  void httpClientExchange(
      long nanos, Object request, @Nullable Object response, @Nullable Throwable error);

  /** A java.net.http sendAsync call returned this future (a CompletableFuture of HttpResponse). */
  void httpClientAsync(long startNanos, Object request, Object future);

  void urlConnectionExchange(
      long nanos, java.net.HttpURLConnection connection, int status, @Nullable Throwable error);

  void executorCreated(Object executor);

  void executorWorkerStarted(Object executor);

  void executorRejected(Object executor);

  void statementPrepared(Object statement, @Nullable String sql);

  void dbStatement(
      long nanos,
      Object outer,
      @Nullable Object innermost,
      @Nullable String sql,
      @Nullable Throwable error);

  void connectionPoolCreated(Object pool, Object config);

  /**
   * A caller obtained a connection from {@code pool} (or gave up, with {@code error}) after
   * waiting.
   */
  void connectionAcquired(long nanos, Object pool, @Nullable Throwable error);

  /**
   * Called by every constructor of the loader, so the same loader may be reported more than once.
   */
  void restartClassLoaderCreated(Object loader);

  /**
   * A client library's exchange: values as the advice read them; {@code port} -1 for the scheme's
   * default.
   */
  void clientExchange(
      long nanos,
      @Nullable String method,
      @Nullable String scheme,
      @Nullable String host,
      int port,
      int status,
      @Nullable Throwable error);

  void asyncClientStarted(Object exchange, long startNanos);

  /**
   * An asynchronous server's request began (Vert.x: its response was created); ends with {@link
   * #asyncServerFinished}.
   */
  void asyncServerStarted(
      Object exchange, long startNanos, @Nullable String method, @Nullable String scheme);

  /**
   * The response of an exchange begun with {@link #asyncServerStarted} ended; later calls are
   * ignored.
   */
  void asyncServerFinished(Object exchange, long endNanos, int status);

  /**
   * The context a JDK HttpServer exchange runs in, read when its handling begins: its path, or null
   * where it is not measured (the agent's own endpoint).
   */
  @Nullable String httpHandlerContext(Object exchange);

  /** A JDK HttpServer exchange (a {@code com.sun.net.httpserver.HttpExchange}) ended. */
  void httpHandlerRequest(
      long nanos, Object exchange, String context, @Nullable Throwable error, int dbStatements);

  /**
   * Jersey matched and ran {@code containerRequest}: its {@code @Path} templates are to be left on
   * it for {@link #servletRequest}.
   */
  void jerseyMatched(Object containerRequest);

  /** A Vert.x HTTP/2 server request was made: begins a request keyed by its response. */
  void vertxHttp2Request(Object request, long startNanos);

  /**
   * A Vert.x HTTP/1.x server response was made for Netty's {@code request} on {@code connection}:
   * begins a request keyed by the response.
   */
  void vertxResponseCreated(
      Object response, @Nullable Object connection, @Nullable Object request, long startNanos);

  /** A Vert.x server response ended: ends its request with the response's status. */
  void vertxResponseEnd(Object response, long endNanos);

  /**
   * Spring WebFlux handled {@code exchange} with the Mono {@code handled}: returns the Mono that
   * records the request when it ends, or {@code handled} where nothing is measured.
   */
  Object webFluxHandled(Object exchange, Object handled);

  /**
   * An asynchronous client's exchange began at {@code startNanos}; it ends when {@code callback}
   * (of the library's interface {@code callbackType}) is told so. Returns what the library should
   * call instead: a proxy that measures, then passes every call on; {@code callback} itself where
   * nothing is measured.
   */
  Object clientCallback(
      long startNanos,
      Object callback,
      Class<?> callbackType,
      @Nullable String method,
      @Nullable String scheme,
      @Nullable String host,
      int port);

  /**
   * {@code url} absolute; {@code errorType} null on a response. Only the first call per exchange
   * counts.
   */
  void asyncClientFinished(
      Object exchange,
      long endNanos,
      @Nullable String method,
      @Nullable String url,
      int status,
      @Nullable String errorType);

  /**
   * Apache HttpClient 4's classic exchange: the {@code HttpHost} target (null: the request's URI
   * names the server), the {@code HttpRequest}, the {@code HttpResponse} or null.
   */
  void apacheClient4Exchange(
      long nanos,
      @Nullable Object target,
      @Nullable Object request,
      @Nullable Object response,
      @Nullable Throwable error);

  /**
   * Apache HttpClient 5's classic exchange: the {@code HttpHost} target (null: the request's scheme
   * and authority name the server), the {@code ClassicHttpRequest}, the response or null.
   */
  void apacheClient5Exchange(
      long nanos,
      @Nullable Object target,
      @Nullable Object request,
      @Nullable Object response,
      @Nullable Throwable error);

  /**
   * Apache HttpClient 5's async exchange began at {@code startNanos} with this {@code HttpRequest}
   * and {@code AsyncExecChain.Scope}: what the exec chain should call instead of {@code callback}
   * (see {@link #clientCallback}), {@code callback} itself where nothing is measured.
   */
  Object apacheAsyncClient5Callback(long startNanos, Object request, Object scope, Object callback);

  /** An OkHttp call: its original {@code Request}, the {@code Response} or null. */
  void okHttpExchange(
      long nanos, Object request, @Nullable Object response, @Nullable Throwable error);

  /**
   * Reactor Netty's connection closed under {@code operations} (its {@code HttpClientOperations}):
   * ends an exchange begun with {@link #asyncClientStarted} that had no response yet.
   */
  void reactorNettyClosed(Object operations, long endNanos);

  /**
   * Reactor Netty's {@code operations} received {@code message}: a Netty {@code HttpResponse} ends
   * the exchange begun with {@link #asyncClientStarted}; any other message is ignored.
   */
  void reactorNettyResponse(Object operations, long endNanos, Object message);

  /**
   * A pool started, named by its instrumented class (Tomcat JDBC, DBCP2, Agroal); read at each
   * collection until closed.
   */
  void connectionPoolOpened(String poolClass, Object pool);

  void connectionPoolClosed(Object pool);

  void failed(String component, @Nullable Throwable error);
}
