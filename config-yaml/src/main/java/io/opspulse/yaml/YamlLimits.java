package io.opspulse.yaml;

/**
 * How much of an untrusted file the reader takes before it refuses it: the file's length in code
 * points, the aliases to collections (the "billion laughs" expansion), and the nesting depth. Each
 * reader sets what fits its files, well above what a sane one needs.
 */
public record YamlLimits(int maxCodePoints, int maxAliases, int maxDepth) {
  /** SnakeYAML's own defaults: 3 MiB, 50 aliases, 50 levels. */
  public static final YamlLimits DEFAULT = new YamlLimits(3 * 1024 * 1024, 50, 50);

  public YamlLimits {
    if (maxCodePoints < 1 || maxAliases < 0 || maxDepth < 1) {
      throw new IllegalArgumentException(
          "YAML limits must be positive: " + maxCodePoints + ", " + maxAliases + ", " + maxDepth);
    }
  }
}
