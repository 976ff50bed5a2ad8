package io.opspulse.agent.core;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.jspecify.annotations.Nullable;

/**
 * Method handles on an application's framework API (the servlet API, Spring's), for the agent,
 * which cannot name those types: they live in the application's class loaders, in versions the
 * agent does not choose. Handles are looked up once per application class (callers cache them in a
 * {@link ClassValue}) and typed to take and return Object, so that callers invoke them exactly.
 */
final class ApiTypes {
  private static final MethodHandles.Lookup LOOKUP = MethodHandles.publicLookup();

  private ApiTypes() {}

  /** The type named {@code name} among {@code type} and its supertypes, or null. */
  static @Nullable Class<?> find(Class<?> type, String name) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (c.getName().equals(name)) {
        return c;
      }
      for (Class<?> i : c.getInterfaces()) {
        Class<?> found = find(i, name);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /** The type named {@code name} as {@code peer}'s class loader sees it. */
  static Class<?> sibling(Class<?> peer, String name) throws ClassNotFoundException {
    return Class.forName(name, false, peer.getClassLoader());
  }

  /**
   * {@code owner.name()}, typed {@code (Object)R} where R is the method's own return type for
   * primitives and String, Object for the API's types.
   */
  static MethodHandle getter(Class<?> owner, String name, Class<?> returns)
      throws NoSuchMethodException, IllegalAccessException {
    MethodHandle h = LOOKUP.findVirtual(owner, name, MethodType.methodType(returns));
    return h.asType(
        MethodType.methodType(
            returns.isPrimitive() || returns == String.class ? returns : Object.class,
            Object.class));
  }

  /** Like {@link #getter}, or null where this version of the API lacks the method. */
  static @Nullable MethodHandle optionalGetter(Class<?> owner, String name, Class<?> returns)
      throws IllegalAccessException {
    try {
      return getter(owner, name, returns);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /** {@code owner.name(String)}, typed {@code (Object, String)Object}. */
  static MethodHandle stringArgument(Class<?> owner, String name, Class<?> returns)
      throws NoSuchMethodException, IllegalAccessException {
    MethodHandle h = LOOKUP.findVirtual(owner, name, MethodType.methodType(returns, String.class));
    return h.asType(MethodType.methodType(Object.class, Object.class, String.class));
  }

  /** What one API type yields (handles on it, as a holder), looked up once per runtime class. */
  interface Lookup<T> {
    T of(Class<?> api) throws ReflectiveOperationException;
  }

  /**
   * Per runtime class: {@code lookup} applied to the type named {@code api} among its supertypes,
   * as that class's loader sees it; null for a class that is no {@code api}. A lookup that fails
   * throws (ClassValue caches no exception, so it is reported at each use).
   */
  static <T> ClassValue<@Nullable T> perClass(String api, Lookup<T> lookup) {
    return new ClassValue<>() {
      @Override
      protected @Nullable T computeValue(Class<?> type) {
        Class<?> found = find(type, api);
        if (found == null) {
          return null;
        }
        try {
          return lookup.of(found);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read " + api + " of " + type.getName(), e);
        }
      }
    };
  }

  /** An enum constant's name, or null. */
  static @Nullable String enumName(Object value) {
    return value instanceof Enum<?> e ? e.name() : null;
  }
}
