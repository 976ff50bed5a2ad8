package io.opspulse.exporter;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the parts of a compose file that say what should run: the project name, and per service its
 * image, replicas ({@code deploy.replicas}, {@code scale}, or 1) and profiles. Everything else in the
 * file is ignored. Input is untrusted: size, alias and nesting limits are set, duplicate keys refused.
 */
final class ComposeFileParser {
  static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

  private ComposeFileParser() {}

  /** The parsed file: its project name (null when the file names none) and its services. */
  record ParsedFile(Path path, String projectName, Map<String, DeclaredService> services) {}

  static ParsedFile parse(Path path, String projectOverride) throws ComposeFileException {
    try {
      long size = Files.size(path);
      if (size > MAX_FILE_BYTES) {
        throw new ComposeFileException(path + ": file is " + size + " bytes, more than the " + MAX_FILE_BYTES
            + " a compose file may have");
      }
      try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
        return parse(path, reader, projectOverride);
      }
    } catch (IOException e) {
      throw new ComposeFileException(path + ": cannot read: " + e.getMessage(), e);
    }
  }

  static ParsedFile parse(Path path, Reader reader, String projectOverride) throws ComposeFileException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(50);
    options.setNestingDepthLimit(50);
    options.setCodePointLimit((int) MAX_FILE_BYTES);
    options.setAllowRecursiveKeys(false);
    Node root;
    try {
      root = new Yaml(options).compose(reader);
    } catch (MarkedYAMLException e) {
      Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String what = e.getProblem() != null ? e.getProblem() : e.getContext();
      throw new ComposeFileException(path + ":" + (at == null ? 0 : at.getLine() + 1) + ": invalid YAML: "
          + oneLine(what), e);
    } catch (YAMLException e) {
      // Limits (aliases, nesting, size) end up here: untrusted input refused before it costs memory.
      throw new ComposeFileException(path + ": refused: " + oneLine(e.getMessage()), e);
    }
    if (root == null) {
      throw new ComposeFileException(path + ":1: the file is empty");
    }
    MappingNode top = mapping(path, root, "(top level)");
    String project = projectOverride;
    Map<String, DeclaredService> services = new LinkedHashMap<>();
    for (NodeTuple t : top.getValue()) {
      String key = scalar(path, t.getKeyNode(), "(key)");
      if (key.equals("name") && project == null) {
        project = normalizeProjectName(scalar(path, t.getValueNode(), "name"));
      }
    }
    String effectiveProject = project != null ? project : defaultProjectName(path);
    boolean sawServices = false;
    for (NodeTuple t : top.getValue()) {
      if (!scalar(path, t.getKeyNode(), "(key)").equals("services")) {
        continue;
      }
      sawServices = true;
      if (isNull(t.getValueNode())) {
        continue;
      }
      for (NodeTuple s : mapping(path, t.getValueNode(), "services").getValue()) {
        String name = scalar(path, s.getKeyNode(), "services");
        services.put(name, service(path, effectiveProject, name, s.getValueNode()));
      }
    }
    if (!sawServices) {
      throw new ComposeFileException(path + ":" + line(top) + ": services: missing; this is not a compose file");
    }
    return new ParsedFile(path, project, services);
  }

  private static DeclaredService service(Path path, String project, String name, Node node)
      throws ComposeFileException {
    String field = "services." + name;
    if (isNull(node)) {
      return new DeclaredService(project, name, "", 1, false, List.of(), path.toString());
    }
    String image = "";
    Integer scale = null;
    Integer deployReplicas = null;
    List<String> profiles = new ArrayList<>();
    for (NodeTuple t : mapping(path, node, field).getValue()) {
      String key = scalar(path, t.getKeyNode(), field);
      Node value = t.getValueNode();
      switch (key) {
        case "image" -> image = scalar(path, value, field + ".image");
        case "scale" -> scale = nonNegativeInt(path, value, field + ".scale");
        case "profiles" -> {
          for (Node p : sequence(path, value, field + ".profiles").getValue()) {
            profiles.add(scalar(path, p, field + ".profiles"));
          }
        }
        case "deploy" -> {
          if (!isNull(value)) {
            for (NodeTuple d : mapping(path, value, field + ".deploy").getValue()) {
              String dk = scalar(path, d.getKeyNode(), field + ".deploy");
              if (dk.equals("replicas")) {
                deployReplicas = nonNegativeInt(path, d.getValueNode(), field + ".deploy.replicas");
              } else if (dk.equals("mode") && "global".equals(scalar(path, d.getValueNode(), field + ".deploy.mode"))) {
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

  /** Compose's rule: the project name defaults to the folder's name, lowercased, reduced to [a-z0-9_-]. */
  static String defaultProjectName(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    return normalizeProjectName(dir == null || dir.getFileName() == null ? "default" : dir.getFileName().toString());
  }

  static String normalizeProjectName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || ((c == '_' || c == '-') && out.length() > 0)) {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode s && (s.getTag().getValue().endsWith(":null") || s.getValue().isEmpty());
  }

  private static MappingNode mapping(Path path, Node node, String field) throws ComposeFileException {
    if (!(node instanceof MappingNode m)) {
      throw new ComposeFileException(path + ":" + line(node) + ": " + field + ": expected a mapping");
    }
    // SnakeYAML refuses duplicate keys only when constructing objects; at the node level it is ours to do.
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && !keys.add(k.getValue())) {
        throw new ComposeFileException(path + ":" + line(k) + ": " + field + ": duplicate key '" + k.getValue() + "'");
      }
    }
    return m;
  }

  private static SequenceNode sequence(Path path, Node node, String field) throws ComposeFileException {
    if (node instanceof SequenceNode s) {
      return s;
    }
    throw new ComposeFileException(path + ":" + line(node) + ": " + field + ": expected a list");
  }

  private static String scalar(Path path, Node node, String field) throws ComposeFileException {
    if (node instanceof ScalarNode s) {
      return s.getValue();
    }
    throw new ComposeFileException(path + ":" + line(node) + ": " + field + ": expected a single value");
  }

  private static int nonNegativeInt(Path path, Node node, String field) throws ComposeFileException {
    String text = scalar(path, node, field);
    try {
      int v = Integer.parseInt(text.strip());
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ComposeFileException(path + ":" + line(node) + ": " + field + ": '" + text
          + "' is not a whole number of replicas");
    }
  }

  private static int line(Node node) {
    Mark mark = node.getStartMark();
    return mark == null ? 0 : mark.getLine() + 1;
  }

  private static String oneLine(String message) {
    return message == null ? "invalid YAML" : message.replaceAll("\\s+", " ").strip();
  }
}
