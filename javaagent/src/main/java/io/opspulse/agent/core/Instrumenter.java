package io.opspulse.agent.core;

import static net.bytebuddy.matcher.ElementMatchers.failSafe;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.opspulse.agent.core.TypeInstrumentation.MethodAdvice;
import java.lang.instrument.ClassFileTransformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Builds the ByteBuddy transformer that applies the advice, from the declarations {@link
 * Instrumentations} lists: matching is by exact class name, or by supertype for the API types'
 * implementations. It is not installed on the JVM: {@link ClassGate} is, and hands it only the
 * classes that can be targets, which keeps start-up and class loading cheap.
 */
final class Instrumenter {
  private Instrumenter() {}

  /**
   * The transformer, for {@link ClassGate} to call; building it loads ByteBuddy, so not on
   * premain's thread.
   */
  static ClassFileTransformer build(AgentConfig config, AgentErrors errors) {
    ClassLoader agentLoader = Instrumenter.class.getClassLoader();
    // Advice needs no class injection; keep ByteBuddy away from sun.misc.Unsafe (JDK 24+ warns on
    // it).
    // The shaded jar relocates this property name with ByteBuddy, so it only concerns our copy.
    System.setProperty(
        net.bytebuddy.dynamic.loading.ClassInjector.UsingUnsafe.SAFE_PROPERTY, "true");
    AgentBuilder builder =
        new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
            .disableClassFormatChanges()
            .with(AgentBuilder.TypeStrategy.Default.DECORATE)
            .with(AgentBuilder.DescriptionStrategy.Default.HYBRID)
            // No type pool cache across classes: ClassGate hands over only a few candidates, and a
            // cache keyed
            // by class loader would hold every loader it saw (DevTools' restart loaders) from
            // unloading.
            .with(new FailureListener(errors))
            // ClassGate already keeps out the JDK (but for the named targets) and the agent's own
            // classes; the
            // default ignore list would keep out the bootstrap loader's classes, ThreadPoolExecutor
            // among them.
            .ignore(isSynthetic());
    for (TypeInstrumentation instrumentation : Instrumentations.enabled(config)) {
      AgentBuilder.Transformer.ForAdvice advice =
          new AgentBuilder.Transformer.ForAdvice().include(agentLoader);
      for (MethodAdvice a : instrumentation.advice()) {
        advice = advice.advice(methods(a.methods()), a.adviceClass());
      }
      builder = builder.type(types(instrumentation.target())).transform(advice);
    }
    return builder.makeRaw();
  }

  /**
   * Of the classes loaded before the agent, those matched by name: the only ones to retransform,
   * instead of matching the few thousand loaded classes one by one.
   */
  static Class<?>[] alreadyLoaded(
      java.lang.instrument.Instrumentation inst, Set<String> internalNames) {
    List<Class<?>> found = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (internalNames.contains(c.getName().replace('.', '/')) && inst.isModifiableClass(c)) {
        found.add(c);
      }
    }
    return found.toArray(new Class<?>[0]);
  }

  /**
   * ByteBuddy's matcher for a target: by name, or the concrete classes below one of its API types.
   */
  static ElementMatcher.Junction<TypeDescription> types(TypeTarget target) {
    if (target.byName()) {
      return namedOneOf(target.names().toArray(String[]::new));
    }
    return not(isInterface())
        .and(failSafe(hasSuperType(namedOneOf(target.roots().toArray(String[]::new)))));
  }

  /** ByteBuddy's matcher for the methods a spec selects. */
  static ElementMatcher.Junction<MethodDescription> methods(MethodSpec spec) {
    ElementMatcher.Junction<MethodDescription> m;
    if (spec.isConstructor()) {
      m = isConstructor();
    } else if (spec.namePrefix() != null) {
      m = nameStartsWith(spec.namePrefix());
    } else {
      m = namedOneOf(spec.names().toArray(String[]::new));
    }
    if (!spec.argumentCounts().isEmpty()) {
      ElementMatcher.Junction<MethodDescription> counts = none();
      for (int n : spec.argumentCounts()) {
        counts = counts.or(takesArguments(n));
      }
      m = m.and(counts);
    }
    for (Map.Entry<Integer, String> type : spec.argumentTypes().entrySet()) {
      m = m.and(takesArgument(type.getKey(), named(type.getValue())));
    }
    if (spec.isPublicOnly()) {
      m = m.and(isPublic());
    }
    if (spec.isConcreteOnly()) {
      m = m.and(not(isAbstract()));
    }
    return m;
  }

  /**
   * Counts (and logs once) instrumentation failures; a class that cannot be transformed runs as it
   * was.
   */
  private static final class FailureListener extends AgentBuilder.Listener.Adapter {
    private final AgentErrors errors;

    FailureListener(AgentErrors errors) {
      this.errors = errors;
    }

    @Override
    public void onError(
        String typeName,
        ClassLoader classLoader,
        JavaModule module,
        boolean loaded,
        Throwable throwable) {
      errors.record(
          "instrumentation", new IllegalStateException("cannot instrument " + typeName, throwable));
    }
  }
}
