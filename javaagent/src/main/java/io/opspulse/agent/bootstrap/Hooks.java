package io.opspulse.agent.bootstrap;

import org.jspecify.annotations.Nullable;

/**
 * The only class that advice inlined into application and JDK classes calls. It is appended to the
 * bootstrap class path, so every class loader sees this one copy. Its job: keep per-thread nesting
 * state (so that only the outermost call of a chain is measured), read the clock, and hand the rest
 * to the {@link Recorder}. Nothing here may throw into the instrumented code.
 */
public final class Hooks {
  private static volatile @Nullable Recorder recorder;

  private static final ThreadLocal<Frame> FRAME =
      new ThreadLocal<Frame>() {
        @Override
        protected Frame initialValue() {
          return new Frame();
        }
      };

  /** Nesting state of one thread. */
  static final class Frame {
    int serverDepth;
    int dbDepth;
    int dbStatements;
    @Nullable Object dbInnermost;
    int urlConnectionDepth;

    /** The JDK HttpServer context of the outermost exchange on the thread, read on entry. */
    @Nullable String httpContext;
  }

  private Hooks() {}

  public static void install(Recorder r) {
    recorder = r;
  }

  public static boolean installed() {
    return recorder != null;
  }

  // --- HTTP server ---

  /** Start time, or -1 when this call is nested inside another measured request on the thread. */
  public static long serverEnter() {
    if (recorder == null) {
      return -1;
    }
    try {
      Frame f = FRAME.get();
      if (f.serverDepth++ > 0) {
        return -1;
      }
      f.dbStatements = 0;
      return System.nanoTime();
    } catch (Throwable t) {
      return -1;
    }
  }

  /**
   * Must be called once for every {@link #serverEnter()}, nested or not. A null {@code method}
   * means "do not record this one"; a null {@code route} means the server named none.
   */
  public static void serverExit(
      long start,
      @Nullable String method,
      @Nullable String scheme,
      @Nullable String route,
      int status,
      @Nullable Throwable error) {
    Recorder r = recorder;
    if (r == null) {
      return;
    }
    try {
      Frame f = FRAME.get();
      if (f.serverDepth > 0) {
        f.serverDepth--;
      }
      if (start < 0 || method == null) {
        return; // nested, or not an HTTP request we measure (the agent's own endpoint)
      }
      r.serverRequest(
          System.nanoTime() - start, method, scheme, route, status, error, f.dbStatements);
    } catch (Throwable t) {
      failed("http-server", t);
    }
  }

  /**
   * The servlet advice's exit, javax and jakarta alike: the recorder reads request and response
   * through the servlet API of their own class loader. Must be called once for every {@link
   * #serverEnter()}.
   */
  public static void servletExit(
      long start, Object request, @Nullable Object response, @Nullable Throwable error) {
    Recorder r = recorder;
    if (r == null) {
      return;
    }
    try {
      Frame f = FRAME.get();
      if (f.serverDepth > 0) {
        f.serverDepth--;
      }
      if (start >= 0) {
        r.servletRequest(System.nanoTime() - start, request, response, error, f.dbStatements);
      }
    } catch (Throwable t) {
      failed("servlet", t);
    }
  }

  /**
   * For a reactive server (Spring WebFlux): the request's handling ends when the returned Mono
   * does, on whatever thread, so no per-thread state; the advice hands this to {@code
   * Mono.doFinally}.
   */
  public static java.util.function.@Nullable Consumer<Object> reactiveServer(
      Object exchange, @Nullable String method, @Nullable String scheme) {
    Recorder r = recorder;
    return r == null ? null : new ReactiveRequest(System.nanoTime(), exchange, method, scheme);
  }

  /** The end of one reactive request: records it once, whatever signal ends it. */
  static final class ReactiveRequest implements java.util.function.Consumer<Object> {
    private final long start;
    private final Object exchange;
    private final @Nullable String method;
    private final @Nullable String scheme;

    ReactiveRequest(long start, Object exchange, @Nullable String method, @Nullable String scheme) {
      this.start = start;
      this.exchange = exchange;
      this.method = method;
      this.scheme = scheme;
    }

    @Override
    public void accept(Object signal) {
      Recorder r = recorder;
      if (r == null) {
        return;
      }
      try {
        r.reactiveRequest(
            System.nanoTime() - start, exchange, method, scheme, String.valueOf(signal));
      } catch (Throwable t) {
        failed("http-server", t);
      }
    }
  }

