package io.opspulse.profiler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link Profile} as a flame graph (icicle layout: the roots on top, callees below, width
 * proportional to weight) that needs nothing but a browser: a standalone SVG, or an HTML page with
 * the SVG inline and a small inline script to zoom (click a frame; "Reset zoom" to go back) and to
 * search (a substring or regular expression; matching frames turn magenta, their share is shown).
 *
 * <p>Frames narrower than {@link #MIN_WIDTH_RATIO} of the total are left out (they would be under a
 * pixel), which bounds the page's size whatever the profile holds. Every frame name is escaped: the
 * script only ever sets text, never markup.
 */
public final class FlameGraph {
  /** Frames below this share of the total weight are not drawn. */
  public static final double MIN_WIDTH_RATIO = 0.0005;

  static final int WIDTH = 1200;
  static final int FRAME_HEIGHT = 16;
  private static final int MAX_FRAMES = 20_000;

  private static final String STYLE =
      """
      body{margin:0;font:13px system-ui,sans-serif;background:#fafafa;color:#222}
      header{padding:8px 12px;background:#fff;border-bottom:1px solid #ddd;position:sticky;top:0}
      h1{font-size:16px;margin:0 0 4px}
      .meta{color:#555;margin:0 0 6px}
      #search{width:320px}
      #matched{margin-left:12px;color:#a0a}
      #details{font-family:monospace;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;height:18px;margin-top:4px}
      #errors{color:#b00;font-weight:bold;padding:0 12px}
      .empty{padding:24px 12px;color:#555}
      svg{display:block}
      g.f{cursor:pointer}
      g.f text{font:12px monospace;fill:#000;pointer-events:none}
      g.f:hover rect{stroke:#000;stroke-width:0.5}
      g.f.match rect{fill:#e040e0}
      g.f.parent rect{opacity:0.6}
      """;

  // The page's only script. It reads frame data from the SVG's data-* attributes and writes text
  // with textContent, so names are never parsed as markup. Its hash goes into the page's CSP.
  private static final String SCRIPT =
      """
      (function () {
        'use strict';
        var errors = document.getElementById('errors');
        window.addEventListener('error', function (e) {
          errors.hidden = false;
          errors.textContent = 'Script error: ' + e.message;
        });
        var svg = document.getElementById('flamegraph');
        if (!svg) { document.body.setAttribute('data-ready', 'empty'); return; }
        var W = +svg.getAttribute('data-width');
        var frames = Array.prototype.slice.call(svg.querySelectorAll('g.f'));
        var details = document.getElementById('details');
        var search = document.getElementById('search');
        var matched = document.getElementById('matched');
        function num(f, k) { return +f.getAttribute('data-' + k); }
        function fit(f, x, w) {
          if (w < 0.5) { f.style.display = 'none'; return; }
          f.style.display = '';
          var r = f.querySelector('rect'), t = f.querySelector('text');
          r.setAttribute('x', x.toFixed(2));
          r.setAttribute('width', Math.max(0, w - 0.5).toFixed(2));
          t.setAttribute('x', (x + 3).toFixed(2));
          var name = f.getAttribute('data-n'), room = Math.floor((w - 6) / 7.2);
          t.textContent = room < 3 ? '' : (name.length <= room ? name : name.slice(0, room - 2) + '..');
        }
        function zoom(g) {
          var zx = num(g, 'x'), zw = num(g, 'w'), zd = num(g, 'd'), eps = 1e-9;
          frames.forEach(function (f) {
            var x = num(f, 'x'), w = num(f, 'w'), d = num(f, 'd');
            var inside = x >= zx - eps && x + w <= zx + zw + eps;
            var around = x <= zx + eps && x + w >= zx + zw - eps;
            if (d < zd && around) { f.classList.add('parent'); fit(f, 0, W); }
            else if (d >= zd && inside) { f.classList.remove('parent'); fit(f, (x - zx) / zw * W, w / zw * W); }
            else { fit(f, 0, 0); }
          });
        }
        function reset() {
          frames.forEach(function (f) { f.classList.remove('parent'); fit(f, num(f, 'x') * W, num(f, 'w') * W); });
        }
        function find() {
          var q = search.value, re = null;
          frames.forEach(function (f) { f.classList.remove('match'); });
          if (!q) { matched.textContent = ''; return; }
          try { re = new RegExp(q); } catch (e) { re = null; }
          var spans = [];
          frames.forEach(function (f) {
            var n = f.getAttribute('data-n');
            if (re ? re.test(n) : n.indexOf(q) >= 0) { f.classList.add('match'); spans.push([num(f, 'x'), num(f, 'x') + num(f, 'w')]); }
          });
          spans.sort(function (a, b) { return a[0] - b[0]; });
          var share = 0, end = -1;
          spans.forEach(function (s) {
            if (s[0] >= end) { share += s[1] - s[0]; end = s[1]; }
            else if (s[1] > end) { share += s[1] - end; end = s[1]; }
          });
          matched.textContent = 'matched: ' + (share * 100).toFixed(2) + '%';
        }
        frames.forEach(function (f) {
          f.addEventListener('click', function () { zoom(f); });
          f.addEventListener('mouseover', function () { details.textContent = f.querySelector('title').textContent; });
        });
        document.getElementById('reset').addEventListener('click', function () { reset(); });
        search.addEventListener('input', find);
        reset();
        document.body.setAttribute('data-ready', String(frames.length));
      })();
      """;

