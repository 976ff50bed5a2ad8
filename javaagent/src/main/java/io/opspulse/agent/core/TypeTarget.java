package io.opspulse.agent.core;

import java.util.List;

/**
 * The classes a {@link TypeInstrumentation} changes. Either named exactly (the JDK's classes and a
 * library's one class that every call goes through: the gate passes them on their name alone), or
 * every concrete class implementing one of a few API types, the gate's roots (servlets, JDBC
 * drivers): the gate resolves a loading class's supertypes from class files ({@link
 * SupertypeIndex}) and passes it only when it declares a method the instrumentation advises.
 *
 * @param names binary names of the classes, for a target by name; empty otherwise
 * @param roots binary names of the API types, for a target by hierarchy; empty otherwise
 */
record TypeTarget(List<String> names, List<String> roots) {
  TypeTarget {
    names = List.copyOf(names);
    roots = List.copyOf(roots);
    if (names.isEmpty() == roots.isEmpty()) {
      throw new IllegalArgumentException("a target is either named or a hierarchy");
    }
  }

  static TypeTarget named(String... binaryNames) {
    return new TypeTarget(List.of(binaryNames), List.of());
  }

  static TypeTarget implementing(String... apiTypes) {
    return new TypeTarget(List.of(), List.of(apiTypes));
  }

  boolean byName() {
    return !names.isEmpty();
  }
}