  // --- HTTP client ---

  public static long clientEnter() {
    return recorder == null ? -1 : System.nanoTime();
  }

  public static void httpClientExit(
      long start, Object request, @Nullable Object response, @Nullable Throwable error) {
    Recorder r = recorder;
    if (r == null || start < 0) {
      return;
    }
    try {
      r.httpClientExchange(System.nanoTime() - start, request, response, error);
    } catch (Throwable t) {
      failed("http-client", t);
    }
  }

  public static void httpClientAsync(
      long start, Object request, @Nullable Object future, @Nullable Throwable error) {
    Recorder r = recorder;
    if (r == null || start < 0) {
      return;
    }
    try {
      if (error != null || future == null) {
        r.httpClientExchange(System.nanoTime() - start, request, null, error);
      } else {
        r.httpClientAsync(start, request, future);
      }
    } catch (Throwable t) {
      failed("http-client", t);
    }
  }

  /**
   * HttpURLConnection calls itself (getResponseCode, getHeaderField and getInputStream re-enter
   * each other): only the outermost call that starts while no response code is known performs the
   * exchange.
   */
  public static long urlConnectionEnter(int responseCode) {
    if (recorder == null) {
      return -1;
    }
    try {
      Frame f = FRAME.get();
      return f.urlConnectionDepth++ == 0 && responseCode == -1 ? System.nanoTime() : -1;
    } catch (Throwable t) {
      return -1;
    }
  }

  /**
   * {@code connection} is the instrumented {@code HttpURLConnection} (Object: the woven call's
   * type).
   */
  public static void urlConnectionExit(
      long start, Object connection, int status, @Nullable Throwable error) {
    Recorder r = recorder;
    if (r == null) {
      return;
    }
    try {
      Frame f = FRAME.get();
      if (f.urlConnectionDepth > 0) {
        f.urlConnectionDepth--;
      }
      if (start < 0) {
        return;
      }
      r.urlConnectionExchange(
          System.nanoTime() - start, (java.net.HttpURLConnection) connection, status, error);
    } catch (Throwable t) {
      failed("http-client", t);
    }
  }

  // --- executors ---

  public static void executorCreated(Object executor) {
    Recorder r = recorder;
    if (r != null) {
      try {
        r.executorCreated(executor);
      } catch (Throwable t) {
        failed("executor", t);
      }
    }
  }

  public static void executorWorkerStarted(Object executor) {
    Recorder r = recorder;
    if (r != null) {
      try {
        r.executorWorkerStarted(executor);
      } catch (Throwable t) {
        failed("executor", t);
      }
    }
  }

  public static void executorRejected(Object executor) {
    Recorder r = recorder;
    if (r != null) {
      try {
        r.executorRejected(executor);
      } catch (Throwable t) {
        failed("executor", t);
      }
    }
  }

  // --- JDBC ---

  /** {@code sql}: the first argument of {@code prepareStatement}, a String. */
  public static void statementPrepared(Object statement, @Nullable Object sql) {
    Recorder r = recorder;
    if (r != null && statement != null) {
      try {
        r.statementPrepared(statement, sql instanceof String s ? s : null);
      } catch (Throwable t) {
        failed("jdbc", t);
      }
    }
  }

  /**
   * Start time for the outermost execute call on the thread, -1 for a nested one (a pool's proxy).
   */
  public static long dbEnter(Object statement) {
    if (recorder == null) {
      return -1;
    }
    try {
      Frame f = FRAME.get();
      f.dbInnermost = statement;
      return f.dbDepth++ == 0 ? System.nanoTime() : -1;
    } catch (Throwable t) {
      return -1;
    }
  }

  /**
   * Ends {@link #dbEnter}: the SQL is the execute method's String argument ({@code firstArgument}),
   * "BATCH" for {@code executeBatch} and friends, else what was prepared.
   */
  public static void dbExit(
      long start,
      Object statement,
      @Nullable Object firstArgument,
      String method,
      @Nullable Throwable error) {
    Recorder r = recorder;
    if (r == null) {
      return;
    }
    try {
      String sql =
          start < 0
              ? null
              : firstArgument instanceof String s ? s : method.endsWith("Batch") ? "BATCH" : null;
      Frame f = FRAME.get();
      if (f.dbDepth > 0) {
        f.dbDepth--;
      }
      if (start < 0) {
        return;
      }
      Object innermost = f.dbInnermost;
      f.dbInnermost = null;
      if (f.serverDepth > 0) {
        f.dbStatements++;
      }
      r.dbStatement(System.nanoTime() - start, statement, innermost, sql, error);
    } catch (Throwable t) {
      failed("jdbc", t);
    }
  }