  private static final String CSP =
      "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-" + sha256(SCRIPT) + "'";

  private FlameGraph() {}

  /** The Content-Security-Policy the page needs: its own script and style, nothing else. */
  public static String contentSecurityPolicy() {
    return CSP;
  }

  /** A self-contained HTML page: header, search box, the SVG inline, the zoom/search script. */
  public static String html(Profile profile) {
    StringBuilder sb = new StringBuilder(64 * 1024);
    String title = profile.event().key() + " flame graph";
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .append(Markup.escape(CSP))
        .append("\">\n")
        .append("<title>")
        .append(Markup.escape(title))
        .append("</title>\n<style>")
        .append(STYLE)
        .append("</style>\n")
        .append("</head>\n<body>\n<header>\n<h1>")
        .append(Markup.escape(title))
        .append("</h1>\n")
        .append("<p class=\"meta\">")
        .append(Markup.escape(summary(profile)))
        .append("</p>\n")
        .append(
            "<input id=\"search\" type=\"search\" placeholder=\"search frames: text or regular expression\" "
                + "aria-label=\"search frames\"> <button id=\"reset\" type=\"button\">Reset zoom</button>"
                + "<span id=\"matched\"></span>\n")
        .append("<div id=\"details\">click a frame to zoom in</div>\n</header>\n")
        .append("<p id=\"errors\" hidden></p>\n");
    if (profile.isEmpty()) {
      sb.append("<p class=\"empty\">No samples in this window yet.</p>\n");
    } else {
      svg(profile, sb, false);
    }
    sb.append("<script>").append(SCRIPT).append("</script>\n</body></html>\n");
    return sb.toString();
  }

  /** A standalone SVG (no script: hover titles, no zoom), for tools and files. */
  public static String svg(Profile profile) {
    StringBuilder sb = new StringBuilder(64 * 1024);
    sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    svg(profile, sb, true);
    return sb.toString();
  }

  /** One line saying what the graph shows. */
  static String summary(Profile p) {
    return String.format(
        Locale.ROOT,
        "%s (%s) \u00b7 %,d %s \u00b7 %d stacks \u00b7 %s to %s%s",
        p.event().key(),
        p.source().isEmpty() ? "no source" : p.source(),
        p.total(),
        p.event().unit(),
        p.stacks().size(),
        p.from().truncatedTo(ChronoUnit.SECONDS),
        p.to().truncatedTo(ChronoUnit.SECONDS),
        p.overflowWeight() > 0
            ? String.format(
                Locale.ROOT,
                " \u00b7 %,d %s in [overflow] (stack cap reached)",
                p.overflowWeight(),
                p.event().unit())
            : "");
  }

