package io.opspulse.profiler;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * HTTP endpoints over a {@link ContinuousProfiler}, for the JDK's own {@link HttpServer}:
 *
 * <ul>
 *   <li>{@code GET /debug/profile?seconds=N&event=cpu|alloc|lock}: folded stacks of the last N
 *       seconds as {@code text/plain} (defaults: the whole window, cpu);
 *   <li>{@code GET /debug/flamegraph?seconds=N&event=...&format=html|svg}: the same as a flame
 *       graph, an interactive HTML page by default;
 *   <li>{@code GET /debug/pprof/profile?seconds=N&event=...}: the same in pprof's gzipped protobuf,
 *       for {@code go tool pprof}, Pyroscope / Grafana Alloy and Parca (see {@link PprofFormat}).
 * </ul>
 *
 * <p>Responses carry {@code X-Profile-Event}, {@code X-Profile-Source} (the JFR event, e.g. {@code
 * jdk.CPUTimeSample}), {@code X-Profile-Unit}, {@code X-Profile-Total} and {@code X-Profile-Span}
 * (ISO-8601 {@code from/to}).
 *
 * <p>N runs from 1 to the profiler's window in seconds. A bad or unknown parameter gets a 400
 * naming it; an event the profiler does not record gets a 400 naming the ones it does; a profiler
 * that turned itself off gets a 503 with its reason. The handlers never block on the profiler: a
 * snapshot is a copy of what the window already holds. That is also how {@code seconds} differs
 * from Go's net/http/pprof, which records for the next N seconds before answering: here the answer
 * covers the last N seconds and comes at once.
 */
public final class ProfilerHttpHandlers {
  public static final String PROFILE_PATH = "/debug/profile";
  public static final String FLAMEGRAPH_PATH = "/debug/flamegraph";

  /**
   * Where Go's net/http/pprof serves its CPU profile, so pprof scrapers find this one by default.
   */
  public static final String PPROF_PATH = "/debug/pprof/profile";

  private ProfilerHttpHandlers() {}

  /**
   * Every endpoint by its path: what {@link #register} adds, for servers that wrap each handler.
   */
  public static Map<String, HttpHandler> handlers(ContinuousProfiler profiler) {
    Map<String, HttpHandler> handlers = new LinkedHashMap<>();
    handlers.put(PROFILE_PATH, profile(profiler));
    handlers.put(FLAMEGRAPH_PATH, flameGraph(profiler));
    handlers.put(PPROF_PATH, pprof(profiler));
    return Collections.unmodifiableMap(handlers);
  }

  /** Adds every endpoint of {@link #handlers} to {@code server}. */
  public static void register(HttpServer server, ContinuousProfiler profiler) {
    handlers(profiler).forEach(server::createContext);
  }

  /** Folded stacks, the format flamegraph.pl, speedscope and Pyroscope read. */
  public static HttpHandler profile(ContinuousProfiler profiler) {
    return exchange ->
        serve(
            exchange,
            PROFILE_PATH,
            profiler,
            Set.of("seconds", "event"),
            (q, profile) -> Body.text("text/plain; charset=utf-8", FoldedStacks.format(profile)));
  }

  /** pprof's gzipped protobuf, the format Go's {@code /debug/pprof/profile} answers in. */
  public static HttpHandler pprof(ContinuousProfiler profiler) {
    return exchange ->
        serve(
            exchange,
            PPROF_PATH,
            profiler,
            Set.of("seconds", "event"),
            (q, profile) -> {
              exchange
                  .getResponseHeaders()
                  .set("Content-Disposition", "attachment; filename=\"profile\"");
              return new Body(
                  PprofFormat.CONTENT_TYPE, PprofFormat.gzipped(profile, profiler.period()));
            });
  }

  /**
   * The flame graph page ({@code format=html}, default) or a standalone SVG ({@code format=svg}).
   */
  public static HttpHandler flameGraph(ContinuousProfiler profiler) {
    return exchange ->
        serve(
            exchange,
            FLAMEGRAPH_PATH,
            profiler,
            Set.of("seconds", "event", "format"),
            (q, profile) -> {
              String format = q.getOrDefault("format", "html");
              return switch (format) {
                case "html" -> Body.text("text/html; charset=utf-8", FlameGraph.html(profile));
                case "svg" -> Body.text("image/svg+xml; charset=utf-8", FlameGraph.svg(profile));
                default ->
                    throw new BadRequest("format: must be html or svg; got '" + format + "'");
              };
            });
  }