  // --- pools, dev mode ---

  public static void connectionPoolCreated(Object pool, Object config) {
    Recorder r = recorder;
    if (r != null) {
      try {
        r.connectionPoolCreated(pool, config);
      } catch (Throwable t) {
        failed("connection-pool", t);
      }
    }
  }

  public static long connectionWaitEnter() {
    return recorder == null ? -1 : System.nanoTime();
  }

  public static void connectionWaitExit(long start, Object pool, @Nullable Throwable error) {
    Recorder r = recorder;
    if (r != null && start >= 0) {
      try {
        r.connectionAcquired(System.nanoTime() - start, pool, error);
      } catch (Throwable t) {
        failed("connection-pool", t);
      }
    }
  }

  public static void restartClassLoaderCreated(Object loader) {
    Recorder r = recorder;
    if (r != null) {
      try {
        r.restartClassLoaderCreated(loader);
      } catch (Throwable t) {
        failed("dev-mode", t);
      }
    }
  }

  // --- client libraries and connection pools other than the JDK's and HikariCP ---

  /**
   * An HTTP exchange of a client library that finished; the advice read the values where the
   * library's types are visible. {@code port} -1 when the URL names none (the scheme's default then
   * applies).
   */
  public static void clientExchange(
      long start,
      @Nullable String method,
      @Nullable String scheme,
      @Nullable String host,
      int port,
      int status,
      @Nullable Throwable error) {
    Recorder r = recorder;
    if (r == null || start < 0) {
      return;
    }
    try {
      r.clientExchange(System.nanoTime() - start, method, scheme, host, port, status, error);
    } catch (Throwable t) {
      failed("http-client", t);
    }
  }

  /**
   * An asynchronous client's exchange began (Reactor Netty: the request is about to be written); it
   * ends with {@link #asyncClientFinished} on whichever thread sees the response or the failure.
   */
  public static void asyncClientStarted(Object exchange) {
    Recorder r = recorder;
    if (r != null && exchange != null) {
      try {
        r.asyncClientStarted(exchange, System.nanoTime());
      } catch (Throwable t) {
        failed("http-client", t);
      }
    }
  }

  /**
   * Apache HttpClient 5 async: the callback the exchange ends on, wrapped to measure it (see {@link
   * Recorder#clientCallback}); {@code callback} itself when the agent is not ready or fails.
   */
  public static Object clientCallback(
      long start,
      Object callback,
      Class<?> callbackType,
      @Nullable String method,
      @Nullable String scheme,
      @Nullable String host,
      int port) {
    Recorder r = recorder;
    if (r == null || start < 0 || callback == null) {
      return callback;
    }
    try {
      return r.clientCallback(start, callback, callbackType, method, scheme, host, port);
    } catch (Throwable t) {
      failed("http-client", t);
      return callback;
    }
  }

  /**
   * A server request that ends on another call (Vert.x: its response's end), keyed by {@code
   * exchange}.
   */
  public static void asyncServerStarted(
      Object exchange, @Nullable String method, @Nullable String scheme) {
    Recorder r = recorder;
    if (r != null && exchange != null) {
      try {
        r.asyncServerStarted(exchange, System.nanoTime(), method, scheme);
      } catch (Throwable t) {
        failed("http-server", t);
      }
    }
  }

  /**
   * Ends a request begun with {@link #asyncServerStarted}; later calls for the same exchange are
   * ignored.
   */
  public static void asyncServerFinished(Object exchange, int status) {
    Recorder r = recorder;
    if (r != null && exchange != null) {
      try {
        r.asyncServerFinished(exchange, System.nanoTime(), status);
      } catch (Throwable t) {
        failed("http-server", t);
      }
    }
  }

  // --- server libraries: the woven code passes their objects, the recorder reads them ---

  /**
   * The JDK HttpServer's {@code Filter.Chain.doFilter(exchange)} begins: {@link #serverEnter()},
   * and for the outermost call the exchange's context, read now because the JDK keeps it on the
   * connection, where a keep-alive connection's next request replaces it while this handler may
   * still run. Must be followed by {@link #httpHandlerExit}.
   */
  public static long httpHandlerEnter(@Nullable Object exchange) {
    long start = serverEnter();
    Recorder r = recorder;
    if (start < 0 || r == null || exchange == null) {
      return start;
    }
    try {
      FRAME.get().httpContext = r.httpHandlerContext(exchange);
    } catch (Throwable t) {
      failed("http-server", t);
    }
    return start;
  }

