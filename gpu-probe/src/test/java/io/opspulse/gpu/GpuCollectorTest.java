package io.opspulse.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.catalog.GpuMetrics;
import io.opspulse.catalog.MetricDefinition;
import io.opspulse.testkit.Poll;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector over the real binding and the stand-in: what a scrape of the exporter would show.
 */
class GpuCollectorTest {
  static final String OLLAMA = CgroupOwnersTest.A;
  static final String WORKER = CgroupOwnersTest.B;

  @TempDir Path proc;
  final Map<String, ContainerRef> containers = new ConcurrentHashMap<>();
  final ContainerDirectory directory = id -> Optional.ofNullable(containers.get(id));

  @BeforeEach
  void containersOnTheHost() throws IOException {
    cgroup(5001, "0::/system.slice/docker-" + OLLAMA + ".scope");
    cgroup(5002, "0::/system.slice/docker-" + OLLAMA + ".scope");
    cgroup(6001, "12:memory:/docker/" + WORKER + "\n0::/system.slice/containerd.service");
    cgroup(7001, "0::/user.slice/user-1000.slice/session-4.scope");
    containers.put(OLLAMA, new ContainerRef(OLLAMA.substring(0, 12), "ai-ollama-1", "ollama"));
    containers.put(WORKER, new ContainerRef(WORKER.substring(0, 12), "ai-worker-1", "worker"));
  }

  private GpuCollector start(Duration interval) {
    return GpuCollector.builder()
        .procRoot(proc)
        .interval(interval)
        .containerDirectory(directory)
        .start();
  }

  private static Scenario incident() {
    // Report 002: GPUs at 0% with models loaded; GPU 1 runs two ollama runners and a worker.
    return Scenario.fullGpus(2)
        .processes(
            1,
            "5001:4294967296:0",
            "5002:1073741824:3",
            "6001:2147483648:40",
            "7001:104857600:1",
            "9999999:536870912:0");
  }

  @Test
  void everyCatalogGpuMetricIsPublishedWithExactlyItsCatalogLabels() {
    // Beside the incident: GPU 0 split into MIG instances, and an XID error on it.
    incident()
        .mig(0, "1g.5gb", "2g.10gb")
        .gpu(0, "mig.0.processes", "5001:1048576")
        .gpu(0, "xid", "79")
        .install();
    try (GpuCollector collector = start(Duration.ofHours(1))) {
      Poll.untilTrue(
          "the XID event to be counted",
          Duration.ofSeconds(30),
          () -> !collector.pollNow().devices().get(0).health().xidErrors().isEmpty());
      MetricSnapshots families = collector.collect();
      Map<String, MetricDefinition> byBaseName =
          GpuMetrics.ALL.stream().collect(Collectors.toMap(MetricDefinition::baseName, m -> m));
      Set<String> published = new HashSet<>();
      for (MetricSnapshot family : families) {
        String name = family.getMetadata().getPrometheusName();
        MetricDefinition def = byBaseName.get(name);
        assertThat(def).as("%s is in the catalog", name).isNotNull();
        assertThat(family.getMetadata().getHelp()).isEqualTo(def.help());
        assertThat(family.getDataPoints()).as(name).isNotEmpty();
        for (DataPointSnapshot p : family.getDataPoints()) {
          assertThat(labelNames(p.getLabels())).as(name).isEqualTo(new HashSet<>(def.labels()));
        }
        published.add(name);
      }
      assertThat(published).isEqualTo(byBaseName.keySet());
      assertThat(collector.getPrometheusNames())
          .containsExactlyInAnyOrderElementsOf(byBaseName.keySet());
    }
  }

