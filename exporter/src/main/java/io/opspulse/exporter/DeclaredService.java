package io.opspulse.exporter;

import java.util.List;

/**
 * One service as the compose files declare it. {@code replicasExplicit} tells an override file that
 * sets no replica count from one that sets 1, so merging keeps the base file's count.
 */
record DeclaredService(
    String project,
    String name,
    String image,
    int replicas,
    boolean replicasExplicit,
    List<String> profiles,
    String source) {
  DeclaredService {
    profiles = List.copyOf(profiles);
  }

  /** Replicas wanted given the active profiles: a service behind an inactive profile wants none. */
  int desiredReplicas(List<String> activeProfiles) {
    if (profiles.isEmpty() || profiles.stream().anyMatch(activeProfiles::contains)) {
      return replicas;
    }
    return 0;
  }

  /**
   * This service with {@code later} (from a file loaded after this one) laid over it, as compose
   * merges.
   */
  DeclaredService overriddenBy(DeclaredService later) {
    return new DeclaredService(
        project,
        name,
        later.image.isEmpty() ? image : later.image,
        later.replicasExplicit ? later.replicas : replicas,
        replicasExplicit || later.replicasExplicit,
        later.profiles.isEmpty() ? profiles : later.profiles,
        later.source);
  }
}
