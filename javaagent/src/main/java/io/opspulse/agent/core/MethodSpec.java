package io.opspulse.agent.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which declared methods of a target class get an advice, said once in JDK terms: {@link ClassGate}
 * asks it of a class file's header while the class is being defined, and {@link HookWeaver} applies
 * the same spec to the methods it weaves, so the gate and the weaver cannot disagree on a method.
 * Immutable; each refinement returns a new spec.
 */
final class MethodSpec {
  static final String CONSTRUCTOR = "<init>";

  private final Set<String> names;
  private final @Nullable String namePrefix;
  private final Set<Integer> argumentCounts;
  private final Map<Integer, String> argumentTypes;
  private final boolean publicOnly;
  private final boolean concreteOnly;

  private MethodSpec(
      Set<String> names,
      @Nullable String namePrefix,
      Set<Integer> argumentCounts,
      Map<Integer, String> argumentTypes,
      boolean publicOnly,
      boolean concreteOnly) {
    this.names = Set.copyOf(names);
    this.namePrefix = namePrefix;
    this.argumentCounts = Set.copyOf(argumentCounts);
    this.argumentTypes = Map.copyOf(argumentTypes);
    this.publicOnly = publicOnly;
    this.concreteOnly = concreteOnly;
  }

  /** Methods named one of {@code names}. */
  static MethodSpec named(String... names) {
    return new MethodSpec(Set.of(names), null, Set.of(), Map.of(), false, false);
  }

  /** Methods whose name starts with {@code prefix}. */
  static MethodSpec nameStartsWith(String prefix) {
    return new MethodSpec(Set.of(), prefix, Set.of(), Map.of(), false, false);
  }

  /** Every constructor. */
  static MethodSpec constructor() {
    return named(CONSTRUCTOR);
  }

  /** Only with one of these numbers of parameters. */
  MethodSpec arguments(int... counts) {
    Set<Integer> c = new java.util.HashSet<>();
    for (int n : counts) {
      c.add(n);
    }
    return new MethodSpec(names, namePrefix, c, argumentTypes, publicOnly, concreteOnly);
  }

  /**
   * Only where parameter {@code index} is exactly {@code type} (a binary name, or a primitive's
   * name).
   */
  MethodSpec argument(int index, String type) {
    Map<Integer, String> t = new HashMap<>(argumentTypes);
    t.put(index, type);
    return new MethodSpec(names, namePrefix, argumentCounts, t, publicOnly, concreteOnly);
  }

  /** Only public methods. */
  MethodSpec publicOnly() {
    return new MethodSpec(names, namePrefix, argumentCounts, argumentTypes, true, concreteOnly);
  }

  /** Only methods with a body (advice on an abstract method would never run). */
  MethodSpec concrete() {
    return new MethodSpec(names, namePrefix, argumentCounts, argumentTypes, publicOnly, true);
  }

  Set<String> names() {
    return names;
  }

  @Nullable String namePrefix() {
    return namePrefix;
  }

  Set<Integer> argumentCounts() {
    return argumentCounts;
  }

  Map<Integer, String> argumentTypes() {
    return argumentTypes;
  }

  boolean isPublicOnly() {
    return publicOnly;
  }

  boolean isConcreteOnly() {
    return concreteOnly;
  }

  boolean isConstructor() {
    return names.equals(Set.of(CONSTRUCTOR));
  }

  /** Whether the method a class file declares is one of these: the gate's question. */
  boolean matches(ClassHeader.Method method) {
    String name = method.name();
    if (namePrefix != null ? !name.startsWith(namePrefix) : !names.contains(name)) {
      return false;
    }
    if ((publicOnly && !method.isPublic()) || (concreteOnly && method.isAbstract())) {
      return false;
    }
    if (argumentCounts.isEmpty() && argumentTypes.isEmpty()) {
      return true;
    }
    List<String> parameters = parameters(method.descriptor());
    if (parameters == null
        || (!argumentCounts.isEmpty() && !argumentCounts.contains(parameters.size()))) {
      return false;
    }
    for (Map.Entry<Integer, String> type : argumentTypes.entrySet()) {
      if (type.getKey() >= parameters.size()
          || !type.getValue().equals(parameters.get(type.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The parameter types of a method descriptor as binary names ({@code int}, {@code
   * java.lang.String[]}), or null.
   */
  static @Nullable List<String> parameters(String descriptor) {
    if (descriptor.isEmpty() || descriptor.charAt(0) != '(') {
      return null;
    }
    List<String> types = new ArrayList<>();
    int i = 1;
    while (i < descriptor.length() && descriptor.charAt(i) != ')') {
      int dims = 0;
      while (descriptor.charAt(i) == '[') {
        dims++;
        i++;
      }
      String type;
      char c = descriptor.charAt(i);
      if (c == 'L') {
        int end = descriptor.indexOf(';', i);
        if (end < 0) {
          return null;
        }
        type = descriptor.substring(i + 1, end).replace('/', '.');
        i = end + 1;
      } else {
        type = primitive(c);
        if (type == null) {
          return null;
        }
        i++;
      }
      types.add(dims == 0 ? type : type.concat("[]".repeat(dims)));
    }
    return i < descriptor.length() ? types : null;
  }

  private static @Nullable String primitive(char c) {
    return switch (c) {
      case 'Z' -> "boolean";
      case 'B' -> "byte";
      case 'C' -> "char";
      case 'S' -> "short";
      case 'I' -> "int";
      case 'J' -> "long";
      case 'F' -> "float";
      case 'D' -> "double";
      default -> null;
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MethodSpec m
        && names.equals(m.names)
        && java.util.Objects.equals(namePrefix, m.namePrefix)
        && argumentCounts.equals(m.argumentCounts)
        && argumentTypes.equals(m.argumentTypes)
        && publicOnly == m.publicOnly
        && concreteOnly == m.concreteOnly;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        names, namePrefix, argumentCounts, argumentTypes, publicOnly, concreteOnly);
  }

  @Override
  public String toString() {
    return (namePrefix != null
            ? namePrefix + "*"
            : String.join("|", new java.util.TreeSet<>(names)))
        + (argumentCounts.isEmpty() ? "" : " args " + argumentCounts)
        + (argumentTypes.isEmpty() ? "" : " " + argumentTypes)
        + (publicOnly ? " public" : "")
        + (concreteOnly ? " concrete" : "");
  }
}
