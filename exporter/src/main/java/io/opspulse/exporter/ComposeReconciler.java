package io.opspulse.exporter;

import io.opspulse.exporter.ComposeFileException.Kind;
import io.opspulse.exporter.DeclaredState.FileError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the declared state in step with the compose files: the ones named in containers' compose
 * labels (zero configuration), plus the files and folders an operator configured. A file is re-read
 * only when it, a file it includes or its {@code .env} changed. A broken file never hides the
 * others: its error is kept, and the last good reading of it, if any, still counts. One file may
 * serve several projects (the same file brought up under two project names): each project gets its
 * services.
 */
final class ComposeReconciler {
  private static final Logger LOG = Logger.getLogger(ComposeReconciler.class.getName());

  /** The names compose itself looks for in a folder, in its order of preference. */
  static final List<String> DEFAULT_FILE_NAMES =
      List.of("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml");

  private static final List<String> OVERRIDE_FILE_NAMES =
      List.of(
          "compose.override.yaml",
          "compose.override.yml",
          "docker-compose.override.yaml",
          "docker-compose.override.yml");
  static final Duration DEFAULT_RETENTION = Duration.ofHours(1);

  /** Refused label values logged, so a hostile container is named once, not on every refresh. */
  private static final int MAX_LOGGED_REFUSALS = 1024;

  private final List<Path> configured;
  private final List<String> activeProfiles;
  private final ProjectRetention retention;
  private final Map<String, String> processEnv;
  private final Map<Source, Cached> cache = new HashMap<>();
  private final Set<ComposeLabels> loggedRefusals = new HashSet<>();
  private volatile DeclaredState state = DeclaredState.EMPTY;

  ComposeReconciler(List<Path> configured, List<String> activeProfiles) {
    this(
        configured,
        activeProfiles,
        new ProjectRetention(DEFAULT_RETENTION, Clock.systemUTC()),
        System.getenv());
  }

  /**
   * {@code processEnv}: the variables that win over each project's .env, as the shell's do for
   * compose.
   */
  ComposeReconciler(
      List<Path> configured,
      List<String> activeProfiles,
      ProjectRetention retention,
      Map<String, String> processEnv) {
    this.configured = List.copyOf(configured);
    this.activeProfiles = List.copyOf(activeProfiles);
    this.retention = retention;
    this.processEnv = Map.copyOf(processEnv);
  }

  DeclaredState state() {
    return state;
  }

  /**
   * Re-reads what changed. {@code fromLabels} holds the compose labels of each container (one entry
   * per container; null for containers outside compose): their files are read with their project's
   * name, as compose did. Never throws: a container whose labels cannot be used is counted by
   * reason and skipped.
   */
  synchronized DeclaredState refresh(Collection<ComposeLabels> fromLabels) {
    Map<ComposeLabels.Refusal, Integer> refused = new EnumMap<>(ComposeLabels.Refusal.class);
    Map<String, List<Source>> labelled = new TreeMap<>();
    Set<Path> labelledFiles = new HashSet<>();
    Set<String> seenProjects = new HashSet<>();
    Map<ComposeLabels, Outcome> outcomes = new HashMap<>();
    for (ComposeLabels l : fromLabels) {
      if (l == null) {
        continue;
      }
      seenProjects.add(l.project());
      Outcome o = outcomes.computeIfAbsent(l, this::resolve);
      if (o.refusal != null) {
        refused.merge(o.refusal, 1, Integer::sum);
        continue;
      }
      ComposeLabels.Resolved r =
          Objects.requireNonNull(o.resolved, "an outcome is resolved or refused");
      List<Source> sources = labelled.computeIfAbsent(l.project(), k -> new ArrayList<>());
      for (Path f : r.files()) {
        Source s = new Source(f, r.envFile());
        if (!sources.contains(s)) {
          sources.add(s);
        }
        labelledFiles.add(f);
      }
    }
    loggedRefusals.retainAll(outcomes.keySet());

    Map<String, Map<String, DeclaredService>> projects = new LinkedHashMap<>();
    Map<String, FileError> errors = new TreeMap<>();
    Set<Source> used = new HashSet<>();
    labelled.forEach(
        (project, sources) -> {
          for (Source s : sources) {
            used.add(s);
            ComposeFileParser.ParsedFile parsed = load(s, errors);
            if (parsed != null) {
              addServices(projects, project, parsed);
            }
          }
        });
    for (Path c : configured) {
      List<Path> files = expand(c.toAbsolutePath().normalize());
      Path envFile = files.get(0).resolveSibling(".env");
      for (Path f : files) {
        if (labelledFiles.contains(f)) {
          continue; // containers already name it, with the project name compose gave it
        }
        Source s = new Source(f, envFile);
        used.add(s);
        ComposeFileParser.ParsedFile parsed = load(s, errors);
        if (parsed != null) {
          String project =
              parsed.projectName() != null
                  ? parsed.projectName()
                  : ComposeFileParser.defaultProjectName(f);
          addServices(projects, project, parsed);
          seenProjects.add(project);
        }
      }
    }
    cache.keySet().retainAll(used);
    retention.present(seenProjects);
    state = new DeclaredState(projects, errors, refused, activeProfiles);
    return state;
  }

