package io.opspulse.exporter;

import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import java.io.Closeable;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Keeps {@link FleetModel} in step with the engine.
 *
 * <p>One thread, the writer, makes every change to the model and takes every inspect: the start-up
 * list+inspect, each event's inspect, periodic resyncs, cgroup samples. Events arrive on
 * docker-java's stream thread and timers fire on their own, but both only queue work for the
 * writer. So inspects are applied in the order they were taken, a resync cannot bring back a
 * container whose destroy was handled while it ran, nor drop one created meanwhile ({@link
 * FleetModel#retainListed}), and no lock is held across an API call. Queued events are handled
 * between a resync's inspects, so a long resync delays them by one inspect, not by the whole
 * resync.
 *
 * <p>Nothing ends a loop: every task runs under a catch-all that counts the failure by task and
 * goes on. One container whose inspect fails keeps its last state and is skipped; the resync goes
 * on and {@code docker_up} stays as it is.
 *
 * <p>Liveness: a ping on a schedule puts {@code docker_up} to 0 and drops the stream when the
 * engine does not answer; a resync that finds a container started or stopped after the stream's
 * last event, long enough ago that its event must have arrived, proves the stream silent and
 * reopens it. The stream is reopened from the engine time of the last event it delivered, so
 * nothing between is lost, and replayed events are recognised by {@link FleetModel}.
 */
final class FleetSync implements Closeable {
  private static final Logger LOG = Logger.getLogger(FleetSync.class.getName());

  /**
   * Actions after which an inspect tells what changed; health checks' exec_* events are handled
   * apart.
   */
  private static final Set<String> INSPECT_ACTIONS =
      Set.of(
          "create",
          "start",
          "restart",
          "rename",
          "pause",
          "unpause",
          "health_status",
          "update",
          "stop",
          "kill");

  /**
   * How long an event may take from the engine to us before its absence means the stream is silent.
   */
  private static final long STREAM_GRACE_NANOS = Duration.ofSeconds(5).toNanos();

  /**
   * More queued work than this means the writer cannot keep up: drop the queue and resync instead.
   */
  private static final int MAX_QUEUED = 100_000;

  private final EngineClient engine;
  private final FleetModel model;
  private final ComposeReconciler compose;
  private final SelfStats stats;
  private final Duration resyncPeriod;
  private final Duration maxBackoff;
  private final Duration pingInterval;
  private final BlockingQueue<Task> inbox = new LinkedBlockingQueue<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "opspulse-sync-timer"));
  private final Thread writer;
  private final AtomicBoolean resyncQueued = new AtomicBoolean();
  private final AtomicBoolean overflowed = new AtomicBoolean();
  private final Set<String> loggedFailures = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  // Written by the writer only (volatile where the timer or close() read them).
  private volatile @Nullable Closeable stream;
  private long streamGeneration;
  private volatile boolean connected;
  private String reconnectCause = "start";

  /** Health-check execs started and not yet seen to end: exec id to container id. */
  private final Map<String, String> runningChecks = new HashMap<>();

  /**
   * Engine time of the last event received (written on the stream thread): where a replay starts.
   */
  private volatile long lastEventNanos;

  FleetSync(
      EngineClient engine,
      FleetModel model,
      ComposeReconciler compose,
      SelfStats stats,
      Duration resyncPeriod,
      Duration maxBackoff,
      Duration pingInterval) {
    this.engine = engine;
    this.model = model;
    this.compose = compose;
    this.stats = stats;
    this.resyncPeriod = resyncPeriod;
    this.maxBackoff = maxBackoff;
    this.pingInterval = pingInterval;
    this.writer = daemon(this::writeLoop, "opspulse-fleet-writer");
  }

  void start() {
    writer.start();
    long period = resyncPeriod.toMillis();
    timer.scheduleWithFixedDelay(
        () ->
            guarded(
                "resync-timer",
                () -> {
                  if (resyncQueued.compareAndSet(false, true)) {
                    post(new Resync());
                  }
                }),
        period,
        period,
        TimeUnit.MILLISECONDS);
    long ping = pingInterval.toMillis();
    timer.scheduleWithFixedDelay(
        () -> guarded("ping", this::ping), ping, ping, TimeUnit.MILLISECONDS);
  }

  /**
   * Queues work that must run on the writer: what other threads (the cgroup sampler) use to change
   * the model. Before {@link #start()}, and after {@link #close()}, it is dropped.
   */
  void submit(String name, Runnable change) {
    post(new Change(name, change));
  }

  /** One list+inspect on the calling thread, for {@code report}, which never starts the writer. */
  void resyncOnce() throws EngineException {
    resync("start");
  }

  // --- the writer ---

  private sealed interface Task
      permits EventTask, StreamEnded, Resync, PingFailed, CheckDone, Change, Stop {}

  private record EventTask(Event event) implements Task {}

  private record StreamEnded(long generation, @Nullable Throwable cause) implements Task {}

  private record Resync() implements Task {}

  private record PingFailed(@Nullable String why) implements Task {}

  /** A health check started a while ago: if its exec has not ended, the check timed out. */
  private record CheckDone(String execId) implements Task {}

  private record Change(String name, Runnable change) implements Task {}

  private record Stop() implements Task {}

  private void post(Task task) {
    if (closed || !writer.isAlive() && !(task instanceof Stop)) {
      return;
    }
    if (inbox.size() >= MAX_QUEUED) {
      // The writer is far behind (a stalled engine, say): the resync it will do replaces what is
      // dropped.
      if (overflowed.compareAndSet(false, true)) {
        inbox.clear();
        LOG.warning(
            "fleet writer fell " + MAX_QUEUED + " tasks behind: dropping them for a full resync");
      }
      return;
    }
    inbox.add(task);
  }

  private void writeLoop() {
    long backoffMillis = 250;
    while (!closed) {
      if (!connected) {
        if (connect()) {
          backoffMillis = 250;
        } else {
          waitForWork(backoffMillis);
          backoffMillis = Math.min(backoffMillis * 2, maxBackoff.toMillis());
          continue;
        }
      }
      if (overflowed.getAndSet(false)) {
        guarded("resync", () -> resyncOrDisconnect("overflow"));
        continue;
      }
      try {
        Task task = inbox.poll(1, TimeUnit.SECONDS);
        if (task != null) {
          run(task, false);
        }
      } catch (InterruptedException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  /** Sleeps for the backoff, but handles queued work meanwhile (and wakes at once on close). */
  private void waitForWork(long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    try {
      long left;
      while (!closed && (left = deadline - System.nanoTime()) > 0) {
        Task task = inbox.poll(left, TimeUnit.NANOSECONDS);
        if (task != null) {
          run(task, false);
        }
      }
    } catch (InterruptedException e) {
      // closing
    }
  }

  /**
   * Resyncs and opens the event stream; false (and docker_up 0) when the engine does not answer.
   */
  private boolean connect() {
    try {
      long since = lastEventNanos;
      if (since == 0) {
        // The engine's clock before the first list, so nothing between the list and the stream is
        // lost.
        since = call("info", engine::state).timeNanos();
      }
      resync(reconnectCause);
      openStream(since);
      connected = true;
      return true;
    } catch (EngineException e) {
      if (model.isUp() || "start".equals(reconnectCause)) {
        LOG.warning(
            "cannot reach the Docker engine at " + engine.endpoint() + ": " + e.getMessage());
      }
      model.setUp(false);
      reconnectCause = "reconnect";
      return false;
    } catch (RuntimeException e) {
      failed("connect", e);
      model.setUp(false);
      reconnectCause = "reconnect";
      return false;
    }
  }

  private void openStream(long sinceNanos) throws EngineException {
    long generation = ++streamGeneration;
    lastEventNanos = sinceNanos;
    stream =
        engine.followEvents(
            sinceNanos,
            new EngineClient.EventListener() {
              @Override
              public void event(Event event) {
                Long t = event.getTimeNano();
                if (t != null && t > lastEventNanos) {
                  lastEventNanos = t;
                }
                post(new EventTask(event));
              }

              @Override
              public void ended(@Nullable Throwable cause) {
                post(new StreamEnded(generation, cause));
              }
            });
  }

  private void dropStream(String cause) {
    Closeable s = stream;
    stream = null;
    streamGeneration++; // whatever the old stream says about its end is no longer news
    if (s != null) {
      EngineClient.closeQuietly(s);
    }
    connected = false;
    reconnectCause = cause;
  }

  /**
   * Runs one task under the catch-all. {@code inResync}: queued events handled between a resync's
   * inspects.
   */
  private void run(Task task, boolean inResync) {
    if (task instanceof EventTask e) {
      guarded("event", () -> handle(e.event()));
    } else if (task instanceof CheckDone c) {
      guarded("health", () -> checkDone(c.execId()));
    } else if (task instanceof Change c) {
      guarded(c.name(), c.change());
    } else if (task instanceof StreamEnded s) {
      if (s.generation() == streamGeneration) {
        if (s.cause() != null) {
          stats.apiError("events");
          LOG.info("event stream broke, resyncing: " + s.cause());
        }
        dropStream("stream_broken");
      }
    } else if (task instanceof PingFailed p) {
      LOG.warning("the Docker engine at " + engine.endpoint() + " does not answer: " + p.why());
      model.setUp(false);
      dropStream("reconnect");
    } else if (task instanceof Resync) {
      resyncQueued.set(false);
      if (!inResync && connected) {
        guarded("resync", () -> resyncOrDisconnect("period"));
      }
    }
  }

  private void resyncOrDisconnect(String cause) {
    try {
      resync(cause);
    } catch (EngineException e) {
      LOG.warning(cause + " resync failed: " + e.getMessage());
      model.setUp(false);
      dropStream("reconnect");
    }
  }

  /**
   * Lists and inspects every container. A container whose inspect fails for any reason but "gone"
   * keeps its last known state; only the list and the engine facts failing fail the resync.
   */
  private void resync(String cause) throws EngineException {
    EngineClient.EngineState state = call("info", engine::state);
    model.setEngine(state.facts());
    long mark = model.mark();
    List<String> ids = call("list", engine::containerIds);
    long newestChange = 0;
    for (String id : ids) {
      handleQueued();
      ContainerInfo info = inspect(id);
      if (info != null) {
        newestChange =
            Math.max(newestChange, Math.max(nanos(info.startedAt()), nanos(info.finishedAt())));
      }
    }
    model.retainListed(new HashSet<>(ids), mark);
    model.setUp(true);
    stats.resync(cause);
    guarded("compose", this::refreshCompose);
    if (connected
        && newestChange > lastEventNanos
        && newestChange < state.timeNanos() - STREAM_GRACE_NANOS) {
      // A start or an exit happened after the last event we received, long ago enough that its
      // event
      // must have arrived: the stream is open but silent (a half-open connection, a stuck proxy).
      LOG.warning(
          "the event stream missed a change of "
              + Duration.ofNanos(state.timeNanos() - newestChange).toSeconds()
              + " s ago: reopening it");
      stats.apiError("events");
      dropStream("stream_silent");
    }
  }

  /**
   * Between a resync's inspects: events and other queued work, so they wait one inspect, not the
   * resync.
   */
  private void handleQueued() {
    Task task;
    while ((task = inbox.poll()) != null) {
      run(task, true);
    }
  }

  private <T> T call(String operation, EngineCall<T> call) throws EngineException {
    try {
      return call.get();
    } catch (EngineException e) {
      stats.apiError(operation);
      throw e;
    }
  }

  private interface EngineCall<T> {
    T get() throws EngineException;
  }

  void handle(Event event) {
    String action =
        event.getAction() != null ? event.getAction() : String.valueOf(event.getStatus());
    int colon = action.indexOf(':');
    if (colon >= 0) {
      action = action.substring(0, colon); // "health_status: unhealthy", "exec_start: /bin/sh -c …"
    }
    long timeNano =
        event.getTimeNano() != null
            ? event.getTimeNano()
            : (event.getTime() != null ? event.getTime() * 1_000_000_000L : 0);
    Map<String, String> attributes =
        event.getActor() != null && event.getActor().getAttributes() != null
            ? event.getActor().getAttributes()
            : Map.of();
    if (event.getType() == EventType.NETWORK) {
      if ("disconnect".equals(action)) {
        startMayHaveFailed(attributes.getOrDefault("container", ""), timeNano);
      }
      return;
    }
    String id =
        event.getActor() != null && event.getActor().getId() != null
            ? event.getActor().getId()
            : String.valueOf(event.getId());
    stats.event(action, timeNano / 1e9);
    switch (action) {
      case "destroy" -> model.remove(id);
      case "oom" -> model.recordOom(id, timeNano);
      case "die" -> {
        ContainerInfo after = inspect(id);
        // Docker clears OOMKilled when a restart policy starts the container again; only trust it
        // while stopped.
        boolean oom = after != null && !after.isRunning() && after.oomKilled();
        model.recordExit(
            id,
            parseInt(attributes.get("exitCode"), -1),
            timeNano,
            attributes.getOrDefault(ContainerInfo.PROJECT, ""),
            attributes.getOrDefault(ContainerInfo.SERVICE, ""),
            oom);
      }
      case "exec_start" -> healthCheckStarted(id, attributes.getOrDefault("execID", ""));
      case "exec_die" ->
          healthCheckEnded(
              id, attributes.getOrDefault("execID", ""), parseInt(attributes.get("exitCode"), -1));
      default -> {
        if (INSPECT_ACTIONS.contains(action)) {
          inspect(id);
          if (action.equals("create")
              && !attributes.getOrDefault(ContainerInfo.PROJECT, "").isEmpty()) {
            refreshCompose();
          }
        }
      }
    }
  }

  /**
   * A container left a network: after a normal exit, or because its start failed, which Docker
   * reports with no die event (State.Error, exit 127 for a missing command). The inspect tells
   * which.
   */
  private void startMayHaveFailed(String id, long timeNano) {
    if (id.isEmpty()) {
      return;
    }
    ContainerInfo info = inspect(id);
    if (info != null && info.failedToStart()) {
      model.recordStartFailure(info, timeNano);
    }
  }

  /*
   * Docker sends health_status only when the status flips, so a failing streak that has not yet reached
   * the retries would go unseen. Each check is an exec: its end (exec_die, with the exit code) or its
   * timeout (no exec_die within the check's timeout) says when the streak may have moved, and only
   * then is the container inspected, so healthy containers with passing checks cost nothing.
   */
  private void healthCheckStarted(String id, String execId) {
    ContainerInfo info = model.container(id).orElse(null);
    if (info == null || !info.hasHealthcheck() || execId.isEmpty()) {
      return;
    }
    runningChecks.put(execId, id);
    long waitMillis = (long) (info.healthcheckTimeoutSeconds() * 1000) + 1000;
    timer.schedule(() -> post(new CheckDone(execId)), waitMillis, TimeUnit.MILLISECONDS);
  }

  private void healthCheckEnded(String id, String execId, int exitCode) {
    runningChecks.remove(execId);
    ContainerInfo info = model.container(id).orElse(null);
    if (info != null
        && info.hasHealthcheck()
        && (exitCode != 0
            || info.healthFailingStreak() > 0
            || !"healthy".equals(info.healthStatus()))) {
      inspect(id);
    }
  }

  private void checkDone(String execId) {
    String id = runningChecks.remove(execId);
    if (id != null) {
      inspect(id); // still running past its timeout: Docker has counted it as a failed check
    }
  }

  private void refreshCompose() {
    compose.refresh(model.composeLabels());
    model.forgetProjects(compose.expired(model.projectsWithServiceCounts()));
    model.touch();
  }

  /**
   * Inspects and records one container; returns what the engine said, or null when it could not.
   */
  private @Nullable ContainerInfo inspect(String id) {
    try {
      ContainerInfo info = engine.inspect(id);
      model.upsert(info);
      return info;
    } catch (EngineException e) {
      if (e.isNotFound()) {
        model.remove(id);
      } else {
        // Its last known state stays: one bad answer must not make a container vanish or freeze the
        // rest.
        stats.apiError("inspect");
        LOG.fine("inspect " + id + " failed: " + e.getMessage());
      }
      return null;
    }
  }

  private void ping() {
    if (!connected) {
      return; // the writer's reconnect loop is already finding out
    }
    try {
      engine.ping();
    } catch (EngineException e) {
      stats.apiError("ping");
      post(new PingFailed(e.getMessage()));
    }
  }

  /**
   * Runs {@code body}; any exception is counted under {@code task} and logged, and the caller goes
   * on.
   */
  private void guarded(String task, Runnable body) {
    try {
      body.run();
    } catch (RuntimeException | LinkageError | AssertionError e) {
      failed(task, e);
    }
  }

  private void failed(String task, Throwable e) {
    stats.taskFailure(task);
    if (loggedFailures.add(task + ':' + e.getClass().getName())) {
      LOG.log(
          Level.WARNING,
          "fleet task '"
              + task
              + "' failed; it goes on (later failures of this kind are logged at FINE)",
          e);
    } else {
      LOG.log(Level.FINE, "fleet task '" + task + "' failed", e);
    }
  }

  private static long nanos(@Nullable Instant t) {
    return t == null ? 0 : t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static int parseInt(@Nullable String s, int otherwise) {
    try {
      return s == null ? otherwise : Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    writer.interrupt();
    try {
      writer.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Closeable s = stream;
    if (s != null) {
      EngineClient.closeQuietly(s);
    }
  }
}
