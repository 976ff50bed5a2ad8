package io.opspulse.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.agent.it.SpringApps.Stack;
import io.opspulse.testkit.Poll;
import io.opspulse.testkit.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spring Boot 4 applications on the servers people run them on, built in the test from Maven
 * Central's jars, with the agent attached: Spring MVC on Tomcat and on Jetty, Spring WebFlux on
 * Reactor Netty. Routes are the ones Spring names ({@code /owners/{ownerId}}), a request no handler
 * matched has no {@code http_route}, {@code error_type} is the exception the controller threw, and
 * the server's request pool is an {@code opspulse_executor_*} pool, seen saturated on Tomcat.
 */
class SpringServersIT {
  private static final String COUNT = "http_server_request_duration_seconds_count";
  private static final Path MVC_APP = SpringApps.APPS.resolve("mvc");
  private static final Path WEBFLUX_APP = SpringApps.APPS.resolve("webflux");
  private static final String VISITS_CLOSED = "io.opspulse.petclinic.VisitsClosedException";

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.opspulse.agent.it.AgentApp#jdks")
  void springMvcOnTomcatNamesSpringsRoutesAndShowsItsSaturatedRequestPool(
      Path java, @TempDir Path tmp) throws Exception {
    AgentApp.requireJdk(java);
    int http = Ports.freeLoopbackPort();
    int metrics = Ports.freeLoopbackPort();
    // Two request threads at most, so that a few slow requests saturate the pool.
    List<String> flags =
        List.of("-Dserver.tomcat.threads.max=2", "-Dserver.tomcat.threads.min-spare=1");
    try (AgentApp app =
        launch(
            java,
            tmp,
            Stack.MVC_ON_TOMCAT,
            MVC_APP,
            "io.opspulse.petclinic.PetClinicApp",
            http,
            metrics,
            flags)) {
      assertThat(app.log()).contains("Tomcat started on port");
      String base = "http://127.0.0.1:" + http;
      browseOwners(base, true);
      Scrape scrape = awaitRequests(metrics, 9);
      SoftAssertions soft = new SoftAssertions();
      assertSpringRoutes(soft, scrape, true);
      assertThrownExceptionIsTheErrorType(soft, scrape);
      assertNoAgentErrors(soft, scrape);
      soft.assertAll();

      // Six requests that each hold a thread for 30 s: two run, four wait in Tomcat's queue.
      String pool = "http-nio-127.0.0.1-" + http + "-exec";
      Map<String, String> labels = Map.of("pool", pool);
      List<CompletableFuture<HttpResponse<String>>> slow = slowRequests(base, 6, 30_000);
      Scrape saturated =
          Poll.until(
              "Tomcat's request pool " + pool + " saturated",
              Duration.ofSeconds(25),
              () -> {
                Scrape s = Scrape.of(metrics);
                return s.value("opspulse_executor_active_threads", labels) == 2
                        && s.value("opspulse_executor_queue_depth", labels) >= 1
                    ? s
                    : null;
              });
      assertThat(slow).as("the slow requests are still held").noneMatch(CompletableFuture::isDone);
      assertThat(saturated.value("opspulse_executor_max_threads", labels)).isEqualTo(2);
      assertThat(saturated.value("opspulse_executor_pool_threads", labels)).isEqualTo(2);
      assertThat(saturated.value("opspulse_executor_queue_depth", labels)).isBetween(1.0, 4.0);
      assertThat(saturated.value("opspulse_executor_completed_tasks_total", labels))
          .as("the requests served before")
          .isPositive();
      assertThat(saturated.value("opspulse_executor_rejected_tasks_total", labels)).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.opspulse.agent.it.AgentApp#jdks")
  void springMvcOnJettyNamesSpringsRoutesAndShowsJettysThreadPool(Path java, @TempDir Path tmp)
      throws Exception {
    AgentApp.requireJdk(java);
    int http = Ports.freeLoopbackPort();
    int metrics = Ports.freeLoopbackPort();
    List<String> flags = List.of("-Dserver.jetty.threads.max=40");
    try (AgentApp app =
        launch(
            java,
            tmp,
            Stack.MVC_ON_JETTY,
            MVC_APP,
            "io.opspulse.petclinic.PetClinicApp",
            http,
            metrics,
            flags)) {
      assertThat(app.log()).contains("Jetty started on port");
      String base = "http://127.0.0.1:" + http;
      browseOwners(base, true);
      Scrape scrape = awaitRequests(metrics, 9);
      SoftAssertions soft = new SoftAssertions();
      assertSpringRoutes(soft, scrape, true);
      assertThrownExceptionIsTheErrorType(soft, scrape);
      assertNoAgentErrors(soft, scrape);
      soft.assertAll();

      // Jetty's QueuedThreadPool: its selector and acceptor threads are busy for good, so active >
      // 0.
      Map<String, String> labels = Map.of("pool", "qtp");
      List<CompletableFuture<HttpResponse<String>>> slow = slowRequests(base, 3, 30_000);
      Scrape busy =
          Poll.until(
              "Jetty's pool with the slow requests",
              Duration.ofSeconds(25),
              () -> {
                Scrape s = Scrape.of(metrics);
                return s.value("opspulse_executor_active_threads", labels) >= 3 ? s : null;
              });
      assertThat(slow).noneMatch(CompletableFuture::isDone);
      assertThat(busy.value("opspulse_executor_max_threads", labels)).isEqualTo(40);
      assertThat(busy.value("opspulse_executor_pool_threads", labels)).isGreaterThanOrEqualTo(3);
      assertThat(busy.value("opspulse_executor_queue_depth", labels)).isGreaterThanOrEqualTo(0);
      assertThat(busy.has("opspulse_executor_completed_tasks_total", labels))
          .as("Jetty's pool keeps no completed count: no series rather than a false 0")
          .isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.opspulse.agent.it.AgentApp#jdks")
  void springWebFluxOnReactorNettyNamesSpringsRoutes(Path java, @TempDir Path tmp)
      throws Exception {
    AgentApp.requireJdk(java);
    int http = Ports.freeLoopbackPort();
    int metrics = Ports.freeLoopbackPort();
    try (AgentApp app =
        launch(
            java,
            tmp,
            Stack.WEBFLUX_ON_NETTY,
            WEBFLUX_APP,
            "io.opspulse.petclinic.reactive.ReactivePetClinicApp",
            http,
            metrics,
            List.of())) {
      assertThat(app.log()).contains("Netty started on port");
      String base = "http://127.0.0.1:" + http;
      browseOwners(base, false);
      Scrape scrape = awaitRequests(metrics, 8);
      SoftAssertions soft = new SoftAssertions();
      assertSpringRoutes(soft, scrape, false);
      soft.assertThat(
              scrape.value(
                  COUNT,
                  Map.of(
                      "http_route",
                      "/owners/{ownerId}/pets/{petId}/visits/new",
                      "http_response_status_code",
                      "500",
                      "error_type",
                      "java.lang.IllegalStateException")))
          .as("the Mono's error, which Spring Boot's error handler answered")
          .isEqualTo(1);
      soft.assertThat(scrape.named(COUNT))
          .as("a 404 is no server error")
          .noneMatch(
              s ->
                  "404".equals(s.labels().get("http_response_status_code"))
                      && s.labels().containsKey("error_type"));
      assertNoAgentErrors(soft, scrape);
      soft.assertAll();
    }
  }

  /** The PetClinic pages: 9 requests with the edit page (MVC), 8 without (WebFlux). */
  private static void browseOwners(String base, boolean withEdit) {
    assertThat(Http.get(base + "/owners/1").body()).isEqualTo("owner 1");
    assertThat(Http.get(base + "/owners/2").body()).isEqualTo("owner 2");
    if (withEdit) {
      assertThat(Http.get(base + "/owners/1/edit").body()).isEqualTo("edit owner 1");
    }
    assertThat(Http.get(base + "/owners/1/pets/1/edit").body()).isEqualTo("edit pet 1 of owner 1");
    assertThat(Http.get(base + "/owners/2/pets/7/edit").body()).isEqualTo("edit pet 7 of owner 2");
    assertThat(Http.get(base + "/owners/find").body()).isEqualTo("find owners");
    assertThat(Http.get(base + "/nothere").statusCode()).isEqualTo(404);
    assertThat(Http.get(base + "/owners/1/nothing/here").statusCode()).isEqualTo(404);
    assertThat(Http.get(base + "/owners/1/pets/2/visits/new").statusCode()).isEqualTo(500);
  }

  /**
   * A request is recorded when its handling returns, which can be after the client has the answer.
   */
  private static Scrape awaitRequests(int metrics, int requests) {
    return Poll.until(
        requests + " requests to be recorded",
        Duration.ofSeconds(20),
        () -> {
          Scrape s = Scrape.of(metrics);
          return s.value(COUNT) >= requests ? s : null;
        });
  }

  private static void assertSpringRoutes(SoftAssertions soft, Scrape scrape, boolean withEdit) {
    int requests = withEdit ? 9 : 8;
    soft.assertThat(scrape.value(COUNT))
        .as("every request once, error dispatches not again")
        .isEqualTo(requests);
    soft.assertThat(
            scrape.value(
                COUNT,
                Map.of(
                    "http_route",
                    "/owners/{ownerId}",
                    "http_request_method",
                    "GET",
                    "http_response_status_code",
                    "200",
                    "url_scheme",
                    "http")))
        .isEqualTo(2);
    if (withEdit) {
      soft.assertThat(scrape.value(COUNT, Map.of("http_route", "/owners/{ownerId}/edit")))
          .isEqualTo(1);
    }
    soft.assertThat(
            scrape.value(
                COUNT,
                Map.of(
                    "http_route",
                    "/owners/{ownerId}/pets/{petId}/edit",
                    "http_response_status_code",
                    "200")))
        .isEqualTo(2);
    soft.assertThat(scrape.value(COUNT, Map.of("http_route", "/owners/find"))).isEqualTo(1);
    soft.assertThat(
            scrape.value(
                COUNT, Map.of("http_route", Scrape.ABSENT, "http_response_status_code", "404")))
        .as("no handler matched: no http_route")
        .isEqualTo(2);
    List<String> routes = new ArrayList<>();
    scrape.named(COUNT).forEach(s -> routes.add(s.labels().get("http_route")));
    soft.assertThat(routes)
        .as("routes are Spring's patterns, never paths")
        .noneMatch(
            r -> r != null && (r.matches(".*/\\d+.*") || r.contains("nothere") || r.contains("*")));
    soft.assertThat(scrape.named(COUNT))
        .as("no wrapper as error_type")
        .noneMatch(s -> String.valueOf(s.labels().get("error_type")).contains("ServletException"));
  }

  /** The one request whose controller threw counts under the controller's exception. */
  private static void assertThrownExceptionIsTheErrorType(SoftAssertions soft, Scrape scrape) {
    soft.assertThat(
            scrape.value(
                COUNT,
                Map.of(
                    "http_route",
                    "/owners/{ownerId}/pets/{petId}/visits/new",
                    "http_response_status_code",
                    "500",
                    "error_type",
                    VISITS_CLOSED)))
        .as("the controller's exception, not the ServletException Spring wrapped it in")
        .isEqualTo(1);
  }

  private static void assertNoAgentErrors(SoftAssertions soft, Scrape scrape) {
    List<Scrape.Sample> errors = scrape.named("opspulse_agent_errors_total");
    soft.assertThat(errors).as("the agent's error counter is published").isNotEmpty();
    soft.assertThat(errors)
        .as("no failure contained by the agent")
        .allSatisfy(s -> assertThat(s.value()).as(s.labels().toString()).isZero());
  }

  private static List<CompletableFuture<HttpResponse<String>>> slowRequests(
      String base, int n, long ms) {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          client.sendAsync(
              HttpRequest.newBuilder(URI.create(base + "/slow?ms=" + ms)).build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    return out;
  }

  private static AgentApp launch(
      Path java,
      Path tmp,
      Stack stack,
      Path sources,
      String mainClass,
      int http,
      int metrics,
      List<String> extraFlags)
      throws IOException {
    Path classes = tmp.resolve("classes");
    SpringApps.compile(sources, stack, classes, text -> text);
    List<String> flags =
        new ArrayList<>(
            List.of(
                "-Dserver.address=127.0.0.1",
                "-Dserver.port=" + http,
                "-Dspring.main.banner-mode=off"));
    flags.addAll(extraFlags);
    String jdk = java.getParent().getParent().getFileName().toString();
    return AgentApp.start(
        stack.name().toLowerCase(Locale.ROOT) + "-" + jdk,
        java,
        "host=127.0.0.1,port="
            + metrics
            + ",state.dir="
            + tmp.resolve("state")
            + ",service=petclinic",
        flags,
        SpringApps.classpath(classes, stack),
        mainClass,
        List.of(),
        Map.of(),
        tmp.resolve("logs"));
  }
}
