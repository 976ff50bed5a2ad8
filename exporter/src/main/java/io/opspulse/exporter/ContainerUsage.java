package io.opspulse.exporter;

/** One cgroup reading of a container; a field the cgroup does not offer is negative. */
record ContainerUsage(double cpuSeconds, long memoryBytes, long pids) {
  static final ContainerUsage NONE = new ContainerUsage(-1, -1, -1);
}
