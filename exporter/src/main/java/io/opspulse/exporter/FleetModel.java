package io.opspulse.exporter;

import io.opspulse.exporter.FleetView.ContainerView;
import io.opspulse.exporter.FleetView.EngineFacts;
import io.opspulse.exporter.FleetView.LastExit;
import io.opspulse.exporter.FleetView.ServiceView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The exporter's memory of the fleet, fed by list+inspect resyncs and by events, read by scrapes.
 *
 * <p>One writer: every method that changes the model is called from {@link FleetSync}'s writer
 * thread alone, which also takes every inspect, so an inspect is always applied before any later
 * one and a stale answer can never overwrite a fresher one. Readers (scrapes, the cgroup sampler,
 * the GPU probe) take the lock for a consistent picture.
 *
 * <p>Counters here never go backwards: restarts grow by the increase of Docker's RestartCount
 * between two inspects (a drop, after a manual start or an engine restart, starts a new base
 * instead of subtracting), and exits are counted from die events, de-duplicated by their time so an
 * event stream replayed after a reconnect counts nothing twice. The de-duplication keys outlive the
 * container (a bounded set of recent ones), so a replayed die of a container removed meanwhile is
 * not counted again for its service. Service exit counts are kept by compose project and service,
 * so they survive containers being removed and re-created with new ids.
 */
final class FleetModel {
  private final Map<String, Tracked> containers = new HashMap<>();
  private final Map<ServiceKey, EnumMap<ExitReason, Long>> serviceExits = new HashMap<>();

  /** Deaths, OOM kills and failed starts already counted, by (kind, id, engine time). */
  private final RecentKeys counted = new RecentKeys(16_384);

  /** Moves on every insert; a resync keeps what was inserted after its list was taken. */
  private long sequence;

  private EngineFacts engine = EngineFacts.UNKNOWN;
  private boolean up;
  private long version;

  synchronized void setUp(boolean up) {
    if (this.up != up) {
      this.up = up;
      version++;
    }
  }

  synchronized boolean isUp() {
    return up;
  }

  synchronized void setEngine(EngineFacts facts) {
    if (!facts.equals(engine)) {
      engine = facts;
      version++;
    }
  }

  /** Where a resync's list was taken: containers inserted after it are not the list's to judge. */
  synchronized long mark() {
    return sequence;
  }

  /**
   * The end of a resync: containers the engine did not list are gone, unless they were first seen
   * after the list was taken (created meanwhile, their create event handled during the resync).
   */
  synchronized void retainListed(Set<String> listed, long mark) {
    if (containers.values().removeIf(t -> t.insertedAt <= mark && !listed.contains(t.info.id()))) {
      version++;
    }
  }

  synchronized void upsert(ContainerInfo info) {
    upsertLocked(info);
    version++;
  }

  private void upsertLocked(ContainerInfo info) {
    Tracked t = containers.get(info.id());
    if (t == null) {
      t = new Tracked(info, ++sequence);
      // First sight: Docker's own count is the best start a fresh exporter has.
      t.restarts = info.restartCount();
      containers.put(info.id(), t);
    } else if (info.restartCount() > t.lastRestartCount) {
      t.restarts += info.restartCount() - t.lastRestartCount;
    }
    t.lastRestartCount = info.restartCount();
    // Inspect tells the last exit only while the container is not running again: Docker clears the
    // exit code on start. Events fill in the rest.
    // A die event already gave this death its reason (with the oom event's witness, which inspect
    // loses
    // once a restart policy is involved); inspect only fills in deaths no event told of.
    Instant finished = info.finishedAt(); // non-null exactly when info.hasExited()
    if (!info.isRunning()
        && finished != null
        && (t.lastExit == null || finished.isAfter(t.lastExit.at().plusSeconds(2)))) {
      t.lastExit = new LastExit(info.exitCode(), info.lastExitReason(), finished);
    } else if (info.failedToStart() && (t.lastExit == null || !t.info.failedToStart())) {
      // No process ran, so there is no FinishedAt: the moment it was seen failed stands in.
      t.lastExit = new LastExit(info.exitCode(), info.lastExitReason(), Instant.now());
    }
    t.info = info;
  }

