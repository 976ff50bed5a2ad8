package io.opspulse.exporter;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the compose files declare, by project and service; which files could not be read, and why;
 * how many containers' compose labels were refused, by reason. Immutable: {@link ComposeReconciler}
 * makes a new one on every refresh.
 */
record DeclaredState(
    Map<String, Map<String, DeclaredService>> projects,
    Map<String, FileError> fileErrors,
    Map<ComposeLabels.Refusal, Integer> refusedLabels,
    List<String> activeProfiles) {
  static final DeclaredState EMPTY = new DeclaredState(Map.of(), Map.of(), Map.of(), List.of());

  /**
   * A file that could not be used: the class (a metric label) and the message (log and report
   * only).
   */
  record FileError(ComposeFileException.Kind kind, String message) {}

  DeclaredState {
    Map<String, Map<String, DeclaredService>> copy = new LinkedHashMap<>();
    projects.forEach((p, s) -> copy.put(p, Map.copyOf(s)));
    projects = Collections.unmodifiableMap(copy);
    fileErrors = Collections.unmodifiableMap(new LinkedHashMap<>(fileErrors));
    refusedLabels =
        Collections.unmodifiableMap(
            refusedLabels.isEmpty()
                ? new EnumMap<>(ComposeLabels.Refusal.class)
                : new EnumMap<>(refusedLabels));
    activeProfiles = List.copyOf(activeProfiles);
  }

  /** A state with no refused labels. */
  DeclaredState(
      Map<String, Map<String, DeclaredService>> projects,
      Map<String, FileError> fileErrors,
      List<String> activeProfiles) {
    this(projects, fileErrors, Map.of(), activeProfiles);
  }

  /** Whether some file of this project was read, so a missing service really is missing. */
  boolean knowsProject(String project) {
    return projects.containsKey(project);
  }

  Optional<DeclaredService> service(String project, String service) {
    return Optional.ofNullable(projects.getOrDefault(project, Map.of()).get(service));
  }
}
