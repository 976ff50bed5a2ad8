package io.opspulse.exporter;

import io.opspulse.exporter.ComposeFileException.Kind;
import io.opspulse.yaml.StrictYaml;
import io.opspulse.yaml.YamlException;
import io.opspulse.yaml.YamlLimits;
import io.opspulse.yaml.YamlMapping;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the parts of a compose file that say what should run: the project name, and per service its
 * image, replicas ({@code deploy.replicas}, {@code scale}, or 1) and profiles; with the files it
 * {@code include:}s, and with {@code ${VAR}} interpolated from its {@code .env} file and the
 * exporter's environment, as compose does. Everything else in the file is ignored, but every value
 * is interpolated so a file compose would refuse (a required variable unset) is refused here too.
 * Input is untrusted: size, alias, nesting and include limits are set, duplicate keys refused.
 */
final class ComposeFileParser {
  static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

  /** Includes deeper than this are taken for a cycle compose would also not finish. */
  static final int MAX_INCLUDE_DEPTH = 10;

  /** Files one top file may pull in, includes and .env files together. */
  static final int MAX_FILES = 64;

  private static final YamlLimits LIMITS = new YamlLimits((int) MAX_FILE_BYTES, 50, 50);

  /**
   * The parsed file: its project name (null when the file names none), its services with those of
   * the files it includes, and every file that was read for it (or looked for, like a missing
   * {@code .env}): when one of those changes, the result may change.
   */
  record ParsedFile(
      Path path,
      @Nullable String projectName,
      Map<String, DeclaredService> services,
      List<Path> filesRead) {
    ParsedFile {
      services = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(services));
      filesRead = List.copyOf(filesRead);
    }
  }

  private final Path path;
  private final Map<String, String> env;
  private final Map<Node, String> interpolated = new IdentityHashMap<>();

  /** Reads values as interpolated, keys as written, as compose does. */
  private final StrictYaml yaml;

  private ComposeFileParser(Path path, Map<String, String> env) {
    this.path = path;
    this.env = env;
    this.yaml =
        StrictYaml.of(path.toString(), LIMITS)
            .withValues(s -> interpolated.getOrDefault(s, s.getValue()));
  }

  /**
   * Reads {@code path} and what it includes. {@code envFile} is the project's {@code .env} (it may
   * be missing); {@code processEnv} the exporter's environment, which wins over the file, as in
   * compose.
   */
  static ParsedFile parse(Path path, @Nullable Path envFile, Map<String, String> processEnv)
      throws ComposeFileException {
    return parse(path, envFile, processEnv, new LinkedHashSet<>());
  }

  /**
   * As above; {@code read} collects every file read or looked for, also when the file is refused.
   */
  static ParsedFile parse(
      Path path, @Nullable Path envFile, Map<String, String> processEnv, Set<Path> read)
      throws ComposeFileException {
    ParsedFile top = load(path, envFile, processEnv, new ArrayList<>(), read);
    return new ParsedFile(top.path(), top.projectName(), top.services(), new ArrayList<>(read));
  }

  /**
   * Parses text already read, with {@code env} as the variables; includes are read from the file
   * system.
   */
  static ParsedFile parse(Path path, Reader reader, Map<String, String> env)
      throws ComposeFileException {
    Set<Path> read = new LinkedHashSet<>();
    List<Path> chain = new ArrayList<>(List.of(path));
    return new ComposeFileParser(path, env == null ? Map.of() : env)
        .read(reader, chain, env == null ? Map.of() : env, read);
  }

  private static ParsedFile load(
      Path path,
      @Nullable Path envFile,
      Map<String, String> processEnv,
      List<Path> chain,
      Set<Path> read)
      throws ComposeFileException {
    Path file = path.toAbsolutePath().normalize();
    if (chain.contains(file)) {
      List<String> names =
          new ArrayList<>(
              chain.subList(chain.indexOf(file), chain.size()).stream()
                  .map(Path::toString)
                  .toList());
      names.add(file.toString());
      throw new ComposeFileException(
          Kind.INCLUDE_CYCLE,
          chain.get(chain.size() - 1) + ": include: cycle: " + String.join(" -> ", names));
    }
    if (chain.size() > MAX_INCLUDE_DEPTH) {
      throw new ComposeFileException(
          Kind.INCLUDE_CYCLE,
          chain.get(chain.size() - 1)
              + ": include: nested more than "
              + MAX_INCLUDE_DEPTH
              + " deep");
    }
    read.add(file);
    if (envFile != null) {
      read.add(envFile.toAbsolutePath().normalize());
    }
    if (read.size() > MAX_FILES) {
      throw new ComposeFileException(
          Kind.TOO_LARGE, chain.get(0) + ": more than " + MAX_FILES + " files included");
    }
    Map<String, String> env = environment(envFile, processEnv);
    String text = readText(file);
    chain.add(file);
    try {
      return new ComposeFileParser(file, env).read(new StringReader(text), chain, processEnv, read);
    } finally {
      chain.remove(chain.size() - 1);
    }
  }

  /** The variables a file is interpolated with: its .env file under the process environment. */
  static Map<String, String> environment(@Nullable Path envFile, Map<String, String> processEnv)
      throws ComposeFileException {
    Map<String, String> env = new HashMap<>();
    if (envFile != null && Files.isRegularFile(envFile)) {
      env.putAll(Interpolation.parseEnvFile(readText(envFile)));
    }
    env.putAll(processEnv);
    return env;
  }

  private static String readText(Path file) throws ComposeFileException {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new ComposeFileException(
            Kind.TOO_LARGE,
            file
                + ": file is "
                + size
                + " bytes, more than the "
                + MAX_FILE_BYTES
                + " a compose file may have");
      }
      // A label can name any path: a FIFO would block the reader for ever, /dev/zero never ends.
      if (!Files.isRegularFile(file)) {
        throw new ComposeFileException(Kind.UNREADABLE, file + ": not a regular file");
      }
      byte[] bytes;
      try (java.io.InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes((int) MAX_FILE_BYTES + 1); // files under /proc say size 0 and are not
      }
      if (bytes.length > MAX_FILE_BYTES) {
        throw new ComposeFileException(
            Kind.TOO_LARGE,
            file + ": more than the " + MAX_FILE_BYTES + " bytes a compose file may have");
      }
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (NoSuchFileException e) {
      throw new ComposeFileException(Kind.NOT_FOUND, file + ": no such file", e);
    } catch (CharacterCodingException e) {
      throw new ComposeFileException(Kind.YAML_SYNTAX, file + ": not UTF-8 text", e);
    } catch (AccessDeniedException e) {
      throw new ComposeFileException(Kind.UNREADABLE, file + ": cannot read: permission denied", e);
    } catch (IOException e) {
      throw new ComposeFileException(Kind.UNREADABLE, file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private ParsedFile read(
      Reader reader, List<Path> chain, Map<String, String> processEnv, Set<Path> read)
      throws ComposeFileException {
    try {
      return readChecked(reader, chain, processEnv, read);
    } catch (YamlException e) {
      // Not YAML, or refused by a limit before it cost memory: yaml_syntax; YAML of the wrong
      // shape: schema.
      throw new ComposeFileException(
          e.kind() == YamlException.Kind.SCHEMA ? Kind.SCHEMA : Kind.YAML_SYNTAX,
          e.getMessage(),
          e);
    }
  }

  private ParsedFile readChecked(
      Reader reader, List<Path> chain, Map<String, String> processEnv, Set<Path> read)
      throws ComposeFileException {
    Node root =
        yaml.compose(reader)
            .orElseThrow(
                () ->
                    new ComposeFileException(
                        Kind.SCHEMA,
                        path + ":1: " + YamlException.WHOLE_FILE + ": the file is empty"));
    YamlMapping top = yaml.mapping(root, "");
    interpolateAll(root, "", new HashSet<>());
    String project =
        top.entry("name")
            .map(e -> normalizeProjectName(yaml.scalar(e.value(), e.path())))
            .orElse(null);
    String effectiveProject = project != null ? project : defaultProjectName(path);
    Map<String, DeclaredService> services = new LinkedHashMap<>();
    Optional<Node> include =
        top.entry("include").map(YamlMapping.Entry::value).filter(n -> !isNull(n));
    if (include.isPresent()) {
      for (Node entry : yaml.list(include.get(), "include")) {
        include(entry, chain, processEnv, read, effectiveProject, services);
      }
    }
    Optional<YamlMapping.Entry> declared = top.entry("services");
    if (declared.isPresent() && !isNull(declared.get().value())) {
      for (YamlMapping.Entry s : yaml.mapping(declared.get().value(), "services").entries()) {
        if (services.containsKey(s.key())) {
          throw fail(
              Kind.SCHEMA,
              s.keyNode(),
              s.path(),
              "also defined by included file " + services.get(s.key()).source());
        }
        services.put(s.key(), service(effectiveProject, s.key(), s.value()));
      }
    }
    if (declared.isEmpty() && services.isEmpty()) {
      throw fail(Kind.SCHEMA, root, "services", "missing; this is not a compose file");
    }
    return new ParsedFile(path, project, services, new ArrayList<>(read));
  }

  /** A problem at {@code node}, as {@code file:line: field: what is wrong}. */
  private ComposeFileException fail(Kind kind, Node node, String field, String what) {
    return new ComposeFileException(kind, yaml.error(node, field, what).getMessage());
  }

  /**
   * One {@code include:} entry: a path, or {@code {path, project_directory, env_file}} where path
   * and env_file may be lists. Relative paths are taken from this file's folder; the included file
   * reads its own {@code .env} (in its project directory) unless env_file says otherwise.
   */
  private void include(
      Node entry,
      List<Path> chain,
      Map<String, String> processEnv,
      Set<Path> read,
      String project,
      Map<String, DeclaredService> into)
      throws ComposeFileException {
    Path base = Objects.requireNonNull(path.toAbsolutePath().getParent(), "a file has a folder");
    List<Path> files = new ArrayList<>();
    Path projectDir = null;
    Path envFile = null;
    if (entry instanceof ScalarNode) {
      files.add(relativeTo(base, yaml.scalar(entry, "include"), entry));
    } else {
      for (YamlMapping.Entry t : yaml.mapping(entry, "include").entries()) {
        Node value = t.value();
        switch (t.key()) {
          case "path" -> {
            for (String p : scalarOrList(value, "include.path")) {
              files.add(relativeTo(base, p, value));
            }
          }
          case "project_directory" ->
              projectDir = relativeTo(base, yaml.scalar(value, "include.project_directory"), value);
          case "env_file" -> {
            List<String> envs = scalarOrList(value, "include.env_file");
            // Only the first is read: several env files for one include are rare enough to leave
            // out.
            envFile = envs.isEmpty() ? null : relativeTo(base, envs.get(0), value);
          }
          default -> {
            // Other keys do not change which services exist.
          }
        }
      }
      if (files.isEmpty()) {
        throw fail(Kind.SCHEMA, entry, "include", "an entry without a path");
      }
    }
    if (projectDir == null) {
      // The included file's folder; an include of "/" itself has none, and then the including
      // file's stands in.
      Path parent = files.get(0).getParent();
      projectDir =
          parent != null ? parent : java.util.Objects.requireNonNullElse(base, Path.of("/"));
    }
    if (envFile == null) {
      envFile = projectDir.resolve(".env");
    }
    Map<String, DeclaredService> included = new LinkedHashMap<>();
    for (Path f : files) {
      ParsedFile p;
      try {
        p = load(f, envFile, processEnv, chain, read);
      } catch (ComposeFileException e) {
        // Named from the including file and line, so the operator finds the include that failed.
        throw new ComposeFileException(
            e.kind(), yaml.error(entry, "include", String.valueOf(e.getMessage())).getMessage(), e);
      }
      p.services()
          .forEach(
              (name, svc) ->
                  included.merge(name, withProject(svc, project), DeclaredService::overriddenBy));
    }
    for (Map.Entry<String, DeclaredService> e : included.entrySet()) {
      if (into.containsKey(e.getKey())) {
        throw fail(
            Kind.SCHEMA,
            entry,
            "include",
            "services."
                + e.getKey()
                + " is defined by "
                + into.get(e.getKey()).source()
                + " and "
                + e.getValue().source());
      }
      into.put(e.getKey(), e.getValue());
    }
  }

  private static DeclaredService withProject(DeclaredService s, String project) {
    return new DeclaredService(
        project, s.name(), s.image(), s.replicas(), s.replicasExplicit(), s.profiles(), s.source());
  }

  private Path relativeTo(Path base, String p, Node node) throws ComposeFileException {
    Path resolved;
    try {
      Path given = Path.of(p);
      resolved = (given.isAbsolute() ? given : base.resolve(given)).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      throw fail(Kind.SCHEMA, node, "include", "'" + LabelText.value(p) + "' is not a path");
    }
    // The kernel's file systems hold no compose files, and what they hold is not for error
    // messages.
    for (String kernel : new String[] {"/proc", "/sys", "/dev"}) {
      if (resolved.startsWith(kernel)) {
        throw fail(Kind.SCHEMA, node, "include", resolved + " is not a compose file");
      }
    }
    return resolved;
  }

  /**
   * Interpolates every value in the file (not keys), as compose does before it reads anything, so a
   * {@code ${VAR:?}} anywhere refuses the file; the results are what {@link #scalar} answers.
   */
  private void interpolateAll(Node node, String field, Set<Node> seen) throws ComposeFileException {
    if (!seen.add(node)) {
      return; // an alias: done once
    }
    if (node instanceof ScalarNode s) {
      try {
        interpolated.put(s, Interpolation.apply(s.getValue(), env));
      } catch (Interpolation.Failure e) {
        throw fail(
            Kind.INTERPOLATION,
            s,
            field.isEmpty() ? "(value)" : field,
            String.valueOf(e.getMessage()));
      }
    } else if (node instanceof SequenceNode seq) {
      for (Node n : seq.getValue()) {
        interpolateAll(n, field, seen);
      }
    } else if (node instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        String k = t.getKeyNode() instanceof ScalarNode ks ? ks.getValue() : "(key)";
        interpolateAll(t.getValueNode(), field.isEmpty() ? k : field + "." + k, seen);
      }
    }
  }

  private DeclaredService service(String project, String name, Node node)
      throws ComposeFileException {
    String field = "services." + name;
    if (isNull(node)) {
      return new DeclaredService(project, name, "", 1, false, List.of(), path.toString());
    }
    String image = "";
    Integer scale = null;
    Integer deployReplicas = null;
    List<String> profiles = new ArrayList<>();
    for (YamlMapping.Entry t : yaml.mapping(node, field).entries()) {
      Node value = t.value();
      switch (t.key()) {
        case "image" -> image = yaml.scalar(value, t.path());
        case "scale" -> scale = nonNegativeInt(value, field + ".scale");
        case "profiles" -> {
          profiles.addAll(yaml.scalarList(value, t.path()));
        }
        case "deploy" -> {
          if (!isNull(value)) {
            for (YamlMapping.Entry d : yaml.mapping(value, t.path()).entries()) {
              if (d.key().equals("replicas")) {
                deployReplicas = nonNegativeInt(d.value(), d.path());
              } else if (d.key().equals("mode")
                  && "global".equals(yaml.scalar(d.value(), d.path()))) {
                deployReplicas = 1;
              }
            }
          }
        }
        default -> {
          // Everything else (ports, volumes, environment, ...) does not change what should run.
        }
      }
    }
    int replicas = deployReplicas != null ? deployReplicas : scale != null ? scale : 1;
    boolean explicit = deployReplicas != null || scale != null;
    return new DeclaredService(project, name, image, replicas, explicit, profiles, path.toString());
  }

  /**
   * Compose's rule: the project name defaults to the folder's name, lowercased, reduced to
   * [a-z0-9_-].
   */
  static String defaultProjectName(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    return normalizeProjectName(
        dir == null || dir.getFileName() == null ? "default" : dir.getFileName().toString());
  }

  static String normalizeProjectName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if ((c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || ((c == '_' || c == '-') && out.length() > 0)) {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isNull(Node node) {
    return StrictYaml.isNull(node) || node instanceof ScalarNode s && s.getValue().isEmpty();
  }

  private List<String> scalarOrList(Node node, String field) {
    if (node instanceof SequenceNode s) {
      List<String> out = new ArrayList<>();
      for (Node n : s.getValue()) {
        out.add(yaml.scalar(n, field));
      }
      return out;
    }
    return List.of(yaml.scalar(node, field));
  }

  private int nonNegativeInt(Node node, String field) {
    String text = yaml.scalar(node, field);
    try {
      int v = Integer.parseInt(text.strip());
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw yaml.error(
          node, field, "'" + LabelText.value(text) + "' is not a whole number of replicas");
    }
  }
}