  /**
   * A network disconnect after which the container is in the failed-to-start state: one failed
   * start, counted as an exit (Docker sends no die event for it). Keyed by the event, so a replay
   * counts nothing.
   */
  synchronized void recordStartFailure(ContainerInfo info, long timeNano) {
    if (!info.failedToStart() || !counted.add("start-failure", info.id(), timeNano)) {
      return;
    }
    upsertLocked(info);
    Tracked t = Objects.requireNonNull(containers.get(info.id()), "upsertLocked tracks it");
    ExitReason reason = info.lastExitReason();
    t.exits.merge(reason, 1L, Long::sum);
    t.lastExit = new LastExit(info.exitCode(), reason, Instant.ofEpochSecond(0, timeNano));
    countForService(info.composeProject(), info.composeService(), reason);
    version++;
  }

  private void countForService(String project, String service, ExitReason reason) {
    if (!project.isEmpty() && !service.isEmpty()) {
      serviceExits
          .computeIfAbsent(new ServiceKey(project, service), k -> new EnumMap<>(ExitReason.class))
          .merge(reason, 1L, Long::sum);
    }
  }

  synchronized void remove(String id) {
    if (containers.remove(id) != null) {
      version++;
    }
  }

  /**
   * A die event. {@code project}/{@code service} come from the event's own attributes, so the exit
   * counts for the service even when the container is already gone. {@code oomPerInspect} is what
   * an inspect right after the event said: the oom event can be late or missing when the process
   * dies fast, and then the inspect's OOMKilled flag is the only witness.
   */
  synchronized void recordExit(
      String id,
      int exitCode,
      long timeNano,
      String project,
      String service,
      boolean oomPerInspect) {
    if (!counted.add("die", id, timeNano)) {
      return; // replayed after a reconnect: already counted, whether or not the container is still
      // here
    }
    Tracked t = containers.get(id);
    boolean oom = oomPerInspect || (t != null && t.oomSinceStart);
    ExitReason reason = ExitReason.classify(exitCode, oom);
    if (t != null) {
      if (oomPerInspect && !t.oomSinceStart) {
        t.oomKills++;
        t.lastOomNano = timeNano; // a late oom event for this death is then not counted again
      }
      t.exits.merge(reason, 1L, Long::sum);
      t.lastExit = new LastExit(exitCode, reason, Instant.ofEpochSecond(0, timeNano));
      t.oomSinceStart = false;
    }
    countForService(project, service, reason);
    version++;
  }

  /** An oom event: the kernel killed a process of the container. */
  synchronized void recordOom(String id, long timeNano) {
    Tracked t = containers.get(id);
    if (t == null || timeNano <= t.lastOomNano || !counted.add("oom", id, timeNano)) {
      return;
    }
    t.lastOomNano = timeNano;
    t.oomKills++;
    t.oomSinceStart = true;
    version++;
  }

  synchronized void updateUsage(Map<String, ContainerUsage> usage) {
    usage.forEach(
        (id, u) -> {
          Tracked t = containers.get(id);
          if (t != null) {
            t.usage = u;
          }
        });
    version++;
  }

  /** Running containers and their init pids: what the cgroup sampler reads. */
  synchronized Map<String, Long> runningPids() {
    Map<String, Long> out = new HashMap<>();
    containers.forEach(
        (id, t) -> {
          if (t.info.isRunning() && t.info.pid() > 0) {
            out.put(id, t.info.pid());
          }
        });
    return out;
  }

  /**
   * Name and compose service of a container by its full id: what the GPU probe labels processes
   * with.
   */
  synchronized java.util.Optional<ContainerInfo> container(String fullId) {
    Tracked t = containers.get(fullId);
    return t == null ? java.util.Optional.empty() : java.util.Optional.of(t.info);
  }

