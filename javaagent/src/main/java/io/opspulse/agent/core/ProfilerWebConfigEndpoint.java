package io.opspulse.agent.core;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import io.opspulse.profiler.ContinuousProfiler;
import io.opspulse.profiler.ProfilerHttpHandlers;
import io.opspulse.webconfig.NotFoundHandler;
import io.opspulse.webconfig.WebConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The profiler's debug endpoint behind the same {@code web.config.file} as the metrics endpoint
 * (TLS, client certificates, basic auth, headers, rate limit): profiles reveal the code's
 * structure, and an operator who protected the metrics expects the profiles protected too. Every
 * path, {@code /} included (404), is behind the authenticator. Reached only when the setting is
 * present, so without it no web-config, TLS or bcrypt class loads (as for {@link
 * WebConfigEndpoint}).
 */
final class ProfilerWebConfigEndpoint {
  private ProfilerWebConfigEndpoint() {}

  /**
   * An unstarted server for the profiler's handlers; throws, naming the file, line and field, when
   * the web-config cannot be used: the caller then serves no endpoint rather than an unprotected
   * one.
   */
  static HttpServer create(
      AgentConfig.Profiler config, Path webConfigFile, ContinuousProfiler profiler)
      throws IOException {
    WebConfig web = WebConfig.load(webConfigFile);
    InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
    HttpServer server;
    if (web.httpsConfigurator().isPresent()) {
      HttpsServer https = HttpsServer.create(address, 0);
      https.setHttpsConfigurator(web.httpsConfigurator().get());
      server = https;
    } else {
      server = HttpServer.create(address, 0);
    }
    Authenticator authenticator = web.authenticator().orElse(null);
    // Every profiler endpoint (folded, flame graph, pprof), and "/" so no path escapes the
    // authenticator.
    Map<String, HttpHandler> handlers =
        new LinkedHashMap<>(ProfilerHttpHandlers.handlers(profiler));
    handlers.put("/", new NotFoundHandler());
    handlers.forEach(
        (path, handler) -> {
          HttpContext context = server.createContext(path, handler);
          if (authenticator != null) {
            context.setAuthenticator(authenticator);
          }
        });
    AgentLog.info(
        "profiler endpoint on "
            + config.host()
            + ":"
            + config.port()
            + " over "
            + web.scheme()
            + " ("
            + web.describe()
            + ")");
    return server;
  }
}
