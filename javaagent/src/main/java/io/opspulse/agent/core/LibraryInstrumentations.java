package io.opspulse.agent.core;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.opspulse.agent.advice.ApacheHttpClient4Advice;
import io.opspulse.agent.advice.ApacheHttpClient5Advice;
import io.opspulse.agent.advice.ConnectionPoolClosedAdvice;
import io.opspulse.agent.advice.ConnectionPoolOpenedAdvice;
import io.opspulse.agent.advice.ConnectionWaitAdvice;
import io.opspulse.agent.advice.OkHttpAdvice;
import io.opspulse.agent.advice.ReactorNettyClosedAdvice;
import io.opspulse.agent.advice.ReactorNettyRequestAdvice;
import io.opspulse.agent.advice.ReactorNettyResponseAdvice;
import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * The HTTP client libraries (Apache HttpClient 5 and 4 classic, OkHttp 3.14/4, Reactor Netty's HttpClient,
 * which Spring's WebClient runs on) and connection pools
 * (Tomcat JDBC, Commons DBCP2, Agroal) beside the JDK's clients and HikariCP. Each is matched by the exact
 * name of the one class every call of the library goes through, so {@link ClassGate} passes them on their
 * name alone, and the advice reads the library's own types where it is inlined.
 */
final class LibraryInstrumentations {
  static final List<String> APACHE_HTTP_CLIENT_5 = List.of(
      "org.apache.hc.client5.http.impl.classic.InternalHttpClient",
      "org.apache.hc.client5.http.impl.classic.MinimalHttpClient");
  static final List<String> APACHE_HTTP_CLIENT_4 = List.of(
      "org.apache.http.impl.client.InternalHttpClient",
      "org.apache.http.impl.client.MinimalHttpClient");
  /** OkHttp 4's call, and OkHttp 3's. */
  static final List<String> OKHTTP_CALL = List.of("okhttp3.internal.connection.RealCall", "okhttp3.RealCall");
  static final String REACTOR_NETTY_HANDLER = "reactor.netty.http.client.HttpClientConnect$HttpClientHandler";
  static final String REACTOR_NETTY_OPERATIONS = "reactor.netty.http.client.HttpClientOperations";
  static final String TOMCAT_JDBC_POOL = ConnectionPools.Library.TOMCAT_JDBC.poolClass;
  static final String DBCP2_DATA_SOURCE = ConnectionPools.Library.DBCP2.poolClass;
  static final String AGROAL_POOL = ConnectionPools.Library.AGROAL.poolClass;

  private LibraryInstrumentations() {}

  /** The class names the enabled instrumentations here match, for the gate. */
  static Set<String> exactNames(AgentConfig config) {
    Set<String> names = new HashSet<>();
    if (config.enabled(Instrumentation.HTTP_CLIENT)) {
      names.addAll(APACHE_HTTP_CLIENT_5);
      names.addAll(APACHE_HTTP_CLIENT_4);
      names.addAll(OKHTTP_CALL);
      names.add(REACTOR_NETTY_HANDLER);
      names.add(REACTOR_NETTY_OPERATIONS);
    }
    if (config.enabled(Instrumentation.CONNECTION_POOL)) {
      names.add(TOMCAT_JDBC_POOL);
      names.add(DBCP2_DATA_SOURCE);
      names.add(AGROAL_POOL);
    }
    return names;
  }

  static AgentBuilder apply(AgentBuilder builder, AgentConfig config, ClassLoader agentLoader) {
    AgentBuilder b = builder;
    if (config.enabled(Instrumentation.HTTP_CLIENT)) {
      b = b.type(namedOneOf(APACHE_HTTP_CLIENT_5.toArray(String[]::new)))
          .transform(advice(agentLoader).advice(named("doExecute").and(takesArguments(3))
              .and(takesArgument(1, named("org.apache.hc.core5.http.ClassicHttpRequest"))),
              ApacheHttpClient5Advice.class.getName()))
          .type(namedOneOf(APACHE_HTTP_CLIENT_4.toArray(String[]::new)))
          .transform(advice(agentLoader).advice(named("doExecute").and(takesArguments(3))
              .and(takesArgument(1, named("org.apache.http.HttpRequest"))),
              ApacheHttpClient4Advice.class.getName()))
          .type(namedOneOf(OKHTTP_CALL.toArray(String[]::new)))
          .transform(advice(agentLoader).advice(
              nameStartsWith("getResponseWithInterceptorChain").and(takesArguments(0)),
              OkHttpAdvice.class.getName()))
          .type(named(REACTOR_NETTY_HANDLER))
          .transform(advice(agentLoader).advice(named("requestWithBody").and(takesArguments(1)),
              ReactorNettyRequestAdvice.class.getName()))
          .type(named(REACTOR_NETTY_OPERATIONS))
          .transform(advice(agentLoader)
              .advice(named("onInboundNext").and(takesArguments(2)), ReactorNettyResponseAdvice.class.getName())
              .advice(named("onInboundClose").and(takesArguments(0)), ReactorNettyClosedAdvice.class.getName()));
    }
    if (config.enabled(Instrumentation.CONNECTION_POOL)) {
      b = b.type(named(TOMCAT_JDBC_POOL))
          .transform(advice(agentLoader)
              .advice(isConstructor().and(takesArguments(1)), ConnectionPoolOpenedAdvice.class.getName())
              .advice(named("close").and(takesArguments(1)), ConnectionPoolClosedAdvice.class.getName())
              .advice(named("borrowConnection").and(takesArguments(3)).and(takesArgument(0, int.class)),
                  ConnectionWaitAdvice.class.getName()))
          .type(named(DBCP2_DATA_SOURCE))
          .transform(advice(agentLoader)
              .advice(named("createDataSource").and(takesArguments(0)), ConnectionPoolOpenedAdvice.class.getName())
              .advice(named("close").and(takesArguments(0)), ConnectionPoolClosedAdvice.class.getName())
              .advice(named("getConnection").and(takesArguments(0)), ConnectionWaitAdvice.class.getName()))
          .type(named(AGROAL_POOL))
          .transform(advice(agentLoader)
              .advice(named("init").and(takesArguments(0)), ConnectionPoolOpenedAdvice.class.getName())
              .advice(named("close").and(takesArguments(0)), ConnectionPoolClosedAdvice.class.getName())
              .advice(named("getConnection").and(takesArguments(0)), ConnectionWaitAdvice.class.getName()));
    }
    return b;
  }

  private static AgentBuilder.Transformer.ForAdvice advice(ClassLoader agentLoader) {
    return new AgentBuilder.Transformer.ForAdvice().include(agentLoader);
  }
}
