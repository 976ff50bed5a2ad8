package io.opspulse.yaml;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A mapping the reader has checked: every key a single value, none twice, and (where the caller
 * named them) none unknown. Entries keep the file's order and their nodes, so later errors still
 * name lines.
 */
public final class YamlMapping {
  /** One key and its value; {@code path} is the key's dotted path from the top of the file. */
  public record Entry(String key, Node keyNode, Node value, String path) {}

  private final MappingNode node;
  private final String path;
  private final List<Entry> entries;
  private final Map<String, Entry> byKey = new LinkedHashMap<>();

  YamlMapping(MappingNode node, String path, List<Entry> entries) {
    this.node = node;
    this.path = path;
    this.entries = List.copyOf(entries);
    for (Entry e : entries) {
      byKey.put(e.key(), e);
    }
  }

  /** The mapping's node, for errors about the mapping as a whole (a key it lacks). */
  public MappingNode node() {
    return node;
  }

  /** Its dotted path; empty at the top of the file. */
  public String path() {
    return path;
  }

  public List<Entry> entries() {
    return entries;
  }

  /** Whether {@code key} is given, even as null ({@code key:} with nothing after it). */
  public boolean contains(String key) {
    return byKey.containsKey(key);
  }

  /** The entry for {@code key}, null values included. */
  public Optional<Entry> entry(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  /** The value of {@code key}, empty when the key is absent or its value is null. */
  public Optional<Node> get(String key) {
    Entry e = byKey.get(key);
    return e == null || StrictYaml.isNull(e.value()) ? Optional.empty() : Optional.of(e.value());
  }

  /** The dotted path of {@code key} in this mapping. */
  public String pathOf(String key) {
    return StrictYaml.join(path, key);
  }
}
