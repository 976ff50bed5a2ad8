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
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.opspulse.agent.advice.ConnectionPoolClosedAdvice;
import io.opspulse.agent.advice.ConnectionWaitAdvice;
import io.opspulse.agent.advice.ExecutorConstructorAdvice;
import io.opspulse.agent.advice.ExecutorRejectAdvice;
import io.opspulse.agent.advice.ExecutorWorkerAdvice;
import io.opspulse.agent.advice.HikariPoolAdvice;
import io.opspulse.agent.advice.HttpClientSendAdvice;
import io.opspulse.agent.advice.HttpClientSendAsyncAdvice;
import io.opspulse.agent.advice.HttpHandlerAdvice;
import io.opspulse.agent.advice.JerseyAdvice;
import io.opspulse.agent.advice.PrepareStatementAdvice;
import io.opspulse.agent.advice.RestartClassLoaderAdvice;
import io.opspulse.agent.advice.ServletAdvice;
import io.opspulse.agent.advice.StatementExecuteAdvice;
import io.opspulse.agent.advice.UrlConnectionAdvice;
import io.opspulse.agent.advice.WebFluxAdvice;
import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.lang.instrument.ClassFileTransformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Builds the ByteBuddy transformer that applies the advice. Matching is by exact class name for the
 * JDK's classes and by supertype for the application's. It is not installed on the JVM: {@link ClassGate}
 * is, and hands it only the classes that can be targets, which keeps start-up and class loading cheap.
 */
final class Instrumenter {
  static final String THREAD_POOL_EXECUTOR = "java.util.concurrent.ThreadPoolExecutor";
  static final String FORK_JOIN_POOL = "java.util.concurrent.ForkJoinPool";
  static final String TOMCAT_THREAD_POOL = "org.apache.tomcat.util.threads.ThreadPoolExecutor";
  static final String JETTY_THREAD_POOL = "org.eclipse.jetty.util.thread.QueuedThreadPool";
  static final String WEBFLUX_HANDLER = "org.springframework.web.server.handler.ExceptionHandlingWebHandler";
  static final String JERSEY_HANDLER = "org.glassfish.jersey.server.ApplicationHandler";
  static final String HTTP_CLIENT_FACADE = "jdk.internal.net.http.HttpClientFacade";
  static final String URL_CONNECTION = "sun.net.www.protocol.http.HttpURLConnection";
  static final String HTTP_SERVER_CHAIN = "com.sun.net.httpserver.Filter$Chain";
  static final String HIKARI_POOL = "com.zaxxer.hikari.pool.HikariPool";
  static final String RESTART_CLASS_LOADER =
      "org.springframework.boot.devtools.restart.classloader.RestartClassLoader";

  private Instrumenter() {}

