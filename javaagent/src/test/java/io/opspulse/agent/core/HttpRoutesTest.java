package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpRoutesTest {
  @Test
  void springsPatternIsTheRouteBelowTheContextAndTheDispatchersPath() {
    assertThat(HttpRoutes.servlet("", "DEFAULT", "/", "/owners/{ownerId}", 200))
        .isEqualTo("/owners/{ownerId}");
    assertThat(
            HttpRoutes.servlet("/shop", "DEFAULT", "/", "/owners/{ownerId}/pets/{petId}/edit", 200))
        .isEqualTo("/shop/owners/{ownerId}/pets/{petId}/edit");
    assertThat(HttpRoutes.servlet("/shop", "PATH", "/api/*", "/items/{id}", 500))
        .isEqualTo("/shop/api/items/{id}");
  }

  @Test
  void jaxRsTemplatesJoinOneBelowTheOther() {
    assertThat(HttpRoutes.jaxRs(new String[] {"/owners", "{ownerId}"}))
        .isEqualTo("/owners/{ownerId}");
    assertThat(HttpRoutes.jaxRs(new String[] {"/owners/", "/{ownerId}/pets/{petId}"}))
        .isEqualTo("/owners/{ownerId}/pets/{petId}");
    assertThat(HttpRoutes.jaxRs(new String[] {"/", "health"})).isEqualTo("/health");
    assertThat(HttpRoutes.jaxRs(new String[] {"/"})).isEqualTo("/");
    assertThat(
            HttpRoutes.servlet(
                "/shop", "PATH", "/api/*", HttpRoutes.jaxRs(new String[] {"/owners", "{id}"}), 200))
        .isEqualTo("/shop/api/owners/{id}");
  }

  @Test
  void servletMappingsNameARouteOnlyWhenTheyAreNotTheCatchAll() {
    assertThat(HttpRoutes.servlet("", "EXACT", "/health", null, 200)).isEqualTo("/health");
    assertThat(HttpRoutes.servlet("/shop", "PATH", "/items/*", null, 404))
        .isEqualTo("/shop/items/*");
    assertThat(HttpRoutes.servlet("/shop", "EXTENSION", "*.jsp", null, 200))
        .isEqualTo("/shop/*.jsp");
    assertThat(HttpRoutes.servlet("/shop", "CONTEXT_ROOT", "", null, 200)).isEqualTo("/shop");
    assertThat(HttpRoutes.servlet("", "CONTEXT_ROOT", "", null, 200)).isEqualTo("/");
    assertThat(HttpRoutes.servlet("", "DEFAULT", "/", null, 200))
        .as("the default servlet names no route")
        .isNull();
    assertThat(HttpRoutes.servlet("", null, null, null, 200))
        .as("before Servlet 4: nothing known")
        .isNull();
  }

  @Test
  void aCatchAllHandlerThatFoundNothingNamesNoRoute() {
    assertThat(HttpRoutes.servlet("", "DEFAULT", "/", "/**", 404)).isNull();
    assertThat(HttpRoutes.servlet("", "DEFAULT", "/", "/**", 200))
        .as("a static file it served")
        .isEqualTo("/**");
    assertThat(HttpRoutes.webFlux("/**", 404)).isNull();
    assertThat(HttpRoutes.webFlux("/owners/{ownerId}", 404))
        .as("a handler's own 404")
        .isEqualTo("/owners/{ownerId}");
    assertThat(HttpRoutes.webFlux(null, 200)).isNull();
  }

  @Test
  void theCapAdmitsTheFirstRoutesAndLeavesNoRouteAlone() {
    HttpRoutes routes = new HttpRoutes(2);
    assertThat(routes.admit(null)).isNull();
    assertThat(routes.admit("/a")).isEqualTo("/a");
    assertThat(routes.admit("/b")).isEqualTo("/b");
    assertThat(routes.admit("/c")).isEqualTo(HttpRoutes.OTHER);
    assertThat(routes.admit("/a")).isEqualTo("/a");
    assertThat(routes.admit(null)).as("requests without a route take no slot").isNull();
  }
}