  @Test
  void deviceReadingsArePublishedInBaseUnits() {
    incident().install();
    try (GpuCollector collector = start(Duration.ofHours(1))) {
      String text = MetricsText.render(collector.collect());
      // The text format sorts labels by name.
      String idName =
          "hw_id=\"GPU-3b4c5d6e-0000-1111-2222-333344445550\",hw_name=\"NVIDIA A100-SXM4-40GB\"";
      String gpu0 = "gpu=\"0\"," + idName;
      assertThat(text)
          .contains("opspulse_gpu_probe_up 1.0")
          .contains("opspulse_gpu_probe_status{status=\"ok\"} 1.0")
          .contains("opspulse_gpu_devices 2.0")
          .contains(
              "hw_gpu_utilization_ratio{gpu=\"0\",hw_gpu_task=\"general\"," + idName + "} 0.37")
          .contains(
              "hw_gpu_utilization_ratio{gpu=\"0\",hw_gpu_task=\"memory\"," + idName + "} 0.12")
          .contains("hw_gpu_memory_usage_bytes{" + gpu0 + "} 1.073741824E9")
          .contains("hw_gpu_memory_limit_bytes{" + gpu0 + "} 4.294967296E10")
          .contains("hw_power_watts{" + gpu0 + "} 123.456")
          .contains("opspulse_gpu_power_limit_watts{" + gpu0 + "} 400.0")
          .contains("hw_energy_joules_total{" + gpu0 + "} 987654.321")
          .contains("hw_temperature_celsius{" + gpu0 + "} 54.0")
          .contains("hw_errors_total{error_type=\"ecc_corrected\"," + gpu0 + "} 3.0")
          .contains("opspulse_gpu_clock_hertz{clock=\"sm\"," + gpu0 + "} 1.41E9")
          .contains("opspulse_gpu_throttle_active{" + gpu0 + ",reason=\"sw_power_cap\"} 1.0")
          .contains("opspulse_gpu_throttle_active{" + gpu0 + ",reason=\"hw_thermal_slowdown\"} 1.0")
          .contains("opspulse_gpu_throttle_active{" + gpu0 + ",reason=\"gpu_idle\"} 0.0")
          .contains("opspulse_gpu_lost{" + gpu0 + "} 0.0")
          .contains("opspulse_gpu_pcie_replays_total{" + gpu0 + "} 2.0")
          .contains(
              "opspulse_gpu_pcie_throughput_bytes_per_second{direction=\"transmit\","
                  + gpu0
                  + "} 1024000.0")
          .contains(
              "opspulse_gpu_pcie_throughput_bytes_per_second{direction=\"receive\","
                  + gpu0
                  + "} 2048000.0")
          .contains("opspulse_gpu_nvlink_up{" + gpu0 + ",link=\"0\"} 1.0")
          .contains("opspulse_gpu_nvlink_up{" + gpu0 + ",link=\"1\"} 1.0")
          .contains("opspulse_gpu_nvlink_up{" + gpu0 + ",link=\"2\"} 0.0")
          .doesNotContainPattern("opspulse_gpu_nvlink_errors_total\\{[^}]*link=\"2\"")
          .contains(
              "opspulse_gpu_nvlink_errors_total{error_type=\"replay\"," + gpu0 + ",link=\"0\"} 5.0")
          .contains(
              "opspulse_gpu_nvlink_errors_total{error_type=\"crc_flit\","
                  + gpu0
                  + ",link=\"1\"} 7.0")
          .contains("opspulse_gpu_retired_pages{cause=\"single_bit_ecc\"," + gpu0 + "} 1.0")
          .contains("opspulse_gpu_retired_pages{cause=\"double_bit_ecc\"," + gpu0 + "} 0.0")
          .contains("opspulse_gpu_retired_pages_pending{" + gpu0 + "} 0.0")
          .contains("opspulse_gpu_remapped_rows{error_type=\"correctable\"," + gpu0 + "} 4.0")
          .contains("opspulse_gpu_remapped_rows{error_type=\"uncorrectable\"," + gpu0 + "} 0.0")
          .contains("opspulse_gpu_row_remap_pending{" + gpu0 + "} 0.0")
          .contains("opspulse_gpu_row_remap_failed{" + gpu0 + "} 0.0")
          .contains("opspulse_gpu_mig_enabled{" + gpu0 + "} 0.0")
          .doesNotContain("opspulse_gpu_xid_errors_total{" + gpu0);
    }
  }

