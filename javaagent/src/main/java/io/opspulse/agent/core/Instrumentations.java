package io.opspulse.agent.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Every instrumentation the agent has, in the order their advice nests: the one list {@link
 * ClassGate} walks (the first outermost where two advise one method). A new library is one {@link
 * TypeInstrumentation} added here.
 */
final class Instrumentations {
  private static final List<TypeInstrumentation> ALL =
      List.of(
          new JdkHttpServerInstrumentation(),
          new VertxHttp1ResponseInstrumentation(),
          new VertxHttp2RequestInstrumentation(),
          new VertxHttp2ResponseInstrumentation(),
          ServletInstrumentation.JAKARTA,
          ServletInstrumentation.JAVAX,
          new JerseyInstrumentation(),
          new WebFluxInstrumentation(),
          new JdkHttpClientInstrumentation(),
          new UrlConnectionInstrumentation(),
          new ThreadPoolExecutorInstrumentation(),
          new TomcatThreadPoolInstrumentation(),
          new JettyThreadPoolInstrumentation(),
          new ForkJoinPoolInstrumentation(),
          new XnioWorkerInstrumentation(),
          new JdbcStatementInstrumentation(),
          new JdbcConnectionInstrumentation(),
          new HikariPoolInstrumentation(),
          new ApacheHttpClient5Instrumentation(),
          new ApacheHttpAsyncClient5Instrumentation(),
          new ApacheHttpClient4Instrumentation(),
          new OkHttpInstrumentation(),
          new ReactorNettyConnectInstrumentation(),
          new ReactorNettyOperationsInstrumentation(),
          new TomcatJdbcPoolInstrumentation(),
          new Dbcp2Instrumentation(),
          new AgroalInstrumentation(),
          new RestartClassLoaderInstrumentation());

  private Instrumentations() {}

  static List<TypeInstrumentation> all() {
    return ALL;
  }

  /** Those the {@code instrument} setting turns on. */
  static List<TypeInstrumentation> enabled(AgentConfig config) {
    List<TypeInstrumentation> on = new ArrayList<>();
    for (TypeInstrumentation i : ALL) {
      if (config.enabled(i.setting())) {
        on.add(i);
      }
    }
    return on;
  }
}
