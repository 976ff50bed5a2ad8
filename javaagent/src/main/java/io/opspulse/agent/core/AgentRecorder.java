package io.opspulse.agent.core;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opspulse.agent.bootstrap.Recorder;
import io.opspulse.catalog.JvmMetrics;
import java.net.HttpURLConnection;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/** Turns what the advice observed into OpenTelemetry measurements named by the catalog. */
final class AgentRecorder implements Recorder {
  static final AttributeKey<String> METHOD = stringKey("http.request.method");
  static final AttributeKey<String> ROUTE = stringKey("http.route");
  static final AttributeKey<String> SCHEME = stringKey("url.scheme");
  static final AttributeKey<Long> STATUS = longKey("http.response.status_code");
  static final AttributeKey<String> ERROR_TYPE = stringKey("error.type");
  static final AttributeKey<String> SERVER_ADDRESS = stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = longKey("server.port");
  static final AttributeKey<String> DB_SYSTEM = stringKey("db.system.name");
  static final AttributeKey<String> DB_OPERATION = stringKey("db.operation.name");
  static final AttributeKey<String> CONNECTION_POOL = stringKey("db.client.connection.pool.name");
  private static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
  private static final int MAX_CACHED_ATTRIBUTES = 5000;
  private static final int MAX_HOSTS = 200;

  /**
   * Set on the agent's own threads (the OTLP export's): their HTTP calls are not the application's.
   */
  private static final ThreadLocal<Boolean> AGENT_THREAD = new ThreadLocal<>();

  private final AgentErrors errors;
  private final HttpRoutes routes;
  private final ExecutorRegistry executors;
  private final ConnectionPools connectionPools;
  private final DevMode devMode;

  /**
   * Set once the SDK is up (it starts beside the instrumentation); until then measurements are
   * dropped.
   */
  private volatile @Nullable Histograms histograms;

  private final Map<Key, Attributes> attributes = new ConcurrentHashMap<>();
  private final Set<String> hosts = ConcurrentHashMap.newKeySet();

  /** Statement → operation of its SQL: read on every execute, so no lock shared by all threads. */
  private final WeakIdentityMap<Object, String> preparedOperations = new WeakIdentityMap<>();

  /** Asynchronous client exchanges begun and not yet answered → their start. */
  private final WeakIdentityMap<Object, Long> asyncExchanges = new WeakIdentityMap<>();

  private final WeakIdentityMap<Object, ServerExchange> asyncServerExchanges =
      new WeakIdentityMap<>();

  private record Histograms(
      DoubleHistogram server,
      DoubleHistogram client,
      DoubleHistogram db,
      LongHistogram statementsPerRequest,
      DoubleHistogram connectionWait) {}

  /** The values that make one series; records hash and compare cheaply. */
  private record Key(
      int kind,
      @Nullable String a,
      @Nullable String b,
      @Nullable String c,
      long status,
      @Nullable String error) {}

  AgentRecorder(
      int maxRoutes,
      AgentErrors errors,
      ExecutorRegistry executors,
      ConnectionPools connectionPools,
      DevMode devMode) {
    this.errors = errors;
    this.routes = new HttpRoutes(maxRoutes);
    this.executors = executors;
    this.connectionPools = connectionPools;
    this.devMode = devMode;
  }

  /** Creates the histograms in {@code meter}; from now on measurements are recorded. */
  void bind(Meter meter, AgentConfig.Buckets buckets) {
    histograms =
        new Histograms(
            Instruments.latency(meter, JvmMetrics.HTTP_SERVER_DURATION, buckets),
            Instruments.latency(meter, JvmMetrics.HTTP_CLIENT_DURATION, buckets),
            Instruments.latency(meter, JvmMetrics.DB_CLIENT_DURATION, buckets),
            Instruments.counts(meter, JvmMetrics.DB_STATEMENTS_PER_REQUEST),
            Instruments.latency(meter, JvmMetrics.POOL_WAIT_TIME, buckets));
  }

