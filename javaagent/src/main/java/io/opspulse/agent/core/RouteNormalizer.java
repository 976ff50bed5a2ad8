package io.opspulse.agent.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Turns what a server knows about a request into a low-cardinality {@code http.route}: the servlet
 * mapping (or HttpServer context) when it names a route, else the first path segment with ids collapsed.
 * At most {@code max} distinct routes; later ones are {@code other}.
 */
final class RouteNormalizer {
  static final String OTHER = "other";
  private static final Pattern ID = Pattern.compile(
      "\\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{16,}"
          + "|[^/]*\\d[^/]*\\d[^/]*\\d[^/]*");

  private final int max;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  RouteNormalizer(int max) {
    this.max = max;
  }

  /**
   * @param base the context path ("" for the root context or an HttpServer)
   * @param pattern the servlet mapping pattern or HttpServer context path, null if unknown
   * @param path the request path, context included
   */
  String route(String base, String pattern, String path) {
    String b = base == null ? "" : base;
    String route;
    if (pattern != null && !pattern.isEmpty() && !pattern.equals("/") && !pattern.equals("/*")) {
      route = pattern.startsWith("/") || pattern.startsWith("*") ? b + pattern : b + "/" + pattern;
    } else {
      route = b + firstSegment(path == null ? "" : path.substring(Math.min(b.length(), path.length())));
    }
    if (route.isEmpty()) {
      route = "/";
    }
    if (seen.contains(route)) {
      return route;
    }
    if (seen.size() >= max) {
      return OTHER;
    }
    seen.add(route);
    return route;
  }

  static String firstSegment(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.isEmpty()) {
      return "/";
    }
    int slash = p.indexOf('/');
    String segment = slash < 0 ? p : p.substring(0, slash);
    boolean more = slash >= 0 && slash < p.length() - 1;
    if (segment.length() > 64 || ID.matcher(segment).matches()) {
      segment = "{id}";
    }
    return "/" + segment + (more ? "/*" : "");
  }
}