  /** The transformer, for {@link ClassGate} to call; building it loads ByteBuddy, so not on premain's thread. */
  static ClassFileTransformer build(AgentConfig config, AgentErrors errors) {
    ClassLoader agentLoader = Instrumenter.class.getClassLoader();
    // Advice needs no class injection; keep ByteBuddy away from sun.misc.Unsafe (JDK 24+ warns on it).
    // The shaded jar relocates this property name with ByteBuddy, so it only concerns our copy.
    System.setProperty(net.bytebuddy.dynamic.loading.ClassInjector.UsingUnsafe.SAFE_PROPERTY, "true");
    AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
        .disableClassFormatChanges()
        .with(AgentBuilder.TypeStrategy.Default.DECORATE)
        .with(AgentBuilder.DescriptionStrategy.Default.HYBRID)
        // No type pool cache across classes: ClassGate hands over only a few candidates, and a cache keyed
        // by class loader would hold every loader it saw (DevTools' restart loaders) from unloading.
        .with(new FailureListener(errors))
        // ClassGate already keeps out the JDK (but for the named targets) and the agent's own classes; the
        // default ignore list would keep out the bootstrap loader's classes, ThreadPoolExecutor among them.
        .ignore(isSynthetic());

    if (config.enabled(Instrumentation.HTTP_SERVER)) {
      builder = builder.type(named(HTTP_SERVER_CHAIN))
          .transform(advice(agentLoader).advice(named("doFilter").and(takesArguments(1)),
              HttpHandlerAdvice.class.getName()));
    }
    if (config.enabled(Instrumentation.SERVLET)) {
      builder = servlet(builder, agentLoader, "jakarta");
      builder = servlet(builder, agentLoader, "javax");
      // Jersey on a servlet container: its matched @Path templates name the route.
      builder = builder.type(named(JERSEY_HANDLER))
          .transform(advice(agentLoader).advice(named("handle").and(takesArguments(1))
              .and(takesArgument(0, named("org.glassfish.jersey.server.ContainerRequest"))),
              JerseyAdvice.class.getName()));
    }
    if (config.enabled(Instrumentation.WEBFLUX)) {
      builder = builder.type(named(WEBFLUX_HANDLER))
          .transform(advice(agentLoader).advice(named("handle").and(takesArguments(1))
              .and(takesArgument(0, named("org.springframework.web.server.ServerWebExchange"))),
              WebFluxAdvice.class.getName()));
    }
    if (config.enabled(Instrumentation.HTTP_CLIENT)) {
      builder = builder.type(named(HTTP_CLIENT_FACADE))
          .transform(advice(agentLoader)
              .advice(named("send").and(takesArguments(2)), HttpClientSendAdvice.class.getName())
              .advice(named("sendAsync").and(takesArguments(2).or(takesArguments(3))),
                  HttpClientSendAsyncAdvice.class.getName()))
          .type(named(URL_CONNECTION))
          .transform(advice(agentLoader).advice(named("getInputStream").and(takesArguments(0)),
              UrlConnectionAdvice.class.getName()));
    }
    if (config.enabled(Instrumentation.EXECUTOR)) {
      builder = builder.type(named(THREAD_POOL_EXECUTOR))
          .transform(advice(agentLoader)
              .advice(isConstructor().and(takesArguments(7)), ExecutorConstructorAdvice.class.getName())
              .advice(named("runWorker").and(takesArguments(1)), ExecutorWorkerAdvice.class.getName())
              .advice(named("reject").and(takesArguments(1)), ExecutorRejectAdvice.class.getName()))
          // Tomcat's request pool: its own copy of ThreadPoolExecutor, with its own constructors.
          .type(named(TOMCAT_THREAD_POOL))
          .transform(advice(agentLoader)
              .advice(isConstructor(), ExecutorConstructorAdvice.class.getName())
              .advice(named("runWorker").and(takesArguments(1)), ExecutorWorkerAdvice.class.getName())
              .advice(named("reject").and(takesArguments(1)), ExecutorRejectAdvice.class.getName()))
          // Named by itself, not by its threads: registered at construction.
          .type(named(JETTY_THREAD_POOL))
          .transform(advice(agentLoader).advice(isConstructor(), ExecutorConstructorAdvice.class.getName()))
          .type(named(FORK_JOIN_POOL))
          .transform(advice(agentLoader)
              .advice(isConstructor(), ExecutorConstructorAdvice.class.getName())
              .advice(named("runWorker").and(takesArguments(1)), ExecutorWorkerAdvice.class.getName()));
    }
    if (config.enabled(Instrumentation.JDBC)) {
      builder = builder.type(not(isInterface()).and(failSafe(hasSuperType(named("java.sql.Statement")))))
          .transform(advice(agentLoader).advice(nameStartsWith("execute").and(isPublic()).and(not(isAbstract())),
              StatementExecuteAdvice.class.getName()))
          .type(not(isInterface()).and(failSafe(hasSuperType(named("java.sql.Connection")))))
          .transform(advice(agentLoader).advice(namedOneOf("prepareStatement", "prepareCall")
              .and(takesArgument(0, String.class)).and(isPublic()).and(not(isAbstract())),
              PrepareStatementAdvice.class.getName()));
    }
    if (config.enabled(Instrumentation.HIKARI)) {
      builder = builder.type(named(HIKARI_POOL))
          .transform(advice(agentLoader)
              .advice(isConstructor().and(takesArguments(1)), HikariPoolAdvice.class.getName())
              .advice(named("getConnection").and(takesArguments(1)).and(takesArgument(0, long.class)),
                  ConnectionWaitAdvice.class.getName())
              .advice(named("shutdown").and(takesArguments(0)), ConnectionPoolClosedAdvice.class.getName()));
    }
    builder = LibraryInstrumentations.apply(builder, config, agentLoader);
    if (config.enabled(Instrumentation.DEV_MODE)) {
      builder = builder.type(named(RESTART_CLASS_LOADER))
          .transform(advice(agentLoader).advice(isConstructor(), RestartClassLoaderAdvice.class.getName()));
    }
    return builder.makeRaw();
  }

  /** {@code known}, plus the loaded classes whose internal names are in {@code more}. */
  static Class<?>[] loaded(java.lang.instrument.Instrumentation inst, Class<?>[] known, Set<String> more) {
    if (more.isEmpty()) {
      return known;
    }
    Set<Class<?>> found = new java.util.LinkedHashSet<>(List.of(known));
    found.addAll(List.of(alreadyLoaded(inst, more)));
    return found.toArray(new Class<?>[0]);
  }

  /**
   * Of the classes loaded before the agent, those matched by name: the only ones to retransform, instead
   * of matching the few thousand loaded classes one by one.
   */
  static Class<?>[] alreadyLoaded(java.lang.instrument.Instrumentation inst, Set<String> internalNames) {
    List<Class<?>> found = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (internalNames.contains(c.getName().replace('.', '/')) && inst.isModifiableClass(c)) {
        found.add(c);
      }
    }
    return found.toArray(new Class<?>[0]);
  }

  /** One advice for both servlet APIs: it reads them through ServletAccessor, whichever it is. */
  private static AgentBuilder servlet(AgentBuilder builder, ClassLoader agentLoader, String ns) {
    ElementMatcher.Junction<TypeDescription> api = named(ns + ".servlet.Servlet").or(named(ns + ".servlet.Filter"));
    String advice = ServletAdvice.class.getName();
    return builder.type(not(isInterface()).and(failSafe(hasSuperType(api))))
        .transform(advice(agentLoader)
            .advice(named("service").and(takesArguments(2))
                .and(takesArgument(0, named(ns + ".servlet.ServletRequest"))).and(not(isAbstract())), advice)
            .advice(named("doFilter").and(takesArguments(3))
                .and(takesArgument(0, named(ns + ".servlet.ServletRequest"))).and(not(isAbstract())), advice));
  }

  private static AgentBuilder.Transformer.ForAdvice advice(ClassLoader agentLoader) {
    return new AgentBuilder.Transformer.ForAdvice().include(agentLoader);
  }

  /** Counts (and logs once) instrumentation failures; a class that cannot be transformed runs as it was. */
  private static final class FailureListener extends AgentBuilder.Listener.Adapter {
    private final AgentErrors errors;

    FailureListener(AgentErrors errors) {
      this.errors = errors;
    }

    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
        Throwable throwable) {
      errors.record("instrumentation", new IllegalStateException("cannot instrument " + typeName, throwable));
    }
  }
}