  /**
   * Ends what {@link #httpHandlerEnter} began: records the exchange under the context read on
   * entry; nothing when there was none (the agent's own endpoint, or a failed read).
   */
  public static void httpHandlerExit(
      long start, @Nullable Object exchange, @Nullable Throwable thrown) {
    Recorder r = recorder;
    if (r == null) {
      return;
    }
    try {
      Frame f = FRAME.get();
      if (f.serverDepth > 0) {
        f.serverDepth--;
      }
      if (start < 0) {
        return;
      }
      String context = f.httpContext;
      f.httpContext = null;
      if (context != null && exchange != null) {
        r.httpHandlerRequest(System.nanoTime() - start, exchange, context, thrown, f.dbStatements);
      }
    } catch (Throwable t) {
      failed("http-server", t);
    }
  }

  /**
   * Jersey's {@code ApplicationHandler.handle(request)} returned: the {@code @Path} templates it
   * matched are left on the request for {@link #servletExit}.
   */
  public static void jerseyMatched(@Nullable Object containerRequest) {
    Recorder r = recorder;
    if (r != null && containerRequest != null) {
      try {
        r.jerseyMatched(containerRequest);
      } catch (Throwable t) {
        failed("servlet", t);
      }
    }
  }

  /**
   * A Vert.x HTTP/2 server request was made, and with it its response: the request begins, keyed by
   * that response, and ends with {@link #vertxResponseEnd}.
   */
  public static void vertxHttp2Request(@Nullable Object request) {
    Recorder r = recorder;
    if (r != null && request != null) {
      try {
        r.vertxHttp2Request(request, System.nanoTime());
      } catch (Throwable t) {
        failed("http-server", t);
      }
    }
  }

  /**
   * A Vert.x HTTP/1.x server response was made from Netty's request head on a connection: the
   * request begins, keyed by the response, and ends with {@link #vertxResponseEnd}.
   */
  public static void vertxResponseCreated(
      @Nullable Object response, @Nullable Object connection, @Nullable Object request) {
    Recorder r = recorder;
    if (r != null && response != null) {
      try {
        r.vertxResponseCreated(response, connection, request, System.nanoTime());
      } catch (Throwable t) {
        failed("http-server", t);
      }
    }
  }

  /** A Vert.x server response ended (or sent a file): its request ends with the status set. */
  public static void vertxResponseEnd(@Nullable Object response) {
    Recorder r = recorder;
    if (r != null && response != null) {
      try {
        r.vertxResponseEnd(response, System.nanoTime());
      } catch (Throwable t) {
        failed("http-server", t);
      }
    }
  }

  /**
   * Spring WebFlux's {@code ExceptionHandlingWebHandler.handle(exchange)} returned {@code handled}
   * (a Mono): returns the Mono to return instead, which records the request when it ends; {@code
   * handled} itself when nothing is measured or anything fails.
   */
  public static @Nullable Object webFluxHandled(
      @Nullable Object exchange, @Nullable Object handled) {
    Recorder r = recorder;
    if (r == null || exchange == null || handled == null) {
      return handled;
    }
    try {
      return r.webFluxHandled(exchange, handled);
    } catch (Throwable t) {
      failed("http-server", t);
      return handled;
    }
  }

  /**
   * Ends an exchange begun with {@link #asyncClientStarted}; later calls for the same exchange are
   * ignored.
   */
  public static void asyncClientFinished(
      Object exchange,
      @Nullable String method,
      @Nullable String url,
      int status,
      @Nullable String errorType) {
    Recorder r = recorder;
    if (r != null && exchange != null) {
      try {
        r.asyncClientFinished(exchange, System.nanoTime(), method, url, status, errorType);
      } catch (Throwable t) {
        failed("http-client", t);
      }
    }
  }

  // --- client libraries whose objects the agent reads itself (the woven code passes them as is)
  // ---