  // --- HTTP server ---

  @Override
  public void serverRequest(
      long nanos,
      @Nullable String method,
      @Nullable String scheme,
      @Nullable String route,
      int status,
      @Nullable Throwable error,
      int dbStatements) {
    Histograms h = histograms;
    if (h == null) {
      return;
    }
    String r = routes.admit(route);
    String errorType =
        error != null ? ErrorTypes.of(error) : status >= 500 ? Integer.toString(status) : null;
    // An exception escaping the handler becomes a 500, whatever status was set before it was
    // thrown.
    long code = error != null && status < 500 ? 500 : Math.max(status, 0);
    h.server()
        .record(
            nanos / 1e9,
            attributes(new Key(0, method(method), r, scheme(scheme), code, errorType)));
    if (dbStatements > 0) {
      h.statementsPerRequest().record(dbStatements, attributes(new Key(1, null, r, null, 0, null)));
    }
  }

  @Override
  public void servletRequest(
      long nanos,
      Object request,
      @Nullable Object response,
      @Nullable Throwable error,
      int dbStatements) {
    if (histograms == null) {
      return;
    }
    ServletAccessor.Request read;
    try {
      ServletAccessor accessor = ServletAccessor.of(request);
      read = accessor == null ? null : accessor.read(request, response);
    } catch (Throwable t) {
      errors.record("servlet", t);
      return;
    }
    if (read != null) {
      serverRequest(
          nanos, read.method(), read.scheme(), read.route(), read.status(), error, dbStatements);
    }
  }

  @Override
  public void reactiveRequest(
      long nanos,
      Object exchange,
      @Nullable String method,
      @Nullable String scheme,
      @Nullable String signal) {
    if (histograms == null) {
      return;
    }
    int status;
    String route;
    Throwable error;
    try {
      WebFluxAccessor accessor = WebFluxAccessor.of(exchange);
      if (accessor == null) {
        return;
      }
      status = accessor.status(exchange);
      route = accessor.route(exchange, status);
      // The exception behind a 5xx the error handlers rendered; a 4xx (no handler: 404) is no
      // server error.
      error = status >= 500 ? accessor.handledError(exchange) : null;
    } catch (Throwable t) {
      errors.record("http-server", t);
      return;
    }
    // A client that went away mid-answer: the status set so far is not one it received.
    boolean cancelled = "cancel".equals(signal);
    serverRequest(nanos, method, scheme, route, cancelled ? 0 : status, error, 0);
  }

  /** A request of a server that answers asynchronously (Vert.x), until its response ends. */
  private record ServerExchange(
      long startNanos, @Nullable String method, @Nullable String scheme) {}

  @Override
  public void asyncServerStarted(
      Object exchange, long startNanos, @Nullable String method, @Nullable String scheme) {
    if (histograms != null) {
      asyncServerExchanges.put(exchange, new ServerExchange(startNanos, method, scheme));
    }
  }

  @Override
  public void asyncServerFinished(Object exchange, long endNanos, int status) {
    ServerExchange started = asyncServerExchanges.remove(exchange);
    if (started != null) {
      // The server names no route (Vert.x core has no router): no http_route, as the conventions
      // ask.
      serverRequest(
          endNanos - started.startNanos(),
          started.method(),
          started.scheme(),
          null,
          status,
          null,
          0);
    }
  }

  // --- server libraries, read through their own API (the woven code passes only Objects) ---

  @Override
  public @Nullable String httpHandlerContext(Object exchange) {
    return JdkHttpServerExchanges.context(exchange);
  }

  @Override
  public void httpHandlerRequest(
      long nanos, Object exchange, String context, @Nullable Throwable error, int dbStatements) {
    var ex = (com.sun.net.httpserver.HttpExchange) exchange;
    serverRequest(
        nanos,
        ex.getRequestMethod(),
        ex instanceof com.sun.net.httpserver.HttpsExchange ? "https" : "http",
        HttpRoutes.httpServer(context, ex.getRequestURI().getPath()),
        ex.getResponseCode(),
        error,
        dbStatements);
  }