  @Test
  void xidErrorsMigInstancesAndTheirProcessesArePublished() {
    incident()
        .mig(0, "1g.5gb", "2g.10gb")
        .gpu(0, "mig.1.processes", "5002:3145728")
        .gpu(0, "xid", "79, 48, 79")
        .install();
    try (GpuCollector collector = start(Duration.ofHours(1))) {
      String idName =
          "hw_id=\"GPU-3b4c5d6e-0000-1111-2222-333344445550\",hw_name=\"NVIDIA A100-SXM4-40GB\"";
      String text =
          Poll.until(
              "three XID events in a scrape",
              Duration.ofSeconds(30),
              () -> {
                collector.pollNow();
                String t = MetricsText.render(collector.collect());
                return t.contains(
                        "opspulse_gpu_xid_errors_total{gpu=\"0\"," + idName + ",xid=\"79\"} 2.0")
                    ? t
                    : null;
              });
      assertThat(text)
          .contains("opspulse_gpu_xid_errors_total{gpu=\"0\"," + idName + ",xid=\"48\"} 1.0")
          .contains("opspulse_gpu_mig_enabled{gpu=\"0\"," + idName + "} 1.0")
          .contains(
              "opspulse_gpu_mig_memory_limit_bytes{gpu=\"0\",gpu_instance_id=\"1\","
                  + idName
                  + ",mig_profile=\"1g.5gb\"} 5.36870912E9")
          .contains(
              "opspulse_gpu_mig_memory_usage_bytes{gpu=\"0\",gpu_instance_id=\"2\","
                  + idName
                  + ",mig_profile=\"2g.10gb\"} 2.147483648E9")
          .contains(
              "opspulse_gpu_mig_process_memory_bytes{compose_service=\"ollama\",container_id=\""
                  + OLLAMA.substring(0, 12)
                  + "\",container_name=\"ai-ollama-1\",gpu=\"0\",gpu_instance_id=\"2\","
                  + "hw_id=\"GPU-3b4c5d6e-0000-1111-2222-333344445550\",mig_profile=\"2g.10gb\",pid=\"5002\","
                  + "process_type=\"compute\"} 3145728.0")
          .doesNotContain("opspulse_gpu_xid_errors_total{gpu=\"1\"");
    }
  }

  @Test
  void aFailedInitIsRetriedByThePollerAndProbeUpTurnsOne() {
    Scenario.fullGpus(1).install();
    int before;
    try (GpuProbe probe = GpuProbe.builder().procRoot(proc).build()) {
      before = StandinHooks.initCalls(probe);
    }
    incident().set("init.fail_through_call", before + 2).install();
    try (GpuCollector collector =
        GpuCollector.builder()
            .procRoot(proc)
            .interval(Duration.ofMillis(50))
            .initRetry(Duration.ofMillis(10), Duration.ofMillis(40))
            .containerDirectory(directory)
            .start()) {
      assertThat(MetricsText.render(collector.collect()))
          .contains("opspulse_gpu_probe_up 0.0")
          .contains("opspulse_gpu_probe_status{status=\"init_failed\"} 1.0");
      Poll.untilTrue(
          "the poller to bring NVML up",
          Duration.ofSeconds(30),
          () -> MetricsText.render(collector.collect()).contains("opspulse_gpu_probe_up 1.0"));
      assertThat(MetricsText.render(collector.collect())).contains("opspulse_gpu_devices 2.0");
    }
  }

