package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.agent.bootstrap.Hooks;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.net.URLClassLoader;
import java.util.concurrent.Future;
import org.glassfish.jersey.server.ContainerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Jersey's hook on a real Jersey application (io.opspulse.testapp.JerseyOwners, no container) in a
 * class loader of its own, as an application's: the request Jersey routed carries the {@code @Path}
 * templates it matched, where the servlet accessor reads them when the request ends.
 */
class JerseyHooksTest {
  private static URLClassLoader application;
  private static Object jersey;

  private final InstalledRecorder agent = new InstalledRecorder();

  @BeforeAll
  static void startJersey() throws Exception {
    // Jersey needs jakarta.annotation, which the test JVM's classpath leaves out.
    application =
        IsolatedLibraries.loader(
            ContainerRequest.class,
            "org.glassfish.jersey.core",
            "jakarta.annotation:jakarta.annotation-api");
    jersey = inApplication(JerseyHooksTest::newJersey);
  }

  @AfterAll
  static void stopJersey() throws Exception {
    application.close();
  }

  @AfterEach
  void uninstall() {
    agent.close();
  }

  private static Object newJersey() throws Exception {
    Object config =
        type("org.glassfish.jersey.server.ResourceConfig")
            .getConstructor(Class[].class)
            .newInstance((Object) new Class<?>[] {type("io.opspulse.testapp.JerseyOwners")});
    return type("org.glassfish.jersey.server.ApplicationHandler")
        .getConstructor(type("jakarta.ws.rs.core.Application"))
        .newInstance(config);
  }

  /** A GET of {@code path} that Jersey handled, after the woven exit of its handle. */
  private static Object handled(String path, int expectedStatus) throws Exception {
    return inApplication(
        () -> {
          Class<?> requestType = type("org.glassfish.jersey.server.ContainerRequest");
          Object request =
              requestType
                  .getConstructor(
                      URI.class,
                      URI.class,
                      String.class,
                      type("jakarta.ws.rs.core.SecurityContext"),
                      type("org.glassfish.jersey.internal.PropertiesDelegate"),
                      type("jakarta.ws.rs.core.Configuration"))
                  .newInstance(
                      URI.create("http://127.0.0.1/api/"),
                      URI.create("http://127.0.0.1/api" + path),
                      "GET",
                      null,
                      type("org.glassfish.jersey.internal.MapPropertiesDelegate")
                          .getConstructor()
                          .newInstance(),
                      jersey.getClass().getMethod("getConfiguration").invoke(jersey));
          Future<?> response =
              (Future<?>) jersey.getClass().getMethod("apply", requestType).invoke(jersey, request);
          Object status = response.get().getClass().getMethod("getStatus").invoke(response.get());
          assertThat(status).isEqualTo(expectedStatus);
          Hooks.jerseyMatched(request);
          return request;
        });
  }

  private static Object templates(Object request) throws ReflectiveOperationException {
    return request
        .getClass()
        .getMethod("getProperty", String.class)
        .invoke(request, HttpRoutes.JAX_RS_TEMPLATES);
  }

  @Test
  void theMatchedTemplatesAreLeftOnTheRequestOutermostFirst() throws Exception {
    Object owner = handled("/owners/7", 200);
    Object pet = handled("/owners/7/pets/3", 200);

    assertThat((String[]) templates(owner)).containsExactly("/owners", "/{ownerId}");
    assertThat(HttpRoutes.jaxRs((String[]) templates(pet)))
        .isEqualTo("/owners/{ownerId}/pets/{petId}");
    assertThat(agent.errors.count("servlet")).isZero();
  }

  @Test
  void aResourcesOwn404KeepsItsRoute() throws Exception {
    Object noPet = handled("/owners/7/pets/0", 404);

    assertThat(HttpRoutes.jaxRs((String[]) templates(noPet)))
        .isEqualTo("/owners/{ownerId}/pets/{petId}");
  }

  @Test
  void aRequestNoResourceMatchedGetsNoTemplates() throws Exception {
    Object nothing = handled("/vets", 404);

    assertThat(templates(nothing)).isNull();
    assertThat(agent.errors.count("servlet")).isZero();
  }

  @Test
  void anObjectOfAnotherLibraryIsLeftAlone() {
    Hooks.jerseyMatched("not a ContainerRequest");

    assertThat(agent.errors.count("servlet")).isZero();
  }

  private static Class<?> type(String name) throws ClassNotFoundException {
    return Class.forName(name, true, application);
  }

  private interface Action<T> {
    T run() throws Exception;
  }

  /** Runs {@code action} as the application's code: Jersey finds its services through this. */
  private static <T> T inApplication(Action<T> action) throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(application);
    try {
      return action.run();
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } finally {
      thread.setContextClassLoader(previous);
    }
  }
}
