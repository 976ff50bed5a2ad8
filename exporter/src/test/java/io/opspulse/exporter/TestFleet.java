package io.opspulse.exporter;

import io.opspulse.exporter.FleetView.ContainerView;
import io.opspulse.exporter.FleetView.EngineFacts;
import io.opspulse.exporter.FleetView.LastExit;
import io.opspulse.exporter.FleetView.ServiceView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fleets for tests, built by name instead of by position: the one place in the tests that knows how
 * a {@link ContainerInfo} and a {@link FleetView} are put together, so a change to either is one
 * edit here. Defaults describe a created, never-started container with no compose labels, no health
 * check, no limits.
 */
final class TestFleet {
  private boolean up = true;
  private EngineFacts engine = EngineFacts.UNKNOWN;
  private final List<ContainerView> containers = new ArrayList<>();
  private final List<ServiceView> services = new ArrayList<>();
  private final Map<String, DeclaredState.FileError> composeFileErrors = new LinkedHashMap<>();
  private final Map<ComposeLabels.Refusal, Integer> composeLabelsRefused =
      new java.util.EnumMap<>(ComposeLabels.Refusal.class);
  private long version = 1;

  static TestFleet fleet() {
    return new TestFleet();
  }

  static Container container(String name) {
    return new Container(name);
  }

  TestFleet up(boolean up) {
    this.up = up;
    return this;
  }

  TestFleet engine(String version, String apiVersion, int cpus, long memoryBytes) {
    this.engine = new EngineFacts(version, apiVersion, cpus, memoryBytes);
    return this;
  }

  TestFleet with(Container c) {
    containers.add(c.view());
    return this;
  }

  TestFleet service(
      String project, String service, int desired, int running, Map<ExitReason, Long> exits) {
    services.add(new ServiceView(project, service, desired, running, true, exits));
    return this;
  }

  TestFleet composeFileError(String path, ComposeFileException.Kind kind, String message) {
    composeFileErrors.put(path, new DeclaredState.FileError(kind, message));
    return this;
  }

  TestFleet composeLabelRefused(ComposeLabels.Refusal reason) {
    composeLabelsRefused.merge(reason, 1, Integer::sum);
    return this;
  }

  TestFleet version(long version) {
    this.version = version;
    return this;
  }

  FleetView build() {
    return new FleetView(
        version, up, engine, containers, services, composeFileErrors, composeLabelsRefused);
  }

  /** One container: what inspect says about it, and what the exporter has counted for it. */
  static final class Container {
    private String id;
    private final String name;
    private String image = "busybox:1.36";
    private final Map<String, String> labels = new LinkedHashMap<>();
    private String state = "created";
    private int exitCode;
    private boolean oomKilled;
    private Instant startedAt;
    private Instant finishedAt;
    private int restartCount;
    private long pid;
    private String healthStatus = "";
    private int healthFailingStreak;
    private double healthcheckIntervalSeconds;
    private double healthcheckTimeoutSeconds;
    private double cpuLimitCores;
    private long memoryLimitBytes;
    private long memoryReservationBytes;
    private String startError = "";
    private final Map<String, Integer> refusedLabels = new java.util.TreeMap<>();
    private Origin origin = Origin.UNMANAGED;
    private long restarts;
    private final Map<ExitReason, Long> exits = new EnumMap<>(ExitReason.class);
    private long oomKills;
    private LastExit lastExit;
    private ContainerUsage usage = ContainerUsage.NONE;

    private Container(String name) {
      this.name = name;
      this.id =
          String.format("%08x", name.hashCode())
              .repeat(8); // 64 hex digits, like Docker's, stable per name
    }

    Container id(String id) {
      this.id = id;
      return this;
    }

    Container image(String image) {
      this.image = image;
      return this;
    }

    Container label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    Container compose(String project, String service) {
      return label(ContainerInfo.PROJECT, project).label(ContainerInfo.SERVICE, service);
    }

    /** Running since {@code startedAt}, as init pid {@code pid}. */
    Container running(Instant startedAt, long pid) {
      this.state = "running";
      this.startedAt = startedAt;
      this.pid = pid;
      return this;
    }

    Container state(String state) {
      this.state = state;
      return this;
    }

    /**
     * Exited with {@code code} at {@code at}: what inspect shows, and the exit the exporter saw.
     */
    Container exited(int code, Instant at) {
      this.state = "exited";
      this.exitCode = code;
      this.finishedAt = at;
      this.lastExit = new LastExit(code, ExitReason.classify(code, oomKilled), at);
      return this;
    }

    /** Docker could not start it: State.Error set, the exit code given, no process ever ran. */
    Container failedToStart(int code, String error) {
      this.state = "created";
      this.exitCode = code;
      this.startError = error;
      return this;
    }

    Container refusedLabel(String reason) {
      refusedLabels.merge(reason, 1, Integer::sum);
      return this;
    }

    Container restartCount(int n) {
      this.restartCount = n;
      return this;
    }

    Container oomKilled() {
      this.oomKilled = true;
      return this;
    }

    Container health(
        String status, int failingStreak, double intervalSeconds, double timeoutSeconds) {
      this.healthStatus = status;
      this.healthFailingStreak = failingStreak;
      this.healthcheckIntervalSeconds = intervalSeconds;
      this.healthcheckTimeoutSeconds = timeoutSeconds;
      return this;
    }

    Container limits(double cpuCores, long memoryBytes, long memoryReservationBytes) {
      this.cpuLimitCores = cpuCores;
      this.memoryLimitBytes = memoryBytes;
      this.memoryReservationBytes = memoryReservationBytes;
      return this;
    }

    Container origin(Origin origin) {
      this.origin = origin;
      return this;
    }

    /** Restarts as Docker reports them and as the exporter has counted them. */
    Container restarts(int n) {
      this.restartCount = n;
      this.restarts = n;
      return this;
    }

    Container exits(ExitReason reason, long n) {
      exits.put(reason, n);
      return this;
    }

    Container oomKills(long n) {
      this.oomKills = n;
      return this;
    }

    Container usage(double cpuSeconds, long memoryBytes, long pids) {
      this.usage = new ContainerUsage(cpuSeconds, memoryBytes, pids);
      return this;
    }

    ContainerInfo info() {
      return new ContainerInfo(
          id,
          name,
          image,
          labels,
          state,
          exitCode,
          oomKilled,
          startedAt,
          finishedAt,
          restartCount,
          pid,
          healthStatus,
          healthFailingStreak,
          healthcheckIntervalSeconds,
          healthcheckTimeoutSeconds,
          cpuLimitCores,
          memoryLimitBytes,
          memoryReservationBytes,
          startError,
          refusedLabels);
    }

    ContainerView view() {
      return new ContainerView(info(), origin, restarts, exits, oomKills, lastExit, usage);
    }
  }
}