  /**
   * Of the projects the caller remembers something about, those that have had no container and no
   * configured file for the retention, as of the refreshes so far: the caller forgets them.
   */
  synchronized Set<String> expired(Set<String> remembered) {
    return retention.expired(remembered);
  }

  private static void addServices(
      Map<String, Map<String, DeclaredService>> projects,
      String project,
      ComposeFileParser.ParsedFile parsed) {
    Map<String, DeclaredService> services =
        projects.computeIfAbsent(project, k -> new LinkedHashMap<>());
    parsed
        .services()
        .forEach(
            (name, svc) -> {
              DeclaredService withProject =
                  new DeclaredService(
                      project,
                      svc.name(),
                      svc.image(),
                      svc.replicas(),
                      svc.replicasExplicit(),
                      svc.profiles(),
                      svc.source());
              services.merge(name, withProject, DeclaredService::overriddenBy);
            });
  }

  private record Outcome(
      ComposeLabels.@Nullable Resolved resolved, ComposeLabels.@Nullable Refusal refusal) {}

  private Outcome resolve(ComposeLabels l) {
    try {
      return new Outcome(l.resolve(), null);
    } catch (ComposeLabels.RefusedException e) {
      if (loggedRefusals.size() < MAX_LOGGED_REFUSALS && loggedRefusals.add(l)) {
        LOG.warning(
            "compose labels of project '"
                + LabelText.value(l.project())
                + "' not used: "
                + e.getMessage());
      }
      return new Outcome(null, e.reason);
    } catch (RuntimeException e) {
      // Whatever path handling throws on text nobody checked: refused like the rest, never thrown.
      return new Outcome(null, ComposeLabels.Refusal.NOT_A_PATH);
    }
  }

  /**
   * The file's last good reading, or null; its error, if it has one now, goes to {@code errors}.
   */
  private ComposeFileParser.@Nullable ParsedFile load(
      Source source, Map<String, FileError> errors) {
    Cached previous = cache.get(source);
    if (previous != null && previous.isCurrent()) {
      if (previous.error != null) {
        errors.putIfAbsent(source.path.toString(), previous.error);
      }
      return previous.lastGood;
    }
    Set<Path> read = new LinkedHashSet<>();
    read.add(source.path);
    if (source.envFile != null) {
      read.add(source.envFile);
    }
    // Stamped before reading: a change made while it is read shows as a change next time.
    Map<Path, Stamp> stamps = new HashMap<>();
    read.forEach(p -> stamps.put(p, Stamp.of(p)));
    ComposeFileParser.ParsedFile lastGood = previous == null ? null : previous.lastGood;
    FileError error = null;
    try {
      lastGood = ComposeFileParser.parse(source.path, source.envFile, processEnv, read);
    } catch (ComposeFileException e) {
      error = new FileError(e.kind(), Objects.requireNonNullElse(e.getMessage(), e.toString()));
    } catch (RuntimeException e) {
      // The parser has limits on everything untrusted; whatever still slips through costs one file,
      // not the loop.
      error = new FileError(Kind.UNREADABLE, source.path + ": cannot read: " + e);
      LOG.log(Level.FINE, "compose file parser failed", e);
    }
    for (Path p : read) {
      stamps.computeIfAbsent(p, Stamp::of);
    }
    if (error != null && (previous == null || !error.equals(previous.error))) {
      LOG.warning("compose file not used: " + error.message());
    }
    cache.put(source, new Cached(stamps, lastGood, error));
    if (error != null) {
      errors.putIfAbsent(source.path.toString(), error);
    }
    return lastGood;
  }

  /**
   * A configured folder stands for its compose file and override, as `docker compose` finds them.
   */
  private static List<Path> expand(Path configured) {
    if (!Files.isDirectory(configured)) {
      return List.of(configured);
    }
    List<Path> out = new ArrayList<>();
    DEFAULT_FILE_NAMES.stream()
        .map(configured::resolve)
        .filter(Files::isRegularFile)
        .findFirst()
        .ifPresent(out::add);
    OVERRIDE_FILE_NAMES.stream()
        .map(configured::resolve)
        .filter(Files::isRegularFile)
        .findFirst()
        .ifPresent(out::add);
    if (out.isEmpty()) {
      out.add(configured.resolve(DEFAULT_FILE_NAMES.get(0)));
    }
    return out;
  }

  /** One file read in one environment: the same file with another .env may declare other things. */
  private record Source(Path path, @Nullable Path envFile) {}

  /** Enough of a file's attributes to tell it changed; a missing file has its own stamp. */
  private record Stamp(long size, @Nullable FileTime modified, @Nullable Object key) {
    static final Stamp MISSING = new Stamp(-1, null, null);

    static Stamp of(Path p) {
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        return new Stamp(a.size(), a.lastModifiedTime(), a.fileKey());
      } catch (NoSuchFileException e) {
        return MISSING;
      } catch (IOException | RuntimeException e) {
        return new Stamp(-2, null, null);
      }
    }
  }

  private record Cached(
      Map<Path, Stamp> stamps,
      ComposeFileParser.@Nullable ParsedFile lastGood,
      @Nullable FileError error) {
    boolean isCurrent() {
      for (Map.Entry<Path, Stamp> e : stamps.entrySet()) {
        if (!Objects.equals(Stamp.of(e.getKey()), e.getValue())) {
          return false;
        }
      }
      return true;
    }
  }
}
