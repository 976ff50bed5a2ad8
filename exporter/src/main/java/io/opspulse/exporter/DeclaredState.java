package io.opspulse.exporter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the compose files declare, by project and service, and which files could not be read. Immutable:
 * {@link ComposeReconciler} makes a new one on every refresh.
 */
record DeclaredState(Map<String, Map<String, DeclaredService>> projects, Map<String, String> fileErrors,
    List<String> activeProfiles) {
  static final DeclaredState EMPTY = new DeclaredState(Map.of(), Map.of(), List.of());

  DeclaredState {
    Map<String, Map<String, DeclaredService>> copy = new LinkedHashMap<>();
    projects.forEach((p, s) -> copy.put(p, Map.copyOf(s)));
    projects = java.util.Collections.unmodifiableMap(copy);
    fileErrors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fileErrors));
    activeProfiles = List.copyOf(activeProfiles);
  }

  /** Whether some file of this project was read, so a missing service really is missing. */
  boolean knowsProject(String project) {
    return projects.containsKey(project);
  }

  Optional<DeclaredService> service(String project, String service) {
    return Optional.ofNullable(projects.getOrDefault(project, Map.of()).get(service));
  }
}
