package io.opspulse.exporter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Keeps the declared state in step with the compose files: the ones named in running containers'
 * {@code com.docker.compose.project.config_files} labels (zero configuration), plus the files and
 * folders an operator configured. A file is re-read only when its size or modification time changed.
 * A broken file never hides the others: its error is kept, and the last good reading of it, if any,
 * still counts.
 */
final class ComposeReconciler {
  private static final Logger LOG = Logger.getLogger(ComposeReconciler.class.getName());
  /** The names compose itself looks for in a folder, in its order of preference. */
  static final List<String> DEFAULT_FILE_NAMES =
      List.of("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml");
  private static final List<String> OVERRIDE_FILE_NAMES =
      List.of("compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml",
          "docker-compose.override.yml");

  private final List<Path> configured;
  private final List<String> activeProfiles;
  private final Map<Path, Cached> cache = new HashMap<>();
  private volatile DeclaredState state = DeclaredState.EMPTY;

  ComposeReconciler(List<Path> configured, List<String> activeProfiles) {
    this.configured = List.copyOf(configured);
    this.activeProfiles = List.copyOf(activeProfiles);
  }

  DeclaredState state() {
    return state;
  }

  /**
   * Re-reads what changed. {@code fromLabels} maps a compose project (from container labels) to the
   * files its containers name; those files are read with that project name, as compose did.
   */
  synchronized DeclaredState refresh(Map<String, List<String>> fromLabels) {
    // project -> files in order; a null project means "the file's own name: or its folder's".
    List<Source> sources = new ArrayList<>();
    Set<Path> seen = new LinkedHashSet<>();
    fromLabels.forEach((project, files) -> files.forEach(f -> {
      Path p = Path.of(f).toAbsolutePath().normalize();
      if (seen.add(p)) {
        sources.add(new Source(p, project));
      }
    }));
    for (Path c : configured) {
      for (Path p : expand(c.toAbsolutePath().normalize())) {
        if (seen.add(p)) {
          sources.add(new Source(p, null));
        }
      }
    }

    Map<String, Map<String, DeclaredService>> projects = new LinkedHashMap<>();
    Map<String, String> errors = new LinkedHashMap<>();
    for (Source source : sources) {
      Cached cached = load(source);
      if (cached.error != null) {
        errors.put(source.path.toString(), cached.error);
      }
      ComposeFileParser.ParsedFile parsed = cached.lastGood;
      if (parsed == null) {
        continue;
      }
      String project = source.project != null ? source.project
          : parsed.projectName() != null ? parsed.projectName() : ComposeFileParser.defaultProjectName(source.path);
      Map<String, DeclaredService> services = projects.computeIfAbsent(project, k -> new LinkedHashMap<>());
      parsed.services().forEach((name, svc) -> {
        DeclaredService withProject = new DeclaredService(project, svc.name(), svc.image(), svc.replicas(),
            svc.replicasExplicit(), svc.profiles(), svc.source());
        services.merge(name, withProject, DeclaredService::overriddenBy);
      });
    }
    cache.keySet().retainAll(seen);
    state = new DeclaredState(projects, errors, activeProfiles);
    return state;
  }

  private Cached load(Source source) {
    Cached previous = cache.get(source.path);
    long size;
    long mtime;
    try {
      size = Files.size(source.path);
      mtime = Files.getLastModifiedTime(source.path).toMillis();
    } catch (IOException e) {
      Cached c = new Cached(-1, -1, previous == null ? null : previous.lastGood,
          source.path + ": cannot read: " + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
      cache.put(source.path, c);
      return c;
    }
    if (previous != null && previous.size == size && previous.mtime == mtime
        && (previous.lastGood == null || java.util.Objects.equals(previous.project, source.project))) {
      return previous;
    }
    Cached c;
    try {
      c = new Cached(size, mtime, ComposeFileParser.parse(source.path, source.project), null);
    } catch (ComposeFileException e) {
      LOG.warning("compose file not used: " + e.getMessage());
      c = new Cached(size, mtime, previous == null ? null : previous.lastGood, e.getMessage());
    }
    c.project = source.project;
    cache.put(source.path, c);
    return c;
  }

  /** A configured folder stands for its compose file and override, as `docker compose` finds them. */
  private static List<Path> expand(Path configured) {
    if (!Files.isDirectory(configured)) {
      return List.of(configured);
    }
    List<Path> out = new ArrayList<>();
    DEFAULT_FILE_NAMES.stream().map(configured::resolve).filter(Files::isRegularFile).findFirst().ifPresent(out::add);
    OVERRIDE_FILE_NAMES.stream().map(configured::resolve).filter(Files::isRegularFile).findFirst().ifPresent(out::add);
    if (out.isEmpty()) {
      out.add(configured.resolve(DEFAULT_FILE_NAMES.get(0)));
    }
    return out;
  }

  private record Source(Path path, String project) {}

  private static final class Cached {
    final long size;
    final long mtime;
    final ComposeFileParser.ParsedFile lastGood;
    final String error;
    String project;

    Cached(long size, long mtime, ComposeFileParser.ParsedFile lastGood, String error) {
      this.size = size;
      this.mtime = mtime;
      this.lastGood = lastGood;
      this.error = error;
    }
  }
}