  /**
   * Apache HttpClient 4's classic {@code doExecute(HttpHost, HttpRequest, HttpContext)} returned
   * {@code response} or threw {@code thrown}; {@code start} from {@link #clientEnter()}.
   */
  public static void apacheClient4Exit(
      long start,
      @Nullable Object target,
      @Nullable Object request,
      @Nullable Object response,
      @Nullable Throwable thrown) {
    Recorder r = recorder;
    if (r == null || start < 0) {
      return;
    }
    try {
      r.apacheClient4Exchange(System.nanoTime() - start, target, request, response, thrown);
    } catch (Throwable t) {
      failed("http-client", t);
    }
  }

  /**
   * Apache HttpClient 5's classic {@code doExecute(HttpHost, ClassicHttpRequest, HttpContext)}
   * returned {@code response} or threw {@code thrown}; {@code start} from {@link #clientEnter()}.
   */
  public static void apacheClient5Exit(
      long start,
      @Nullable Object target,
      @Nullable Object request,
      @Nullable Object response,
      @Nullable Throwable thrown) {
    Recorder r = recorder;
    if (r == null || start < 0) {
      return;
    }
    try {
      r.apacheClient5Exchange(System.nanoTime() - start, target, request, response, thrown);
    } catch (Throwable t) {
      failed("http-client", t);
    }
  }

  /**
   * Apache HttpClient 5's async {@code executeImmediate(request, entityProducer, scope, chain,
   * callback)} begins an exchange: returns the callback the exec chain should be given instead, one
   * that measures the exchange until it completes or fails; {@code callback} itself when the agent
   * is not ready, something is missing, or reading fails.
   */
  public static @Nullable Object apacheAsyncClient5Enter(
      @Nullable Object request, @Nullable Object scope, @Nullable Object callback) {
    Recorder r = recorder;
    if (r == null || request == null || scope == null || callback == null) {
      return callback;
    }
    try {
      return r.apacheAsyncClient5Callback(System.nanoTime(), request, scope, callback);
    } catch (Throwable t) {
      failed("http-client", t);
      return callback;
    }
  }

  /**
   * OkHttp's {@code RealCall.getResponseWithInterceptorChain} returned {@code response} or threw;
   * {@code request} is the call's {@code originalRequest}, {@code start} from {@link
   * #clientEnter()}.
   */
  public static void okHttpExit(
      long start, @Nullable Object request, @Nullable Object response, @Nullable Throwable thrown) {
    Recorder r = recorder;
    if (r == null || start < 0 || request == null) {
      return;
    }
    try {
      r.okHttpExchange(System.nanoTime() - start, request, response, thrown);
    } catch (Throwable t) {
      failed("http-client", t);
    }
  }

  /**
   * Reactor Netty's {@code HttpClientOperations.onInboundClose}: an exchange begun with {@link
   * #asyncClientStarted} and not answered yet ends as a premature close.
   */
  public static void reactorNettyClosed(Object operations) {
    Recorder r = recorder;
    if (r != null && operations != null) {
      try {
        r.reactorNettyClosed(operations, System.nanoTime());
      } catch (Throwable t) {
        failed("http-client", t);
      }
    }
  }

  /**
   * Reactor Netty's {@code HttpClientOperations.onInboundNext(ctx, message)}, for every inbound
   * message: a response head ends the exchange begun with {@link #asyncClientStarted}.
   */
  public static void reactorNettyResponse(Object operations, @Nullable Object message) {
    Recorder r = recorder;
    if (r != null && operations != null && message != null) {
      try {
        r.reactorNettyResponse(operations, System.nanoTime(), message);
      } catch (Throwable t) {
        failed("http-client", t);
      }
    }
  }

  /**
   * A connection pool started: {@code poolClass} is the instrumented class (Tomcat JDBC, DBCP2,
   * Agroal).
   */
  public static void connectionPoolOpened(String poolClass, Object pool) {
    Recorder r = recorder;
    if (r != null && pool != null) {
      try {
        r.connectionPoolOpened(poolClass, pool);
      } catch (Throwable t) {
        failed("connection-pool", t);
      }
    }
  }

  /** A connection pool was closed: it is no longer reported. */
  public static void connectionPoolClosed(Object pool) {
    Recorder r = recorder;
    if (r != null && pool != null) {
      try {
        r.connectionPoolClosed(pool);
      } catch (Throwable t) {
        failed("connection-pool", t);
      }
    }
  }

  /** Advice reports its own failures here; never throws. */
  public static void failed(String component, @Nullable Throwable error) {
    Recorder r = recorder;
    if (r != null) {
      try {
        r.failed(component, error);
      } catch (Throwable ignored) {
        // nothing left to tell
      }
    }
  }
}
