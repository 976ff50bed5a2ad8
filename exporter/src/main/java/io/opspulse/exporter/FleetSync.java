package io.opspulse.exporter;

import com.fasterxml.jackson.databind.JsonNode;
import io.opspulse.exporter.FleetView.EngineFacts;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps {@link FleetModel} in step with the engine: a full list+inspect at start, then the event stream,
 * a resync on a period and whenever the stream breaks, and reconnection with backoff while the engine is
 * away ({@code docker_up 0} meanwhile). The stream is reopened from the engine time of the last event it
 * delivered, so events that happened while it was down are replayed rather than lost.
 */
final class FleetSync implements Closeable {
  private static final Logger LOG = Logger.getLogger(FleetSync.class.getName());
  /** Actions that change what the exporter shows; health checks' exec_* events are noise. */
  private static final Set<String> INSPECT_ACTIONS = Set.of(
      "create", "start", "restart", "rename", "pause", "unpause", "health_status", "update", "stop", "kill");

  private final EngineClient engine;
  private final FleetModel model;
  private final ComposeReconciler compose;
  private final SelfStats stats;
  private final Duration resyncPeriod;
  private final Duration maxBackoff;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "opspulse-resync"));
  private final Thread follower;
  private volatile boolean closed;
  private volatile EngineClient.EventStream stream;
  /** Engine time (seconds, with fraction) from which the next stream must replay. */
  private volatile String since;

  FleetSync(EngineClient engine, FleetModel model, ComposeReconciler compose, SelfStats stats,
      Duration resyncPeriod, Duration maxBackoff) {
    this.engine = engine;
    this.model = model;
    this.compose = compose;
    this.stats = stats;
    this.resyncPeriod = resyncPeriod;
    this.maxBackoff = maxBackoff;
    this.follower = daemon(this::follow, "opspulse-events");
  }

  void start() {
    follower.start();
    long period = resyncPeriod.toMillis();
    timer.scheduleAtFixedRate(() -> {
      if (model.isUp()) {
        try {
          resync("period");
        } catch (EngineException e) {
          LOG.warning("periodic resync failed: " + e.getMessage());
        }
      }
    }, period, period, TimeUnit.MILLISECONDS);
  }

  /** Lists and inspects every container, replaces the model's picture, re-reads compose files. */
  synchronized void resync(String cause) throws EngineException {
    JsonNode info = call("info", "/info");
    JsonNode version = call("version", "/version");
    model.setEngine(new EngineFacts(version.path("Version").asText(""), version.path("ApiVersion").asText(""),
        info.path("NCPU").asInt(0), info.path("MemTotal").asLong(0)));
    JsonNode list = call("list", "/containers/json?all=1");
    List<ContainerInfo> infos = new ArrayList<>(list.size());
    for (JsonNode c : list) {
      String id = c.path("Id").asText();
      try {
        infos.add(ContainerInfo.fromInspect(engine.get("/containers/" + id + "/json")));
      } catch (EngineException e) {
        if (!e.isNotFound()) {
          stats.apiError("inspect");
          throw e;
        }
        // Removed between list and inspect: it is simply gone.
      }
    }
    model.replaceAll(infos);
    refreshCompose();
    model.setUp(true);
    stats.resync(cause);
  }

  private JsonNode call(String operation, String path) throws EngineException {
    try {
      return engine.get(path);
    } catch (EngineException e) {
      stats.apiError(operation);
      throw e;
    }
  }

  private void follow() {
    long backoffMillis = 250;
    String cause = "start";
    while (!closed) {
      try {
        if (since == null) {
          // Take the engine's clock before the resync, so nothing between the list and the stream is lost.
          since = engineTime(call("info", "/info"));
        }
        resync(cause);
        backoffMillis = 250;
        try (EngineClient.EventStream events = engine.openEvents(since)) {
          stream = events;
          events.forEach(this::handle);
        }
        cause = "stream_broken";
      } catch (EngineException e) {
        if (closed) {
          return;
        }
        if (model.isUp()) {
          LOG.warning("lost the Docker engine at " + engine.endpoint() + ": " + e.getMessage());
        }
        model.setUp(false);
        cause = "reconnect";
        sleep(backoffMillis);
        backoffMillis = Math.min(backoffMillis * 2, maxBackoff.toMillis());
      } catch (IOException e) {
        if (closed) {
          return;
        }
        LOG.log(Level.INFO, "event stream broke, resyncing: " + e.getMessage());
        stats.apiError("events");
        cause = "stream_broken";
        sleep(backoffMillis);
      } catch (RuntimeException e) {
        // A bug must not end the follower: log it, resync, go on.
        LOG.log(Level.SEVERE, "unexpected failure following events", e);
        cause = "stream_broken";
        sleep(1000);
      }
    }
  }

  void handle(JsonNode event) {
    String action = event.path("Action").asText(event.path("status").asText(""));
    int colon = action.indexOf(':');
    if (colon >= 0) {
      action = action.substring(0, colon); // "health_status: unhealthy"
    }
    if (action.startsWith("exec_")) {
      return;
    }
    long timeNano = event.path("timeNano").asLong(event.path("time").asLong() * 1_000_000_000L);
    since = (timeNano / 1_000_000_000L) + "." + String.format("%09d", timeNano % 1_000_000_000L);
    stats.event(action, timeNano / 1e9);
    String id = event.path("Actor").path("ID").asText(event.path("id").asText(""));
    JsonNode attributes = event.path("Actor").path("Attributes");
    switch (action) {
      case "destroy" -> model.remove(id);
      case "oom" -> model.recordOom(id, timeNano);
      case "die" -> {
        ContainerInfo after = inspect(id);
        // Docker clears OOMKilled when a restart policy starts the container again; only trust it while stopped.
        boolean oom = after != null && !after.isRunning() && after.oomKilled();
        model.recordExit(id, attributes.path("exitCode").asInt(-1), timeNano,
            attributes.path(ContainerInfo.PROJECT).asText(""), attributes.path(ContainerInfo.SERVICE).asText(""), oom);
      }
      default -> {
        if (INSPECT_ACTIONS.contains(action)) {
          inspect(id);
          if (action.equals("create") && !attributes.path(ContainerInfo.PROJECT).asText("").isEmpty()) {
            refreshCompose();
          }
        }
      }
    }
  }

  private void refreshCompose() {
    compose.refresh(model.composeLabels());
    model.forgetProjects(compose.expired(model.projectsWithServiceCounts()));
    model.touch();
  }

  /** Inspects and records one container; returns what the engine said, or null when it could not. */
  private ContainerInfo inspect(String id) {
    try {
      ContainerInfo info = ContainerInfo.fromInspect(engine.get("/containers/" + id + "/json"));
      model.upsert(info);
      return info;
    } catch (EngineException e) {
      if (e.isNotFound()) {
        model.remove(id);
      } else {
        stats.apiError("inspect");
        LOG.fine("inspect " + id + " failed: " + e.getMessage());
      }
      return null;
    }
  }

  private static String engineTime(JsonNode info) {
    String text = info.path("SystemTime").asText("");
    try {
      java.time.Instant t = java.time.Instant.parse(text);
      return t.getEpochSecond() + "." + String.format("%09d", t.getNano());
    } catch (java.time.format.DateTimeParseException e) {
      long now = System.currentTimeMillis();
      return (now / 1000) + "." + String.format("%09d", (now % 1000) * 1_000_000);
    }
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
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
    EngineClient.EventStream s = stream;
    if (s != null) {
      s.close();
    }
    follower.interrupt();
  }
}