  @Override
  public void jerseyMatched(Object containerRequest) {
    try {
      JerseyAccessor accessor = JerseyAccessor.of(containerRequest);
      if (accessor != null) {
        accessor.leaveMatched(containerRequest);
      }
    } catch (Throwable t) {
      errors.record("servlet", t);
    }
  }

  @Override
  public void vertxHttp2Request(Object request, long startNanos) {
    VertxAccessor.Http2Request read;
    try {
      read = VertxAccessor.http2Request(request);
    } catch (Throwable t) {
      errors.record("http-server", t);
      return;
    }
    if (read.response() != null) {
      asyncServerStarted(read.response(), startNanos, read.method(), read.scheme());
    }
  }

  @Override
  public void vertxResponseCreated(
      Object response, @Nullable Object connection, @Nullable Object request, long startNanos) {
    String method;
    String scheme;
    try {
      method = VertxAccessor.nettyMethod(request);
      scheme = VertxAccessor.scheme(connection);
    } catch (Throwable t) {
      errors.record("http-server", t);
      return;
    }
    asyncServerStarted(response, startNanos, method, scheme);
  }

  @Override
  public void vertxResponseEnd(Object response, long endNanos) {
    int status;
    try {
      status = VertxAccessor.status(response);
    } catch (Throwable t) {
      errors.record("http-server", t);
      return;
    }
    asyncServerFinished(response, endNanos, status);
  }

  @Override
  public Object webFluxHandled(Object exchange, Object handled) {
    try {
      WebFluxAccessor accessor = WebFluxAccessor.of(exchange);
      if (accessor == null) {
        return handled;
      }
      java.util.function.Consumer<Object> done =
          io.opspulse.agent.bootstrap.Hooks.reactiveServer(
              exchange, accessor.method(exchange), accessor.scheme(exchange));
      return done == null ? handled : WebFluxAccessor.doFinally(handled, done);
    } catch (Throwable t) {
      errors.record("http-server", t);
      return handled;
    }
  }

  private static String scheme(@Nullable String scheme) {
    return "https".equalsIgnoreCase(scheme) ? "https" : "http";
  }

  // --- HTTP clients ---

  @Override
  public void httpClientExchange(
      long nanos, Object request, @Nullable Object response, @Nullable Throwable error) {
    HttpRequest req = (HttpRequest) request;
    int status = response instanceof HttpResponse<?> r ? r.statusCode() : 0;
    client(
        nanos,
        req.method(),
        req.uri().getScheme(),
        req.uri().getHost(),
        req.uri().getPort(),
        status,
        error);
  }

  @Override
  public void httpClientAsync(long startNanos, Object request, Object future) {
    HttpRequest req = (HttpRequest) request;
    ((CompletableFuture<?>) future)
        .whenComplete(
            (response, error) -> {
              try {
                int status = response instanceof HttpResponse<?> r ? r.statusCode() : 0;
                client(
                    System.nanoTime() - startNanos,
                    req.method(),
                    req.uri().getScheme(),
                    req.uri().getHost(),
                    req.uri().getPort(),
                    status,
                    unwrap(error));
              } catch (RuntimeException e) {
                errors.record("http-client", e);
              }
            });
  }

  @Override
  public void urlConnectionExchange(
      long nanos, HttpURLConnection connection, int status, @Nullable Throwable error) {
    // getInputStream throws for any status >= 400 although the exchange itself completed: then the
    // status is the outcome, as it is for java.net.http.
    java.net.URL url = connection.getURL();
    client(
        nanos,
        connection.getRequestMethod(),
        url.getProtocol(),
        url.getHost(),
        url.getPort(),
        status,
        status > 0 ? null : error);
  }