  @Test
  void processAndContainerSeriesCarryContainerNamesAndGonePidsStayVisible() {
    incident().install();
    try (GpuCollector collector = start(Duration.ofHours(1))) {
      String text = MetricsText.render(collector.collect());
      String gpu1 = "gpu=\"1\",hw_id=\"GPU-3b4c5d6e-0000-1111-2222-333344445551\"";
      String ollama =
          "compose_service=\"ollama\",container_id=\""
              + OLLAMA.substring(0, 12)
              + "\",container_name=\"ai-ollama-1\","
              + gpu1;
      String worker =
          "compose_service=\"worker\",container_id=\""
              + WORKER.substring(0, 12)
              + "\",container_name=\"ai-worker-1\","
              + gpu1;
      String host = "compose_service=\"\",container_id=\"\",container_name=\"\"," + gpu1;
      assertThat(text)
          .contains(
              "opspulse_gpu_process_memory_bytes{"
                  + ollama
                  + ",pid=\"5001\",pid_exists=\"1\",process_type=\"compute\"} 4.294967296E9")
          .contains(
              "opspulse_gpu_process_memory_bytes{"
                  + worker
                  + ",pid=\"6001\",pid_exists=\"1\",process_type=\"compute\"} 2.147483648E9")
          .contains(
              "opspulse_gpu_process_memory_bytes{"
                  + host
                  + ",pid=\"9999999\",pid_exists=\"0\",process_type=\"compute\"} 5.36870912E8")
          .contains("opspulse_gpu_process_sm_utilization_ratio{" + worker + ",pid=\"6001\"} 0.4")
          .contains("opspulse_gpu_container_memory_bytes{" + ollama + "} 5.36870912E9")
          .contains("opspulse_gpu_container_sm_utilization_ratio{" + ollama + "} 0.03")
          .contains("opspulse_gpu_container_memory_bytes{" + host + "} 6.41728512E8")
          .contains("opspulse_gpu_container_memory_bytes{" + worker + "} 2.147483648E9");
    }
  }

  @Test
  void containerNamesAreResolvedAtScrapeTimeSoRenamesShowWithoutAPoll() {
    incident().install();
    try (GpuCollector collector = start(Duration.ofHours(1))) {
      assertThat(MetricsText.render(collector.collect()))
          .contains("container_name=\"ai-worker-1\"");
      containers.put(
          WORKER, new ContainerRef(WORKER.substring(0, 12), "ai-worker-renamed", "worker"));
      assertThat(MetricsText.render(collector.collect()))
          .contains("container_name=\"ai-worker-renamed\"")
          .doesNotContain("ai-worker-1");
    }
  }

  @Test
  void scrapesReadTheLastPollAndTheDaemonThreadPollsOnItsOwnSchedule() {
    incident().install();
    try (GpuCollector slow = start(Duration.ofHours(1))) {
      Instant first = slow.lastSnapshot().takenAt();
      for (int i = 0; i < 5; i++) {
        slow.collect();
      }
      assertThat(slow.lastSnapshot().takenAt()).as("a scrape never polls").isEqualTo(first);
    }
    try (GpuCollector fast = start(Duration.ofMillis(100))) {
      Instant first = fast.lastSnapshot().takenAt();
      Poll.untilTrue(
          "the poller to poll again",
          Duration.ofSeconds(10),
          () -> fast.lastSnapshot().takenAt().isAfter(first));
      assertThat(Thread.getAllStackTraces().keySet())
          .filteredOn(t -> t.getName().equals("opspulse-gpu-poller"))
          .isNotEmpty()
          .allMatch(Thread::isDaemon);
    }
  }

  @Test
  void aLostGpuPublishesOnlyItsLostFlagWhileTheOthersReport() {
    incident().gpu(0, "lost", 1).install();
    try (GpuCollector collector = start(Duration.ofHours(1))) {
      String text = MetricsText.render(collector.collect());
      assertThat(text)
          .contains("opspulse_gpu_lost{gpu=\"0\",hw_id=\"\",hw_name=\"\"} 1.0")
          .doesNotContain("hw_temperature_celsius{gpu=\"0\"")
          .contains("hw_temperature_celsius{gpu=\"1\"");
    }
  }

  @Test
  void itRegistersBesideOtherCollectorsInARegistry() {
    incident().install();
    PrometheusRegistry registry = new PrometheusRegistry();
    try (GpuCollector collector = start(Duration.ofHours(1))) {
      registry.register(collector);
      assertThat(MetricsText.render(registry.scrape())).contains("hw_gpu_memory_limit_bytes{");
    }
  }

  private static Set<String> labelNames(Labels labels) {
    Set<String> names = new HashSet<>();
    labels.forEach(l -> names.add(l.getName()));
    return names;
  }

  private void cgroup(long pid, String content) throws IOException {
    Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(dir.resolve("cgroup"), content + "\n");
  }
}
