package io.opspulse.agent.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The {@code http.route} of a request, only ever as the server or framework names it
 * (OpenTelemetry's semantic conventions: no route when the framework gives none): Spring's
 * best-matching pattern, Jersey's matched {@code @Path} templates, an exact or path servlet
 * mapping, an HttpServer context. Never derived from the request's path.
 *
 * <p>The cap ({@link #admit}) is a safety net against an application whose framework names routes
 * without bound. It is fair because only framework-given routes reach it: a scanner's random paths
 * match no route and take no slot, so the first {@code max} routes are the application's own.
 */
final class HttpRoutes {
  static final String OTHER = "other";

  /** Spring MVC's {@code HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE}. */
  static final String SPRING_MVC_PATTERN =
      "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";

  /**
   * The request property (on a servlet container: the attribute) where {@link JerseyAccessor}
   * leaves the {@code @Path} templates Jersey matched, outermost first.
   */
  static final String JAX_RS_TEMPLATES = "io.opspulse.agent.jaxrs.templates";

  /** Spring WebFlux's {@code HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE} (a PathPattern). */
  static final String SPRING_WEBFLUX_PATTERN =
      "org.springframework.web.reactive.HandlerMapping.bestMatchingPattern";

  private final int max;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  HttpRoutes(int max) {
    this.max = max;
  }

  /**
   * {@code route} itself while fewer than {@code max} routes were seen, else {@link #OTHER}; null
   * stays null.
   */
  @Nullable String admit(@Nullable String route) {
    if (route == null || seen.contains(route)) {
      return route;
    }
    if (seen.size() >= max) {
      return OTHER;
    }
    seen.add(route);
    return route;
  }

  /**
   * A servlet request's route.
   *
   * @param contextPath the web application's context path ("" for the root)
   * @param mappingMatch the servlet mapping's {@code MappingMatch} name (Servlet 4+), or null
   * @param mappingPattern the servlet mapping's pattern ({@code /shop/items/*}, {@code /health}),
   *     or null
   * @param framework the pattern a framework recorded on the request (Spring MVC's, JAX-RS's), or
   *     null
   * @param status the response status
   */
  static @Nullable String servlet(
      @Nullable String contextPath,
      @Nullable String mappingMatch,
      @Nullable String mappingPattern,
      @Nullable Object framework,
      int status) {
    String context = contextPath == null ? "" : contextPath;
    if (framework != null) {
      String pattern = framework.toString();
      if (status == 404 && isCatchAll(pattern)) {
        return null; // a catch-all handler (static resources) that found nothing: no route matched
      }
      // A dispatcher mapped to a path (/api/*) matches patterns below it.
      String servletPath =
          "PATH".equals(mappingMatch) && mappingPattern != null && mappingPattern.endsWith("/*")
              ? mappingPattern.substring(0, mappingPattern.length() - 2)
              : "";
      return join(context + servletPath, pattern);
    }
    if (mappingMatch == null || mappingPattern == null) {
      return null;
    }
    return switch (mappingMatch) {
      case "EXACT", "PATH" -> join(context, mappingPattern);
      case "EXTENSION" -> context + "/" + mappingPattern;
      case "CONTEXT_ROOT" -> context.isEmpty() ? "/" : context;
      default -> null; // DEFAULT ("/"): the catch-all servlet names no route
    };
  }

  /**
   * The route of JAX-RS {@code @Path} templates matched one below the other (resource class,
   * sub-resource, method), outermost first: {@code /owners} and {@code {ownerId}} are {@code
   * /owners/{ownerId}}.
   */
  static @Nullable String jaxRs(String[] templates) {
    StringBuilder route = new StringBuilder();
    for (String t : templates) {
      if (t == null || t.isEmpty() || t.equals("/")) {
        continue;
      }
      if (route.length() > 0 && route.charAt(route.length() - 1) == '/') {
        route.setLength(route.length() - 1);
      }
      route.append(t.startsWith("/") ? "" : "/").append(t);
    }
    return route.length() == 0 ? "/" : route.toString();
  }

  /**
   * A JDK HttpServer exchange's route: the path of its context, as the application registered it
   * ({@code createContext}); but the context "/" takes every path no other context does, so it
   * names the route "/" only for the path "/" itself.
   */
  static @Nullable String httpServer(String contextPath, @Nullable String requestPath) {
    return "/".equals(contextPath) && !"/".equals(requestPath) ? null : contextPath;
  }

  /** A Spring WebFlux exchange's route: its best-matching pattern. */
  static @Nullable String webFlux(Object framework, int status) {
    if (framework == null) {
      return null;
    }
    String pattern = framework.toString();
    return status == 404 && isCatchAll(pattern) ? null : pattern;
  }

  private static boolean isCatchAll(String pattern) {
    return pattern.equals("/**")
        || pattern.equals("/*")
        || pattern.equals("**")
        || pattern.equals("/");
  }

  private static String join(String base, String pattern) {
    if (pattern.isEmpty()) {
      return base.isEmpty() ? "/" : base;
    }
    return pattern.startsWith("/") ? base + pattern : base + "/" + pattern;
  }
}
