package io.opspulse.testapp;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.metrics.LongCounter;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * A service that bundles its own OpenTelemetry API and ByteBuddy, of other versions than the
 * agent's. /hello answers with what its own libraries did: a class ByteBuddy generated, and the
 * versions loaded.
 */
public final class ForeignApp {
  private ForeignApp() {}

  public static void main(String[] args) throws Exception {
    LongCounter counter =
        GlobalOpenTelemetry.getMeter("foreign-app").counterBuilder("foreign.hits").build();
    Class<?> generated =
        new ByteBuddy()
            .subclass(Object.class)
            .method(ElementMatchers.named("toString"))
            .intercept(FixedValue.value("made by the app's ByteBuddy"))
            .make()
            .load(ForeignApp.class.getClassLoader())
            .getLoaded();
    String report =
        generated.getDeclaredConstructor().newInstance()
            + "; bytebuddy from "
            + ByteBuddy.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .getPath()
                .replaceAll(".*/", "")
            + "; otel-api from "
            + GlobalOpenTelemetry.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .getPath()
                .replaceAll(".*/", "");
    HttpServer server =
        HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 50);
    server.createContext(
        "/hello",
        ex -> {
          counter.add(1);
          byte[] body = report.getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    System.out.println("READY");
  }
}
