package io.opspulse.exporter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything the exporter can be told. Immutable; built from defaults, the YAML file, then flags.
 */
public record ExporterConfig(
    String dockerHost,
    String listenAddress,
    String telemetryPath,
    List<Path> composeFiles,
    List<String> composeProfiles,
    List<String> deprecatedImages,
    List<String> deprecatedNames,
    List<String> labelAllowList,
    int maxContainers,
    Duration resyncPeriod,
    Duration cgroupInterval,
    Path procRoot,
    Path cgroupRoot,
    Duration engineTimeout,
    @Nullable Path webConfigFile,
    boolean gpuEnabled,
    Duration gpuInterval,
    @Nullable Path dockerCertPath,
    boolean dockerTlsVerify,
    Duration composeRetention) {

  /**
   * Picked from the 9100-9999 exporter range; 9323 (dockerd's own metrics) and 9464 (the agent)
   * avoided.
   */
  public static final int DEFAULT_PORT = 9838;

  public ExporterConfig {
    composeFiles = List.copyOf(composeFiles);
    composeProfiles = List.copyOf(composeProfiles);
    deprecatedImages = List.copyOf(deprecatedImages);
    deprecatedNames = List.copyOf(deprecatedNames);
    labelAllowList = List.copyOf(labelAllowList);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.dockerHost = dockerHost;
    b.listenAddress = listenAddress;
    b.telemetryPath = telemetryPath;
    b.composeFiles = new ArrayList<>(composeFiles);
    b.composeProfiles = new ArrayList<>(composeProfiles);
    b.deprecatedImages = new ArrayList<>(deprecatedImages);
    b.deprecatedNames = new ArrayList<>(deprecatedNames);
    b.labelAllowList = new ArrayList<>(labelAllowList);
    b.maxContainers = maxContainers;
    b.resyncPeriod = resyncPeriod;
    b.cgroupInterval = cgroupInterval;
    b.procRoot = procRoot;
    b.cgroupRoot = cgroupRoot;
    b.engineTimeout = engineTimeout;
    b.webConfigFile = webConfigFile;
    b.gpuEnabled = gpuEnabled;
    b.gpuInterval = gpuInterval;
    b.dockerCertPath = dockerCertPath;
    b.dockerTlsVerify = dockerTlsVerify;
    b.composeRetention = composeRetention;
    return b;
  }

  public static final class Builder {
    String dockerHost = DockerEndpoint.DEFAULT_HOST;
    String listenAddress = ":" + DEFAULT_PORT;
    String telemetryPath = "/metrics";
    List<Path> composeFiles = new ArrayList<>();
    List<String> composeProfiles = new ArrayList<>();
    List<String> deprecatedImages = new ArrayList<>();
    List<String> deprecatedNames = new ArrayList<>();
    List<String> labelAllowList = new ArrayList<>();
    int maxContainers = 5000;
    Duration resyncPeriod = Duration.ofSeconds(60);
    Duration cgroupInterval = Duration.ofSeconds(5);
    Path procRoot = Path.of("/proc");
    Path cgroupRoot = Path.of("/sys/fs/cgroup");
    Duration engineTimeout = Duration.ofSeconds(10);
    @Nullable Path webConfigFile;
    boolean gpuEnabled = true;
    Duration gpuInterval = Duration.ofSeconds(5);
    @Nullable Path dockerCertPath;
    boolean dockerTlsVerify;
    Duration composeRetention = Duration.ofHours(1);

    public Builder dockerHost(String v) {
      dockerHost = v;
      return this;
    }

    public Builder listenAddress(String v) {
      listenAddress = v;
      return this;
    }

    public Builder telemetryPath(String v) {
      telemetryPath = v;
      return this;
    }

    public Builder composeFile(Path v) {
      composeFiles.add(v);
      return this;
    }

    public Builder composeProfile(String v) {
      composeProfiles.add(v);
      return this;
    }

    public Builder deprecatedImage(String v) {
      deprecatedImages.add(v);
      return this;
    }

    public Builder deprecatedName(String v) {
      deprecatedNames.add(v);
      return this;
    }

    public Builder allowLabel(String v) {
      labelAllowList.add(v);
      return this;
    }

    public Builder maxContainers(int v) {
      maxContainers = v;
      return this;
    }

    public Builder resyncPeriod(Duration v) {
      resyncPeriod = v;
      return this;
    }

    public Builder cgroupInterval(Duration v) {
      cgroupInterval = v;
      return this;
    }

    public Builder procRoot(Path v) {
      procRoot = v;
      return this;
    }

    public Builder cgroupRoot(Path v) {
      cgroupRoot = v;
      return this;
    }

    public Builder engineTimeout(Duration v) {
      engineTimeout = v;
      return this;
    }

    public Builder webConfigFile(@Nullable Path v) {
      webConfigFile = v;
      return this;
    }

    public Builder gpuEnabled(boolean v) {
      gpuEnabled = v;
      return this;
    }

    public Builder gpuInterval(Duration v) {
      gpuInterval = v;
      return this;
    }

    public Builder dockerCertPath(@Nullable Path v) {
      dockerCertPath = v;
      return this;
    }

    public Builder dockerTlsVerify(boolean v) {
      dockerTlsVerify = v;
      return this;
    }

    public Builder composeRetention(Duration v) {
      composeRetention = v;
      return this;
    }

    public ExporterConfig build() {
      if (maxContainers < 1) {
        throw new IllegalArgumentException("max_containers must be at least 1");
      }
      if (!telemetryPath.startsWith("/")) {
        throw new IllegalArgumentException(
            "telemetry path '" + telemetryPath + "' must start with /");
      }
      DockerEndpoint endpoint = DockerEndpoint.parse(dockerHost);
      if (!endpoint.isUnix() && dockerTlsVerify && dockerCertPath == null) {
        // Never fall back to plaintext when verification was asked for.
        throw new IllegalArgumentException(
            "docker.tls_verify (DOCKER_TLS_VERIFY) for "
                + endpoint
                + " needs docker.cert_path (DOCKER_CERT_PATH): the folder with ca.pem, cert.pem and key.pem");
      }
      List<String> labels = checkedLabelAllowList(labelAllowList);
      return new ExporterConfig(
          dockerHost,
          listenAddress,
          telemetryPath,
          composeFiles,
          composeProfiles,
          deprecatedImages,
          deprecatedNames,
          labels,
          maxContainers,
          resyncPeriod,
          cgroupInterval,
          procRoot,
          cgroupRoot,
          engineTimeout,
          webConfigFile,
          gpuEnabled,
          gpuInterval,
          dockerCertPath,
          dockerTlsVerify,
          composeRetention);
    }

    /**
     * The allow-list with repeats dropped (the file and a flag may both name a label). Two
     * different Docker labels that turn into one Prometheus label name would make two series that
     * differ in nothing, or one value silently hiding the other: refused, naming both.
     */
    static List<String> checkedLabelAllowList(List<String> keys) {
      java.util.Map<String, String> byName = new java.util.LinkedHashMap<>();
      List<String> out = new ArrayList<>();
      for (String key : keys) {
        if (key.isEmpty()) {
          throw new IllegalArgumentException("labels.allow: an empty Docker label key");
        }
        String name = LabelText.allowListedLabelName(key);
        String earlier = byName.putIfAbsent(name, key);
        if (earlier == null) {
          out.add(key);
        } else if (!earlier.equals(key)) {
          throw new IllegalArgumentException(
              "labels.allow: Docker labels '"
                  + earlier
                  + "' and '"
                  + key
                  + "' would both become the Prometheus label "
                  + name
                  + "; allow only one of them");
        }
      }
      return out;
    }
  }
}
