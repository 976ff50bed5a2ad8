package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteNormalizerTest {
  @Test
  void aServletMappingIsTheRoute() {
    RouteNormalizer routes = new RouteNormalizer(100);
    assertThat(routes.route("/shop", "/items/*", "/shop/items/42")).isEqualTo("/shop/items/*");
    assertThat(routes.route("", "*.do", "/x/y.do")).isEqualTo("*.do");
    assertThat(routes.route("", "/health", "/health")).isEqualTo("/health");
  }

  @Test
  void withoutOneTheFirstSegmentWithIdsCollapsed() {
    RouteNormalizer routes = new RouteNormalizer(100);
    assertThat(routes.route("", "/", "/users/123/orders")).isEqualTo("/users/*");
    assertThat(routes.route("", null, "/users")).isEqualTo("/users");
    assertThat(routes.route("", "/", "/12345")).isEqualTo("/{id}");
    assertThat(routes.route("", "/", "/3f2504e0-4f89-11d3-9a0c-0305e82c3301/x")).isEqualTo("/{id}/*");
    assertThat(routes.route("", "/", "/")).isEqualTo("/");
    assertThat(routes.route("/app", "/*", "/app/order-99812/lines")).isEqualTo("/app/{id}/*");
  }

  @Test
  void distinctRoutesAreCappedAndTheRestIsOther() {
    RouteNormalizer routes = new RouteNormalizer(3);
    assertThat(routes.route("", "/", "/a")).isEqualTo("/a");
    assertThat(routes.route("", "/", "/b")).isEqualTo("/b");
    assertThat(routes.route("", "/", "/c")).isEqualTo("/c");
    assertThat(routes.route("", "/", "/d")).isEqualTo("other");
    assertThat(routes.route("", "/", "/a/x")).isEqualTo("other");
    assertThat(routes.route("", "/", "/a")).isEqualTo("/a");
  }
}
