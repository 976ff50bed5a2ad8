package io.opspulse.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opspulse.testkit.GoPprof;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handlers on a real JDK HttpServer (127.0.0.1), over a profiler fed by hand instead of JFR.
 */
class ProfilerHttpHandlersTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ContinuousProfiler profiler;
  private HttpServer server;

  @BeforeEach
  void serve() throws Exception {
    profiler =
        ContinuousProfiler.builder()
            .events(ProfileEvent.CPU, ProfileEvent.ALLOC)
            .window(Duration.ofSeconds(30))
            .clockMillis(now::get)
            .build();
    profiler.rolling(ProfileEvent.CPU).add(now.get(), new String[] {"main", "busy"}, false, 3);
    profiler
        .rolling(ProfileEvent.CPU)
        .add(now.get(), new String[] {"main", "<b>idle</b>"}, false, 1);
    profiler
        .rolling(ProfileEvent.CPU)
        .add(now.get(), new String[] {"main", "com.example.Cache.<init>"}, false, 1);
    profiler
        .rolling(ProfileEvent.ALLOC)
        .add(now.get(), new String[] {"main", "alloc"}, false, 4096);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ProfilerHttpHandlers.register(server, profiler);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    profiler.close();
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET().build());
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
  }

  @Test
  void profileServesFoldedStacksOfTheAskedEvent() throws Exception {
    HttpResponse<String> cpu = get("/debug/profile?seconds=5&event=cpu");
    assertThat(cpu.statusCode()).isEqualTo(200);
    assertThat(cpu.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertThat(cpu.body())
        .startsWith("main;busy 3\n")
        .contains("main;<b>idle</b> 1\n")
        .contains("main;com.example.Cache.<init> 1\n");

    HttpResponse<String> alloc = get("/debug/profile?event=alloc");
    assertThat(alloc.body()).isEqualTo("main;alloc 4096\n");
    assertThat(alloc.headers().firstValue("X-Profile-Event")).hasValue("alloc");
    assertThat(alloc.headers().firstValue("X-Profile-Unit")).hasValue("bytes");
    assertThat(alloc.headers().firstValue("X-Profile-Total")).hasValue("4096");
    assertThat(get("/debug/profile").body())
        .as("defaults: cpu over the whole window")
        .startsWith("main;busy 3\n");
  }

  @Test
  void flameGraphServesTheHtmlPageWithItsPolicyOrAnSvg() throws Exception {
    HttpResponse<String> html = get("/debug/flamegraph?event=cpu");
    assertThat(html.statusCode()).isEqualTo(200);
    assertThat(html.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(html.headers().firstValue("Content-Security-Policy"))
        .hasValue(FlameGraph.contentSecurityPolicy());
    assertThat(html.body())
        .contains("data-n=\"busy\"", "&lt;b&gt;idle&lt;/b&gt;")
        .doesNotContain("<b>idle");

    HttpResponse<String> svg = get("/debug/flamegraph?format=svg");
    assertThat(svg.headers().firstValue("Content-Type")).hasValue("image/svg+xml; charset=utf-8");
    assertThat(svg.body()).startsWith("<?xml").contains("data-n=\"busy\"");
  }

  @Test
  void pprofServesGzippedProtobufThatGoToolPprofFetchesOverHttp(@TempDir Path tmp)
      throws Exception {
    HttpResponse<byte[]> r =
        client.send(
            HttpRequest.newBuilder(uri("/debug/pprof/profile?seconds=5")).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
    assertThat(r.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename=\"profile\"");
    assertThat(r.headers().firstValue("X-Profile-Event")).hasValue("cpu");
    assertThat(r.body()).startsWith((byte) 0x1f, (byte) 0x8b);

    GoPprof go = GoPprof.require(tmp);
    PprofRaw cpu = PprofRaw.parse(go.run("-raw", uri("/debug/pprof/profile?seconds=5").toString()));
    assertThat(cpu.stacks())
        .as("names as the profiler wrote them, <init> included")
        .containsExactlyInAnyOrder(
            new FoldedStack(List.of("main", "busy"), 3),
            new FoldedStack(List.of("main", "<b>idle</b>"), 1),
            new FoldedStack(List.of("main", "com.example.Cache.<init>"), 1));
    assertThat(cpu.text()).contains("Period: " + profiler.period().toNanos() + "\n");
    PprofRaw alloc =
        PprofRaw.parse(go.run("-raw", uri("/debug/pprof/profile?event=alloc").toString()));
    assertThat(alloc.sampleTypes()).isEqualTo("alloc_space/bytes[dflt]");
    assertThat(alloc.stacks()).containsExactly(new FoldedStack(List.of("main", "alloc"), 4096));
  }

  @Test
  void handlersNameEveryEndpointForServersThatWrapThem() {
    assertThat(ProfilerHttpHandlers.handlers(profiler))
        .containsOnlyKeys("/debug/profile", "/debug/flamegraph", "/debug/pprof/profile");
  }

  @Test
  void badParametersGetA400ThatNamesThem() throws Exception {
    assertBadRequest("/debug/profile?seconds=0", "seconds: must be a whole number from 1 to 30");
    assertBadRequest("/debug/profile?seconds=31", "seconds: must be a whole number from 1 to 30");
    assertBadRequest("/debug/profile?seconds=abc", "got 'abc'");
    assertBadRequest(
        "/debug/profile?event=wall", "event: must be one of cpu, alloc, lock; got 'wall'");
    assertBadRequest(
        "/debug/profile?event=lock",
        "event: lock is not recorded by this profiler (recording: cpu,alloc)");
    assertBadRequest("/debug/profile?secs=5", "unknown parameter 'secs'; accepted: event, seconds");
    assertBadRequest("/debug/profile?seconds=1&seconds=2", "seconds: given more than once");
    assertBadRequest("/debug/flamegraph?format=png", "format: must be html or svg; got 'png'");
    assertBadRequest(
        "/debug/pprof/profile?seconds=31", "seconds: must be a whole number from 1 to 30");
    assertBadRequest(
        "/debug/pprof/profile?debug=1", "unknown parameter 'debug'; accepted: event, seconds");
  }

  private void assertBadRequest(String pathAndQuery, String message) throws Exception {
    HttpResponse<String> r = get(pathAndQuery);
    assertThat(r.statusCode()).as(pathAndQuery).isEqualTo(400);
    assertThat(r.body()).as(pathAndQuery).startsWith("400 Bad Request: ").contains(message);
  }

  @Test
  void onlyGetAndHeadAreServed() throws Exception {
    HttpResponse<String> post =
        send(
            HttpRequest.newBuilder(uri("/debug/profile"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");

    HttpResponse<String> head =
        send(
            HttpRequest.newBuilder(uri("/debug/profile"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void pathsBelowTheEndpointsAreNotFound() throws Exception {
    assertThat(get("/debug/profile/extra").statusCode()).isEqualTo(404);
  }

  @Test
  void aClosedProfilerAnswers503WithTheReason() throws Exception {
    profiler.close();
    HttpResponse<String> r = get("/debug/profile");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("profiler closed");
  }
}