  @Override
  public void clientExchange(
      long nanos,
      @Nullable String method,
      @Nullable String scheme,
      @Nullable String host,
      int port,
      int status,
      @Nullable Throwable error) {
    client(nanos, method, scheme, host, port, status, error);
  }

  @Override
  public void asyncClientStarted(Object exchange, long startNanos) {
    if (AGENT_THREAD.get() == null) {
      asyncExchanges.put(exchange, startNanos);
    }
  }

  @Override
  public Object clientCallback(
      long startNanos,
      Object callback,
      Class<?> callbackType,
      @Nullable String method,
      @Nullable String scheme,
      @Nullable String host,
      int port) {
    if (AGENT_THREAD.get() != null) {
      return callback;
    }
    return AsyncClientCallback.wrap(
        callback,
        callbackType,
        (status, error) ->
            client(System.nanoTime() - startNanos, method, scheme, host, port, status, error));
  }

  @Override
  public void asyncClientFinished(
      Object exchange,
      long endNanos,
      @Nullable String method,
      @Nullable String url,
      int status,
      @Nullable String errorType) {
    Long start = asyncExchanges.remove(exchange);
    if (start == null) {
      return; // finished already (a close after the response), or begun before the agent was ready
    }
    java.net.URI uri = url == null ? null : java.net.URI.create(url);
    client(
        endNanos - start,
        method,
        uri == null ? null : uri.getScheme(),
        uri == null ? null : uri.getHost(),
        uri == null ? -1 : uri.getPort(),
        status,
        errorType);
  }

  // The client libraries' own objects, read through their API (accessors) where the woven code
  // handed them over: each ends in the same recording as the values read in the library would.

  @Override
  public void apacheClient4Exchange(
      long nanos,
      @Nullable Object target,
      @Nullable Object request,
      @Nullable Object response,
      @Nullable Throwable error) {
    clientExchange(
        nanos,
        error,
        () -> {
          ApacheClient4Accessor accessor = ApacheClient4Accessor.of(target, request, response);
          return accessor == null ? null : accessor.read(target, request, response);
        });
  }

  @Override
  public void apacheClient5Exchange(
      long nanos,
      @Nullable Object target,
      @Nullable Object request,
      @Nullable Object response,
      @Nullable Throwable error) {
    clientExchange(
        nanos,
        error,
        () -> {
          ApacheClient5Accessor accessor = ApacheClient5Accessor.of(target, request, response);
          return accessor == null ? null : accessor.read(target, request, response);
        });
  }

  /** Reads a client library's exchange from its own objects, through an accessor. */
  private interface ClientCallReader {
    @Nullable ClientCall read() throws Throwable;
  }

  /**
   * One finished exchange of a client library: read (a failed read is counted, not recorded), then
   * recorded as the values read in the library would be.
   */
  private void clientExchange(long nanos, @Nullable Throwable error, ClientCallReader reader) {
    if (!measuring()) {
      return;
    }
    ClientCall call;
    try {
      call = reader.read();
    } catch (Throwable t) {
      errors.record("http-client", t);
      return;
    }
    client(nanos, call, error);
  }

  @Override
  public Object apacheAsyncClient5Callback(
      long startNanos, Object request, Object scope, Object callback) {
    if (AGENT_THREAD.get() != null) {
      return callback;
    }
    ClientCall call;
    Class<?> callbackType;
    try {
      call = ApacheClient5Accessor.asyncCall(request, scope);
      callbackType = ApacheClient5Accessor.callbackType(callback);
    } catch (Throwable t) {
      errors.record("http-client", t);
      return callback;
    }
    if (call == null || callbackType == null) {
      return callback;
    }
    return clientCallback(
        startNanos, callback, callbackType, call.method(), call.scheme(), call.host(), call.port());
  }

  @Override
  public void okHttpExchange(
      long nanos, Object request, @Nullable Object response, @Nullable Throwable error) {
    clientExchange(
        nanos,
        error,
        () -> {
          OkHttpAccessor accessor = OkHttpAccessor.of(request);
          return accessor == null ? null : accessor.read(request, response);
        });
  }

