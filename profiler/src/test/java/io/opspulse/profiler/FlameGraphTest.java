package io.opspulse.profiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class FlameGraphTest {
  static final String HOSTILE_SCRIPT = "<script>alert(1)</script>";
  static final String HOSTILE_ATTR = "x\" onmouseover=\"alert(2)";
  static final String HOSTILE_CLOSE = "</svg></body><img src=x onerror=alert(3)>";
  static final String HOSTILE_CONTROL = "ctl\u0001\u0008\uFFFF\uD800end & 'quote'";

  private static Profile profile(FoldedStack... stacks) {
    return new Profile(
        ProfileEvent.CPU,
        "jdk.ExecutionSample",
        Instant.parse("2026-01-01T00:00:00Z"),
        Instant.parse("2026-01-01T00:01:00Z"),
        List.of(stacks),
        0);
  }

  private final Profile hostile =
      profile(
          new FoldedStack(List.of("main", HOSTILE_SCRIPT), 40),
          new FoldedStack(List.of("main", HOSTILE_ATTR), 30),
          new FoldedStack(List.of("main", HOSTILE_CLOSE), 20),
          new FoldedStack(List.of("main", HOSTILE_CONTROL), 10));

  @Test
  void hostileFrameNamesStayTextInThePage() {
    String html = FlameGraph.html(hostile);

    assertThat(html)
        .doesNotContain(HOSTILE_SCRIPT, HOSTILE_ATTR, HOSTILE_CLOSE, "<img", "\u0001")
        .contains(
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "x&quot; onmouseover=&quot;alert(2)",
            "&lt;/svg&gt;&lt;/body&gt;&lt;img src=x onerror=alert(3)&gt;");
    // The only script element is the page's own.
    assertThat(html.split("<script", -1)).hasSize(2);
  }

  @Test
  void theStandaloneSvgIsWellFormedXmlWhateverTheNames() throws Exception {
    Document svg = parse(FlameGraph.svg(hostile));
    List<String> names = new ArrayList<>();
    NodeList groups = svg.getElementsByTagName("g");
    for (int i = 0; i < groups.getLength(); i++) {
      names.add(((Element) groups.item(i)).getAttribute("data-n"));
    }
    assertThat(names)
        .contains(
            "all",
            "main",
            HOSTILE_SCRIPT,
            HOSTILE_ATTR,
            HOSTILE_CLOSE,
            "ctl\uFFFD\uFFFD\uFFFD\uFFFDend & 'quote'");
  }

  @Test
  void widthsAreProportionalToWeightAndHeaviestComesFirst() throws Exception {
    Document svg =
        parse(
            FlameGraph.svg(
                profile(
                    new FoldedStack(List.of("main", "hot"), 75),
                    new FoldedStack(List.of("main", "cold"), 25))));
    Element hot = frame(svg, "hot");
    Element cold = frame(svg, "cold");
    assertThat(Double.parseDouble(hot.getAttribute("data-w"))).isCloseTo(0.75, within(1e-6));
    assertThat(Double.parseDouble(cold.getAttribute("data-w"))).isCloseTo(0.25, within(1e-6));
    assertThat(Double.parseDouble(hot.getAttribute("data-x"))).isZero();
    assertThat(Double.parseDouble(cold.getAttribute("data-x"))).isCloseTo(0.75, within(1e-6));
    assertThat(hot.getAttribute("data-d")).isEqualTo("2");
    assertThat(hot.getElementsByTagName("title").item(0).getTextContent())
        .isEqualTo("hot (75 samples, 75.00%)");
  }

  @Test
  void framesTooNarrowToSeeAreLeftOut() throws Exception {
    Document svg =
        parse(
            FlameGraph.svg(
                profile(
                    new FoldedStack(List.of("main", "big"), 1_000_000),
                    new FoldedStack(List.of("main", "speck"), 1))));
    assertThat(frame(svg, "big")).isNotNull();
    assertThat(frame(svg, "speck")).isNull();
  }

  @Test
  void thePolicyAllowsExactlyThePagesOwnScript() throws Exception {
    String html = FlameGraph.html(hostile);
    int start = html.indexOf("<script>") + "<script>".length();
    String script = html.substring(start, html.indexOf("</script>", start));
    String hash =
        Base64.getEncoder()
            .encodeToString(
                MessageDigest.getInstance("SHA-256")
                    .digest(script.getBytes(StandardCharsets.UTF_8)));
    assertThat(FlameGraph.contentSecurityPolicy())
        .contains("script-src 'sha256-" + hash + "'")
        .startsWith("default-src 'none'");
  }

  @Test
  void anEmptyProfileRendersAPageThatSaysSo() {
    String html = FlameGraph.html(profile());
    assertThat(html).contains("No samples in this window yet").doesNotContain("<svg");
  }

  @Test
  void theSummaryNamesEventSourceTotalAndOverflow() {
    Profile p =
        new Profile(
            ProfileEvent.ALLOC,
            "jdk.ObjectAllocationSample",
            Instant.EPOCH,
            Instant.EPOCH,
            List.of(
                new FoldedStack(List.of("[overflow]"), 2048), new FoldedStack(List.of("a"), 1024)),
            2048);
    assertThat(FlameGraph.summary(p))
        .contains("alloc (jdk.ObjectAllocationSample)", "3,072 bytes", "2,048 bytes in [overflow]");
  }

  private static Document parse(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  private static Element frame(Document svg, String name) {
    NodeList groups = svg.getElementsByTagName("g");
    for (int i = 0; i < groups.getLength(); i++) {
      Element g = (Element) groups.item(i);
      if (g.getAttribute("data-n").equals(name)) {
        return g;
      }
    }
    return null;
  }
}