  private static void svg(Profile profile, StringBuilder sb, boolean standalone) {
    Node root = tree(profile);
    List<Placed> placed = new ArrayList<>();
    place(root, 0, 0, root.total, placed);
    int depth = 0;
    for (Placed p : placed) {
      depth = Math.max(depth, p.depth);
    }
    int height = (depth + 1) * FRAME_HEIGHT + 4;
    sb.append("<svg id=\"flamegraph\" xmlns=\"http://www.w3.org/2000/svg\" data-width=\"")
        .append(WIDTH)
        .append("\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(height)
        .append("\" width=\"")
        .append(standalone ? String.valueOf(WIDTH) : "100%")
        .append("\" height=\"")
        .append(height)
        .append("\" preserveAspectRatio=\"none\"");
    if (standalone) {
      sb.append(" font-family=\"monospace\" font-size=\"12\"");
    }
    sb.append(">\n");
    for (Placed p : placed) {
      double x = p.x * WIDTH;
      double w = p.w * WIDTH;
      String name = p.node.name;
      String label =
          String.format(
              Locale.ROOT,
              "%s (%,d %s, %.2f%%)",
              name,
              p.node.total,
              profile.event().unit(),
              100.0 * p.node.total / root.total);
      int room = (int) Math.floor((w - 6) / 7.2);
      String text =
          room < 3 ? "" : name.length() <= room ? name : name.substring(0, room - 2) + "..";
      sb.append("<g class=\"f\" data-n=\"")
          .append(Markup.escape(name))
          .append(
              String.format(
                  Locale.ROOT,
                  "\" data-x=\"%.9f\" data-w=\"%.9f\" data-d=\"%d\"><title>",
                  p.x,
                  p.w,
                  p.depth))
          .append(Markup.escape(label))
          .append("</title>")
          .append(
              String.format(
                  Locale.ROOT,
                  "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\"/>",
                  x,
                  p.depth * FRAME_HEIGHT,
                  Math.max(0, w - 0.5),
                  FRAME_HEIGHT - 1,
                  color(name)))
          .append(
              String.format(
                  Locale.ROOT, "<text x=\"%.2f\" y=\"%d\">", x + 3, p.depth * FRAME_HEIGHT + 12))
          .append(Markup.escape(text))
          .append("</text></g>\n");
    }
    sb.append("</svg>\n");
  }

  /** The call tree: a synthetic root "all" whose children are the stacks' root frames. */
  static Node tree(Profile profile) {
    Node root = new Node("all");
    for (FoldedStack s : profile.stacks()) {
      root.total += s.weight();
      Node n = root;
      for (String frame : s.frames()) {
        n = n.children.computeIfAbsent(frame, Node::new);
        n.total += s.weight();
      }
    }
    return root;
  }

  private static void place(Node root, double x0, int d0, long total, List<Placed> out) {
    // Breadth-first so that, if MAX_FRAMES cuts, it cuts the deepest, narrowest frames.
    List<Placed> queue = new ArrayList<>();
    queue.add(new Placed(root, x0, total == 0 ? 0 : 1, d0));
    for (int i = 0; i < queue.size() && out.size() < MAX_FRAMES; i++) {
      Placed p = queue.get(i);
      out.add(p);
      List<Node> kids = new ArrayList<>(p.node.children.values());
      kids.sort(
          Comparator.comparingLong((Node n) -> n.total).reversed().thenComparing(n -> n.name));
      double x = p.x;
      for (Node k : kids) {
        double w = (double) k.total / total;
        if (w >= MIN_WIDTH_RATIO) {
          queue.add(new Placed(k, x, w, p.depth + 1));
        }
        x += w;
      }
    }
  }

  /** Warm colours for application code, yellow-orange for the JDK, grey for synthetic frames. */
  static String color(String name) {
    if (FrameNames.isSynthetic(name) || name.equals("all")) {
      return "rgb(200,200,200)";
    }
    int h = name.hashCode();
    int v1 = (h & 0xff);
    int v2 = ((h >>> 8) & 0xff);
    boolean jdk =
        name.startsWith("java.")
            || name.startsWith("jdk.")
            || name.startsWith("sun.")
            || name.startsWith("javax.")
            || name.startsWith("com.sun.");
    if (jdk) {
      return "rgb(" + (205 + v1 * 50 / 255) + "," + (150 + v2 * 60 / 255) + ",60)";
    }
    return "rgb(" + (200 + v1 * 55 / 255) + "," + (60 + v2 * 100 / 255) + ",50)";
  }

  static final class Node {
    final String name;
    final Map<String, Node> children = new HashMap<>();
    long total;

    Node(String name) {
      this.name = name;
    }
  }

  private record Placed(Node node, double x, double w, int depth) {}

  private static String sha256(String s) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is in every JDK", e);
    }
  }
}