  @Override
  public void reactorNettyClosed(Object operations, long endNanos) {
    // Most closes come after the response ended the exchange: nothing to read then.
    if (asyncExchanges.get(operations) != null) {
      reactorNettyFinished(
          operations, endNanos, 0, "reactor.netty.http.client.PrematureCloseException");
    }
  }

  @Override
  public void reactorNettyResponse(Object operations, long endNanos, Object message) {
    int status;
    try {
      status = ReactorNettyAccessor.responseStatus(message);
    } catch (Throwable t) {
      errors.record("http-client", t);
      return;
    }
    // Every inbound message passes here; only a response head of an exchange begun ends it.
    if (status >= 0 && asyncExchanges.get(operations) != null) {
      reactorNettyFinished(operations, endNanos, status, null);
    }
  }

  private void reactorNettyFinished(
      Object operations, long endNanos, int status, @Nullable String errorType) {
    String method;
    String url;
    try {
      ReactorNettyAccessor accessor = ReactorNettyAccessor.of(operations);
      if (accessor == null) {
        return;
      }
      method = accessor.method(operations);
      url = accessor.url(operations);
    } catch (Throwable t) {
      errors.record("http-client", t);
      return;
    }
    asyncClientFinished(operations, endNanos, method, url, status, errorType);
  }

  /** Whether a client exchange ending now is recorded: worth reading the library's objects. */
  private boolean measuring() {
    return histograms != null && AGENT_THREAD.get() == null;
  }

  private void client(long nanos, @Nullable ClientCall call, @Nullable Throwable error) {
    if (call != null) {
      client(nanos, call.method(), call.scheme(), call.host(), call.port(), call.status(), error);
    }
  }

  /** Marks the calling thread as the agent's: HTTP client calls made on it are not measured. */
  static void markAgentThread() {
    AGENT_THREAD.set(Boolean.TRUE);
  }

  private void client(
      long nanos,
      @Nullable String method,
      @Nullable String scheme,
      @Nullable String host,
      int port,
      int status,
      @Nullable Throwable error) {
    client(
        nanos,
        method,
        scheme,
        host,
        port,
        status,
        error == null ? null : error.getClass().getName());
  }

  private void client(
      long nanos,
      @Nullable String method,
      @Nullable String scheme,
      @Nullable String host,
      int port,
      int status,
      @Nullable String thrown) {
    Histograms h = histograms;
    if (h == null || AGENT_THREAD.get() != null) {
      return;
    }
    String errorType = thrown != null ? thrown : status >= 400 ? Integer.toString(status) : null;
    String address = host == null ? "unknown" : host.toLowerCase(Locale.ROOT);
    int p = port > 0 ? port : defaultPort(scheme);
    if (!hosts.contains(address + ":" + p)) {
      if (hosts.size() < MAX_HOSTS) {
        hosts.add(address + ":" + p);
      } else {
        address = "other";
        p = 0;
      }
    }
    h.client()
        .record(
            nanos / 1e9,
            attributes(
                new Key(
                    2,
                    method(method),
                    address,
                    p > 0 ? Integer.toString(p) : null,
                    status,
                    errorType)));
  }

  /** server.port is set on client metrics even when the URL leaves it to the scheme. */
  static int defaultPort(@Nullable String scheme) {
    if (scheme == null) {
      return 0;
    }
    return switch (scheme.toLowerCase(Locale.ROOT)) {
      case "http", "ws" -> 80;
      case "https", "wss" -> 443;
      default -> 0;
    };
  }

