package io.opspulse.exporter;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.transport.SSLConfig;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.opspulse.exporter.FleetView.EngineFacts;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * The read-only Engine API calls the exporter makes (ping, info, version, list, inspect, events),
 * through docker-java. Two clients share the endpoint: one for calls, bounded by the engine
 * timeout, and one for the event stream, which is idle for as long as nothing happens and so has no
 * response timeout (its liveness is {@link FleetSync}'s job). Every failure, whatever docker-java
 * throws, comes out as an {@link EngineException}, so callers handle one type.
 */
final class EngineClient implements Closeable {
  private final DockerEndpoint endpoint;
  private final @Nullable SSLContext tls;
  private final Duration timeout;

  /** The writer's calls. Replaced when the watchdog had to close it under a stalled call. */
  private volatile DockerClient calls;

  /** The pings, on the timer's thread: a stalled call of the writer's must not make a ping fail. */
  private volatile DockerClient pings;

  private final DockerClient events;
  /*
   * docker-java's unix socket ignores read timeouts (it reads through a plain channel stream), so a
   * daemon that accepts a request and never answers would block the caller for ever. The watchdog
   * closes the client under a call that overruns, which fails the blocked read; the next call gets a
   * fresh client.
   */
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "opspulse-engine-watchdog");
            t.setDaemon(true);
            return t;
          });

  EngineClient(DockerEndpoint endpoint, Duration timeout) {
    this(endpoint, timeout, null);
  }

  /**
   * {@code tls} non-null: {@code tcp://} with TLS (client certificate included), as
   * DOCKER_CERT_PATH sets up.
   */
  EngineClient(DockerEndpoint endpoint, Duration timeout, @Nullable SSLContext tls) {
    this.endpoint = endpoint;
    this.tls = tls;
    this.timeout = timeout;
    this.calls = client(endpoint, tls, timeout, timeout);
    this.pings = client(endpoint, tls, timeout, timeout);
    this.events = client(endpoint, tls, timeout, null);
  }

  private static DockerClient client(
      DockerEndpoint endpoint,
      @Nullable SSLContext tls,
      Duration connect,
      @Nullable Duration response) {
    URI host = URI.create(endpoint.toString());
    SSLConfig ssl = tls == null ? null : () -> tls;
    ZerodepDockerHttpClient http =
        new ZerodepDockerHttpClient.Builder()
            .dockerHost(host)
            .sslConfig(ssl)
            .maxConnections(8)
            .connectionTimeout(connect)
            .responseTimeout(response)
            .build();
    return DockerClientImpl.getInstance(new FixedConfig(host), http);
  }

  DockerEndpoint endpoint() {
    return endpoint;
  }

  void ping() throws EngineException {
    guarded("ping", () -> pings, c -> pings = c, c -> c.pingCmd().exec());
  }

  /** What {@code /info} and {@code /version} say, with the engine's clock at that moment. */
  EngineState state() throws EngineException {
    Info info = call("info", c -> c.infoCmd().exec());
    Version version = call("version", c -> c.versionCmd().exec());
    EngineFacts facts =
        new EngineFacts(
            nonNull(version.getVersion()),
            nonNull(version.getApiVersion()),
            info.getNCPU() == null ? 0 : info.getNCPU(),
            info.getMemTotal() == null ? 0 : info.getMemTotal());
    return new EngineState(facts, engineTimeNanos(info.getSystemTime()));
  }

  /** The ids of every container, stopped ones included. */
  List<String> containerIds() throws EngineException {
    List<Container> list = call("list", c -> c.listContainersCmd().withShowAll(true).exec());
    return list.stream().map(Container::getId).toList();
  }

  /** One container; {@link EngineException#isNotFound()} when it is gone. */
  ContainerInfo inspect(String id) throws EngineException {
    InspectContainerResponse r = call("inspect", c -> c.inspectContainerCmd(id).exec());
    try {
      return ContainerInfo.fromInspect(r);
    } catch (RuntimeException e) {
      throw new EngineException("inspect " + id + ": unusable answer: " + e, 0);
    }
  }

  /**
   * Follows container and network events from engine time {@code sinceNanos} (0: from now) on a
   * thread of docker-java's, until the returned handle is closed or the stream ends or breaks; then
   * {@code listener.ended} is called once. Network events matter because a container whose start
   * fails (exit 127 with no die event) shows only as a network disconnect.
   */
  Closeable followEvents(long sinceNanos, EventListener listener) throws EngineException {
    return handled(
        "events",
        () -> {
          var cmd = events.eventsCmd().withEventTypeFilter(EventType.CONTAINER, EventType.NETWORK);
          if (sinceNanos > 0) {
            cmd.withSince(
                sinceNanos / 1_000_000_000L
                    + "."
                    + String.format("%09d", sinceNanos % 1_000_000_000L));
          }
          return cmd.exec(
              new ResultCallback.Adapter<Event>() {
                @Override
                public void onNext(Event event) {
                  listener.event(event);
                }

                // Not the template's: it logs every broken stream with a stack trace at ERROR.
                @Override
                public void onError(Throwable t) {
                  listener.ended(t);
                  closeQuietly(this);
                }

                @Override
                public void onComplete() {
                  listener.ended(null);
                  closeQuietly(this);
                }
              });
        });
  }

  /** Receives a followed stream's events, on docker-java's thread. */
  interface EventListener {
    void event(Event event);

    /** The stream ended: {@code cause} null when the engine closed it, else why it broke. */
    void ended(@Nullable Throwable cause);
  }

  /** The engine's facts and its clock, in nanoseconds since the epoch (0 when it did not say). */
  record EngineState(EngineFacts facts, long timeNanos) {}

  private <T> T call(String operation, Function<DockerClient, T> request) throws EngineException {
    return guarded(operation, () -> calls, c -> calls = c, request);
  }

  /**
   * Runs {@code request} on the client {@code current} gives; closes and replaces it if it
   * overruns.
   */
  private <T> T guarded(
      String operation,
      Supplier<DockerClient> current,
      Consumer<DockerClient> replace,
      Function<DockerClient, T> request)
      throws EngineException {
    DockerClient client = current.get();
    AtomicBoolean overran = new AtomicBoolean();
    ScheduledFuture<?> guard =
        watchdog.schedule(
            () -> {
              overran.set(true);
              synchronized (this) {
                if (current.get() == client) {
                  replace.accept(client(endpoint, tls, timeout, timeout));
                }
              }
              closeAside(client);
            },
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
    try {
      return handled(operation, () -> request.apply(client));
    } catch (EngineException e) {
      if (overran.get()) {
        throw new EngineException(
            operation + " on " + endpoint + ": no answer within " + timeout.toMillis() + " ms", 0);
      }
      throw e;
    } finally {
      guard.cancel(false);
    }
  }

  private <T> T handled(String operation, Supplier<T> request) throws EngineException {
    try {
      T result = request.get();
      if (result == null
          && !operation.equals("ping")) { // a ping's answer is "OK", which docker-java drops
        throw new EngineException(operation + " on " + endpoint + ": empty answer", 0);
      }
      return result;
    } catch (DockerException e) {
      throw new EngineException(
          operation + " on " + endpoint + ": " + e.getHttpStatus() + " " + brief(e.getMessage()),
          e.getHttpStatus());
    } catch (RuntimeException e) {
      // Transport failures (refused, reset, timed out, unparsable body) all arrive as unchecked
      // exceptions.
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new EngineException(
          operation + " on " + endpoint + ": " + brief(String.valueOf(cause)), e);
    }
  }

  private static String brief(@Nullable String s) {
    String one = s == null ? "" : s.strip().replaceAll("\\s+", " ");
    return one.length() > 300 ? one.substring(0, 300) + "…" : one;
  }

  private static String nonNull(@Nullable String s) {
    return s == null ? "" : s;
  }

  static long engineTimeNanos(String systemTime) {
    if (systemTime == null) {
      return 0;
    }
    try {
      Instant t = Instant.parse(systemTime);
      return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    } catch (DateTimeParseException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
    closeQuietly(events);
    closeQuietly(calls);
    closeQuietly(pings);
  }

  /**
   * Closes an overrun client on a thread of its own: the watchdog is one thread for every call, and
   * a close that blocks (a connection's graceful close behind the stalled read) must not keep it
   * from freeing the next stalled call.
   */
  private static void closeAside(Closeable c) {
    Thread t = new Thread(() -> closeQuietly(c), "opspulse-engine-close");
    t.setDaemon(true);
    t.start();
  }

  static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      // closing sockets: nothing to do about a failure
    }
  }

  /**
   * docker-java's configuration with nothing read from the environment, system properties or the
   * user's home: the exporter's own configuration already decided the endpoint and TLS, and it
   * never talks to a registry.
   */
  private record FixedConfig(URI dockerHost) implements DockerClientConfig {
    @Override
    public URI getDockerHost() {
      return dockerHost;
    }

    @Override
    public RemoteApiVersion getApiVersion() {
      return RemoteApiVersion.unknown();
    }

    @Override
    public @Nullable String getRegistryUsername() {
      return null;
    }

    @Override
    public @Nullable String getRegistryPassword() {
      return null;
    }

    @Override
    public @Nullable String getRegistryEmail() {
      return null;
    }

    @Override
    public @Nullable String getRegistryUrl() {
      return null;
    }

    @Override
    public @Nullable AuthConfig effectiveAuthConfig(String imageName) {
      return null;
    }

    @Override
    public AuthConfigurations getAuthConfigurations() {
      return new AuthConfigurations();
    }

    @Override
    public com.github.dockerjava.core.@Nullable SSLConfig getSSLConfig() {
      return null; // the transport was built with it; docker-java reads it only to build its own
    }
  }
}