  /**
   * The compose labels of each container in a project, as compose wrote them: the reconciler
   * resolves them.
   */
  synchronized List<ComposeLabels> composeLabels() {
    List<ComposeLabels> out = new ArrayList<>();
    for (Tracked t : containers.values()) {
      ComposeLabels l = ComposeLabels.of(t.info.labels());
      if (l != null) {
        out.add(l);
      }
    }
    return out;
  }

  /** Projects whose services' exit counts are kept. */
  synchronized Set<String> projectsWithServiceCounts() {
    Set<String> out = new HashSet<>();
    serviceExits.keySet().forEach(k -> out.add(k.project()));
    return out;
  }

  /** Forgets the service exit counts of projects gone for longer than the retention. */
  synchronized void forgetProjects(Set<String> projects) {
    if (!projects.isEmpty()
        && serviceExits.keySet().removeIf(k -> projects.contains(k.project()))) {
      version++;
    }
  }

  /** Something outside the model that views depend on (the declared state) changed. */
  synchronized void touch() {
    version++;
  }

  synchronized long version() {
    return version;
  }

  synchronized FleetView view(DeclaredState declared, OriginClassifier origins) {
    List<ContainerView> views = new ArrayList<>(containers.size());
    Map<ServiceKey, int[]> running = new HashMap<>();
    for (Tracked t : containers.values()) {
      ContainerInfo info = t.info;
      views.add(
          new ContainerView(
              info,
              origins.classify(info, declared),
              t.restarts,
              t.exits,
              t.oomKills,
              t.lastExit,
              t.usage));
      if (!info.composeProject().isEmpty()
          && !info.composeService().isEmpty()
          && !info.isOneOff()) {
        int[] n =
            running.computeIfAbsent(
                new ServiceKey(info.composeProject(), info.composeService()), k -> new int[1]);
        if (info.isRunning()) {
          n[0]++;
        }
      }
    }
    views.sort(
        Comparator.comparing((ContainerView v) -> v.info().name())
            .thenComparing(v -> v.info().id()));

    Map<ServiceKey, ServiceView> services = new LinkedHashMap<>();
    declared
        .projects()
        .forEach(
            (project, svcs) ->
                svcs.forEach(
                    (name, svc) -> {
                      ServiceKey key = new ServiceKey(project, name);
                      services.put(
                          key,
                          new ServiceView(
                              project,
                              name,
                              svc.desiredReplicas(declared.activeProfiles()),
                              running.getOrDefault(key, new int[1])[0],
                              true,
                              serviceExits.getOrDefault(key, new EnumMap<>(ExitReason.class))));
                    }));
    // Services seen only on containers or in exit counts: not (or no longer) declared.
    Set<ServiceKey> others = new HashSet<>(running.keySet());
    others.addAll(serviceExits.keySet());
    for (ServiceKey key : others) {
      services.computeIfAbsent(
          key,
          k ->
              new ServiceView(
                  k.project(),
                  k.service(),
                  0,
                  running.getOrDefault(k, new int[1])[0],
                  false,
                  serviceExits.getOrDefault(k, new EnumMap<>(ExitReason.class))));
    }
    List<ServiceView> serviceList = new ArrayList<>(services.values());
    serviceList.sort(
        Comparator.comparing(ServiceView::project).thenComparing(ServiceView::service));
    return new FleetView(
        version, up, engine, views, serviceList, declared.fileErrors(), declared.refusedLabels());
  }

  private record ServiceKey(String project, String service) {}

  private static final class Tracked {
    final long insertedAt;
    ContainerInfo info;
    long restarts;
    int lastRestartCount;
    final EnumMap<ExitReason, Long> exits = new EnumMap<>(ExitReason.class);
    long oomKills;
    boolean oomSinceStart;
    long lastOomNano;
    @Nullable LastExit lastExit;
    ContainerUsage usage = ContainerUsage.NONE;

    Tracked(ContainerInfo info, long insertedAt) {
      this.info = info;
      this.insertedAt = insertedAt;
    }
  }
}