  private interface Renderer {
    Body render(Map<String, String> query, Profile profile);
  }

  private record Body(String contentType, byte[] bytes) {
    static Body text(String contentType, String text) {
      return new Body(contentType, text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static final class BadRequest extends RuntimeException {
    BadRequest(@Nullable String message) {
      super(message, null, false, false);
    }
  }

  private static void serve(
      HttpExchange ex,
      String path,
      ContinuousProfiler profiler,
      Set<String> allowed,
      Renderer renderer)
      throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        send(ex, 405, "text/plain; charset=utf-8", "405 Method Not Allowed: use GET\n");
        return;
      }
      if (!ex.getRequestURI().getPath().equals(path)) {
        send(
            ex,
            404,
            "text/plain; charset=utf-8",
            "404 Not Found: " + ex.getRequestURI().getPath() + "\n");
        return;
      }
      Body body;
      try {
        Map<String, String> q = query(ex.getRequestURI().getRawQuery(), allowed);
        long maxSeconds = profiler.window().toSeconds();
        long seconds = seconds(q.get("seconds"), maxSeconds);
        ProfileEvent event = parseEvent(q.getOrDefault("event", "cpu"), profiler);
        ContinuousProfiler.State state = profiler.state();
        if (state == ContinuousProfiler.State.OFF || state == ContinuousProfiler.State.CLOSED) {
          String why =
              state == ContinuousProfiler.State.OFF ? profiler.offReason() : "profiler closed";
          send(
              ex,
              503,
              "text/plain; charset=utf-8",
              "503 Service Unavailable: profiler off: " + why + "\n");
          return;
        }
        Profile profile = profiler.snapshot(Duration.ofSeconds(seconds), event);
        body = renderer.render(q, profile);
        // What the body holds, for scripts that fetch profiles: the folded format has no header
        // line.
        ex.getResponseHeaders().set("X-Profile-Event", event.key());
        ex.getResponseHeaders().set("X-Profile-Source", profile.source());
        ex.getResponseHeaders().set("X-Profile-Unit", event.unit());
        ex.getResponseHeaders().set("X-Profile-Total", Long.toString(profile.total()));
        ex.getResponseHeaders().set("X-Profile-Span", profile.from() + "/" + profile.to());
      } catch (BadRequest e) {
        send(ex, 400, "text/plain; charset=utf-8", "400 Bad Request: " + e.getMessage() + "\n");
        return;
      }
      if (body.contentType().startsWith("text/html")) {
        ex.getResponseHeaders().set("Content-Security-Policy", FlameGraph.contentSecurityPolicy());
      }
      send(ex, 200, body.contentType(), body.bytes());
    }
  }

  private static ProfileEvent parseEvent(String value, ContinuousProfiler profiler) {
    ProfileEvent event;
    try {
      event = ProfileEvent.parse(value);
    } catch (IllegalArgumentException e) {
      throw new BadRequest(e.getMessage());
    }
    if (!profiler.events().contains(event)) {
      throw new BadRequest(
          "event: "
              + event.key()
              + " is not recorded by this profiler (recording: "
              + ContinuousProfiler.keys(profiler.events())
              + ")");
    }
    return event;
  }

  static long seconds(@Nullable String value, long max) {
    if (value == null) {
      return max;
    }
    long n;
    try {
      n = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > max) {
      throw new BadRequest(
          "seconds: must be a whole number from 1 to "
              + max
              + " (the profiler's window); got '"
              + abbreviate(value)
              + "'");
    }
    return n;
  }

  static Map<String, String> query(String raw, Set<String> allowed) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name;
      String value;
      try {
        name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new BadRequest("query: malformed escape in '" + abbreviate(pair) + "'");
      }
      if (!allowed.contains(name)) {
        throw new BadRequest(
            "unknown parameter '"
                + abbreviate(name)
                + "'; accepted: "
                + String.join(", ", allowed.stream().sorted().toList()));
      }
      if (out.putIfAbsent(name, value) != null) {
        throw new BadRequest(name + ": given more than once");
      }
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  private static void send(HttpExchange ex, int status, String contentType, String text)
      throws IOException {
    send(ex, status, contentType, text.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, String contentType, byte[] bytes)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head ? -1 : bytes.length == 0 ? -1 : bytes.length);
    if (!head && bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
