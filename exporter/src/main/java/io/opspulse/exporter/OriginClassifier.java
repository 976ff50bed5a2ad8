package io.opspulse.exporter;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Decides each container's {@link Origin} against the declared state and the deprecated patterns.
 */
final class OriginClassifier {
  private final List<Pattern> deprecatedImages;
  private final List<Pattern> deprecatedNames;

  OriginClassifier(List<String> deprecatedImageGlobs, List<String> deprecatedNameGlobs) {
    this.deprecatedImages = deprecatedImageGlobs.stream().map(OriginClassifier::glob).toList();
    this.deprecatedNames = deprecatedNameGlobs.stream().map(OriginClassifier::glob).toList();
  }

  Origin classify(ContainerInfo c, DeclaredState declared) {
    if (matchesAny(deprecatedNames, c.name()) || matchesAny(deprecatedImages, c.image())) {
      return Origin.DEPRECATED;
    }
    if (!c.composeProject().isEmpty()) {
      if (c.isOneOff()) {
        return Origin.ONEOFF;
      }
      // Only a project whose files were read can say a service is gone; otherwise trust the labels.
      if (declared.knowsProject(c.composeProject())
          && declared.service(c.composeProject(), c.composeService()).isEmpty()) {
        return Origin.ORPHAN;
      }
      return Origin.DECLARED;
    }
    return GeneratedNames.isGenerated(c.name()) ? Origin.ANONYMOUS : Origin.UNMANAGED;
  }

  private static boolean matchesAny(List<Pattern> patterns, String value) {
    for (Pattern p : patterns) {
      if (p.matcher(value).matches()) {
        return true;
      }
    }
    return false;
  }

  /** Shell-style glob: {@code *} any run of characters (slashes too), {@code ?} one character. */
  static Pattern glob(String glob) {
    StringBuilder re = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          re.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        re.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      re.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(re.toString());
  }
}
