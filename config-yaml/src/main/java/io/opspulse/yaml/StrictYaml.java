package io.opspulse.yaml;

import io.opspulse.catalog.PromDuration;
import io.opspulse.yaml.YamlException.Kind;
import java.io.IOException;
import java.io.Reader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The strict YAML reader of one file. It reads SnakeYAML's node tree rather than maps, because
 * nodes keep their line numbers, and answers typed values that refuse what does not fit: every
 * problem is a {@link YamlException} reading {@code file:line: key: what is wrong}, never a silent
 * default.
 *
 * <p>Paths are dotted from the top of the file ({@code tls_server_config.cert_file}), with list
 * items as {@code [i]}; the empty path is the top level. Immutable; {@link #withValues} gives a
 * reader that sees scalars through a function (compose's {@code ${VAR}} interpolation).
 */
public final class StrictYaml {
  /** How the top level is named in errors about the whole document. */
  public static final String TOP_LEVEL = "(top level)";

  /**
   * Scalars quoted in errors are cut here: a value can be anything, an error message should not.
   */
  private static final int MAX_QUOTED = 120;

  private final String file;
  private final YamlLimits limits;
  private final Function<ScalarNode, String> values;

  private StrictYaml(String file, YamlLimits limits, Function<ScalarNode, String> values) {
    this.file = file;
    this.limits = limits;
    this.values = values;
  }

  /** A reader for the file named {@code file} in errors. */
  public static StrictYaml of(String file, YamlLimits limits) {
    return new StrictYaml(file, limits, ScalarNode::getValue);
  }

  /** This reader, with every scalar value (not key) read through {@code values}. */
  public StrictYaml withValues(Function<ScalarNode, String> values) {
    return new StrictYaml(file, limits, values);
  }

  public String file() {
    return file;
  }

  /**
   * The document's root node; empty for a file with no document (empty, or only comments). More
   * than one document is an error.
   */
  public Optional<Node> compose(Reader reader) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setAllowRecursiveKeys(false);
    options.setMaxAliasesForCollections(limits.maxAliases());
    options.setNestingDepthLimit(limits.maxDepth());
    options.setCodePointLimit(limits.maxCodePoints());
    StreamReader stream = new StreamReader(reader);
    try {
      return Optional.ofNullable(
          new Composer(new ParserImpl(stream, options), new Resolver(), options).getSingleNode());
    } catch (MarkedYAMLException e) {
      Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String what = e.getProblem() != null ? e.getProblem() : e.getContext();
      if (what != null && what.startsWith("but ") && e.getContext() != null) {
        what =
            e.getContext()
                + ", "
                + what; // "expected a single document in the stream, but found ..."
      }
      throw new YamlException(
          Kind.SYNTAX,
          file,
          at == null ? 0 : at.getLine() + 1,
          YamlException.WHOLE_FILE,
          "invalid YAML: " + oneLine(what),
          e);
    } catch (ReaderException | IllegalArgumentException e) {
      // IllegalArgumentException: SnakeYAML checks some node parts only when it builds them,
      // outside
      // its own exceptions; a tag such as "!a%20" decodes to one with a trailing space (found by
      // ComposeParserFuzzTest).
      throw new YamlException(
          Kind.SYNTAX,
          file,
          stream.getLine() + 1,
          YamlException.WHOLE_FILE,
          "invalid YAML: " + oneLine(e.getMessage()),
          e);
    } catch (YAMLException e) {
      if (e.getCause() instanceof IOException io) {
        throw new YamlException(
            Kind.SYNTAX,
            file,
            stream.getLine() + 1,
            YamlException.WHOLE_FILE,
            "cannot read: " + oneLine(io.getMessage()),
            e);
      }
      // The limits: SnakeYAML says which, but not where; the reader's position is where it stopped.
      throw new YamlException(
          Kind.LIMIT,
          file,
          stream.getLine() + 1,
          YamlException.WHOLE_FILE,
          "refused: " + oneLine(e.getMessage()),
          e);
    }
  }

  /** A mapping whose keys must all be among {@code known}. */
  public YamlMapping mapping(Node node, String path, Collection<String> known) {
    return mapping(node, path, known, true);
  }

  /** A mapping of any keys (user names, header names, the parts of a file the caller skips). */
  public YamlMapping mapping(Node node, String path) {
    return mapping(node, path, List.of(), false);
  }

  private YamlMapping mapping(Node node, String path, Collection<String> known, boolean strict) {
    if (!(node instanceof MappingNode mapping)) {
      throw error(node, path, "expected a mapping, got " + describe(node));
    }
    List<YamlMapping.Entry> entries = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (NodeTuple t : mapping.getValue()) {
      Node keyNode = t.getKeyNode();
      if (!(keyNode instanceof ScalarNode k) || isNull(keyNode)) {
        throw error(keyNode, path, "expected a key, got " + describe(keyNode));
      }
      String key = k.getValue();
      String full = join(path, key);
      if (strict && !known.contains(key)) {
        throw error(keyNode, full, "unknown key; known: " + String.join(", ", known));
      }
      if (!seen.add(key)) {
        throw error(keyNode, full, "duplicate key");
      }
      entries.add(new YamlMapping.Entry(key, keyNode, t.getValueNode(), full));
    }
    return new YamlMapping(mapping, path, entries);
  }

  /** A list's items. */
  public List<Node> list(Node node, String path) {
    if (node instanceof SequenceNode seq) {
      return seq.getValue();
    }
    throw error(node, path, "expected a list, got " + describe(node));
  }

  /** A list of single values; each item's path is {@code path[i]}. */
  public List<String> scalarList(Node node, String path) {
    List<Node> items = list(node, path);
    List<String> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      out.add(scalar(items.get(i), path + "[" + i + "]"));
    }
    return out;
  }

  /**
   * A single value as text; a null value is its text as written ({@code ""}, {@code ~}, {@code
   * null}).
   */
  public String scalar(Node node, String path) {
    if (node instanceof ScalarNode s) {
      return values.apply(s);
    }
    throw error(node, path, "expected a single value, got " + describe(node));
  }

  /** A single value that is not null. */
  public String string(Node node, String path) {
    if (isNull(node)) {
      throw error(node, path, "expected a single value, got null");
    }
    return scalar(node, path);
  }

  /**
   * {@code true} or {@code false}, in the YAML 1.2 spellings (also {@code True}, {@code FALSE}).
   */
  public boolean bool(Node node, String path) {
    String text = scalar(node, path);
    return switch (text) {
      case "true", "True", "TRUE" -> true;
      case "false", "False", "FALSE" -> false;
      default -> throw error(node, path, "expected true or false, got " + quote(text));
    };
  }

  /** A whole number that fits an {@code int}. */
  public int integer(Node node, String path) {
    String text = scalar(node, path);
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw error(node, path, "expected an integer, got " + quote(text));
    }
  }

  /** A finite number written as one (not quoted): {@code 0.35}, {@code 10}, {@code 1_000}. */
  public double number(Node node, String path) {
    String text = scalar(node, path);
    Tag tag = node.getTag();
    if (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)) {
      try {
        double v = Double.parseDouble(text.replace("_", ""));
        if (Double.isFinite(v)) {
          return v;
        }
      } catch (NumberFormatException e) {
        // hexadecimal, sexagesimal, .inf: YAML 1.1 numbers no configuration means
      }
    }
    throw error(node, path, "expected a number, got " + quote(text));
  }

  /** A Prometheus duration ({@link PromDuration}) as written: {@code 5m}, {@code 1h30m}. */
  public String durationText(Node node, String path) {
    return parsed(
        node,
        path,
        text -> {
          PromDuration.parse(text); // the check, with PromDuration's message
          return text;
        });
  }

  /** A Prometheus duration ({@link PromDuration}), zero included. */
  public Duration duration(Node node, String path) {
    return parsed(node, path, PromDuration::parse);
  }

  /**
   * A single value read by {@code parser}; an {@link IllegalArgumentException} it throws becomes an
   * error naming this value's line, with the exception's message as what is wrong.
   */
  public <T> T parsed(Node node, String path, Function<String, T> parser) {
    String text = scalar(node, path);
    try {
      return parser.apply(text);
    } catch (YamlException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw error(node, path, String.valueOf(e.getMessage()));
    }
  }

  /** An error at {@code node}'s line about {@code path}; the top level when the path is empty. */
  public YamlException error(Node node, String path, String problem) {
    return new YamlException(
        Kind.SCHEMA, file, line(node), path.isEmpty() ? TOP_LEVEL : path, problem, null);
  }

  /** Whether {@code node} is YAML's null: {@code ~}, {@code null} or nothing at all. */
  public static boolean isNull(Node node) {
    return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
  }

  /** The 1-based line {@code node} starts on; 0 for no node. */
  public static int line(Node node) {
    Mark mark = node == null ? null : node.getStartMark();
    return mark == null ? 0 : mark.getLine() + 1;
  }

  /** What a node is, for "expected ..., got ...": a mapping, a list, null, or the value quoted. */
  public static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (node instanceof ScalarNode s) {
      return isNull(s) ? "null" : quote(s.getValue());
    }
    return "nothing";
  }

  /**
   * {@code text} in single quotes, cut short and with control characters replaced, for a message.
   */
  public static String quote(String text) {
    String cut = text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "..." : text;
    StringBuilder out = new StringBuilder(cut.length() + 2).append('\'');
    cut.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '_' : c));
    return out.append('\'').toString();
  }

  static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String oneLine(@Nullable String message) {
    return message == null ? "unknown problem" : message.replaceAll("\\s+", " ").strip();
  }
}