  private static @Nullable Throwable unwrap(@Nullable Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  // --- executors, pools, dev mode ---

  @Override
  public void executorCreated(Object executor) {
    executors.created(executor);
  }

  @Override
  public void executorWorkerStarted(Object executor) {
    executors.workerStarted(executor);
  }

  @Override
  public void executorRejected(Object executor) {
    executors.rejected(executor);
  }

  @Override
  public void connectionPoolCreated(Object pool, Object config) {
    try {
      connectionPools.created(pool, config);
    } catch (ReflectiveOperationException | RuntimeException e) {
      errors.record("connection-pool", e);
    }
  }

  @Override
  public void connectionPoolOpened(String poolClass, Object pool) {
    try {
      connectionPools.opened(poolClass, pool);
    } catch (ReflectiveOperationException | RuntimeException e) {
      errors.record("connection-pool", e);
    }
  }

  @Override
  public void connectionPoolClosed(Object pool) {
    connectionPools.closed(pool);
  }

  @Override
  public void connectionAcquired(long nanos, Object pool, @Nullable Throwable error) {
    Histograms h = histograms;
    String name = connectionPools.nameOf(pool);
    if (h != null && name != null) {
      h.connectionWait().record(nanos / 1e9, attributes(new Key(4, null, name, null, 0, null)));
    }
  }

  @Override
  public void restartClassLoaderCreated(Object loader) {
    devMode.restartClassLoaderCreated(loader);
  }

  // --- JDBC ---

  @Override
  public void statementPrepared(Object statement, @Nullable String sql) {
    preparedOperations.put(statement, SqlOperation.of(sql));
  }

  @Override
  public void dbStatement(
      long nanos,
      Object outer,
      @Nullable Object innermost,
      @Nullable String sql,
      @Nullable Throwable error) {
    Histograms h = histograms;
    if (h == null) {
      return;
    }
    String operation;
    if (sql != null) {
      operation = sql.equals("BATCH") ? "BATCH" : SqlOperation.of(sql);
    } else {
      operation = preparedOperations.get(outer);
      if (operation == null && innermost != null) {
        operation = preparedOperations.get(innermost);
      }
      if (operation == null) {
        operation = SqlOperation.OTHER;
      }
    }
    String system = SqlOperation.system(innermost != null ? innermost : outer);
    String errorType = error == null ? null : error.getClass().getName();
    h.db().record(nanos / 1e9, attributes(new Key(3, system, operation, null, 0, errorType)));
  }

  @Override
  public void failed(String component, @Nullable Throwable error) {
    errors.record(component, error);
  }

  // --- attributes ---

  private static String method(@Nullable String method) {
    if (method == null) {
      return "_OTHER";
    }
    return KNOWN_METHODS.contains(method) ? method : "_OTHER";
  }

  private Attributes attributes(Key key) {
    Attributes cached = attributes.get(key);
    if (cached != null) {
      return cached;
    }
    Attributes built = build(key);
    if (attributes.size() < MAX_CACHED_ATTRIBUTES) {
      attributes.putIfAbsent(key, built);
    }
    return built;
  }

  private static Attributes build(Key key) {
    AttributesBuilder b = Attributes.builder();
    switch (key.kind()) {
      case 0 -> {
        b.put(METHOD, key.a()).put(SCHEME, key.c());
        if (key.b() != null) {
          b.put(ROUTE, key.b());
        }
        if (key.status() > 0) {
          b.put(STATUS, key.status());
        }
      }
      case 1 -> {
        if (key.b() != null) {
          b.put(ROUTE, key.b());
        }
      }
      case 4 -> b.put(CONNECTION_POOL, key.b());
      case 2 -> {
        b.put(METHOD, key.a()).put(SERVER_ADDRESS, key.b());
        if (key.c() != null) {
          b.put(SERVER_PORT, Long.parseLong(key.c()));
        }
        if (key.status() > 0) {
          b.put(STATUS, key.status());
        }
      }
      default -> b.put(DB_SYSTEM, key.a()).put(DB_OPERATION, key.b());
    }
    if (key.error() != null) {
      b.put(ERROR_TYPE, key.error());
    }
    return b.build();
  }
}
