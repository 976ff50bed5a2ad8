package io.opspulse.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.opspulse.testkit.CommandResult;
import io.opspulse.testkit.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schema check the build runs (validate.ts: Grafana's dashboard schema as the Foundation SDK's
 * types, applied by the TypeScript compiler) accepts the committed dashboards and rejects broken
 * ones, naming the file, the line and what is wrong.
 */
class DashboardSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The broken files, checked in one run of the validator (each run starts the TypeScript
   * compiler).
   */
  @TempDir static Path dir;

  private static CommandResult brokenRun;

  @BeforeAll
  static void validateEveryBrokenDashboardAtOnce() throws IOException {
    List<Arguments> cases = brokenDashboards().toList();
    for (int i = 0; i < cases.size(); i++) {
      @SuppressWarnings("unchecked")
      Consumer<ObjectNode> breakIt = (Consumer<ObjectNode>) cases.get(i).get()[3];
      ObjectNode d =
          (ObjectNode) JSON.readTree(Dashboards.committed().resolve("opspulse-host.json").toFile());
      breakIt.accept(d);
      Files.writeString(broken(i), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(d));
    }
    Files.writeString(dir.resolve("truncated.json"), "{\"schemaVersion\": 42, \"panels\": [");
    brokenRun = validate(dir);
  }

  @Test
  void theCommittedDashboardsMatchTheSchema() {
    CommandResult r = validate(Dashboards.committed());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("5 dashboard(s) match");
  }

  static Stream<Arguments> brokenDashboards() {
    return Stream.of(
        Arguments.of(
            "a grid height given as text",
            "\"h\" : \"8\"",
            "is not assignable to type 'number'",
            (Consumer<ObjectNode>) d -> ((ObjectNode) firstPanel(d).path("gridPos")).put("h", "8")),
        Arguments.of(
            "a property the panel schema lacks",
            "\"colour\" : \"red\"",
            "'\"colour\"' does not exist",
            (Consumer<ObjectNode>) d -> firstPanel(d).put("colour", "red")),
        Arguments.of(
            "a thresholds mode Grafana does not know",
            "\"mode\" : \"absolutely\"",
            "\"absolute\"",
            (Consumer<ObjectNode>)
                d ->
                    ((ObjectNode)
                            firstPanel(d).path("fieldConfig").path("defaults").path("thresholds"))
                        .put("mode", "absolutely")),
        Arguments.of(
            "a legend placement the time series plugin lacks",
            "\"placement\" : \"middle\"",
            "\"bottom\" | \"right\"",
            (Consumer<ObjectNode>)
                d ->
                    ((ObjectNode) firstPanel(d).path("options").path("legend"))
                        .put("placement", "middle")),
        Arguments.of(
            "a panel plugin the schema does not model",
            "\"type\" : \"graph\"",
            "'\"graph\"' is not assignable",
            (Consumer<ObjectNode>) d -> firstPanel(d).put("type", "graph")),
        Arguments.of(
            "a query whose expr is a number",
            "\"expr\" : 5",
            "'number' is not assignable to type 'string'",
            (Consumer<ObjectNode>)
                d -> ((ObjectNode) firstPanel(d).path("targets").get(0)).put("expr", 5)),
        Arguments.of(
            "no schemaVersion",
            null,
            "Property 'schemaVersion' is missing",
            (Consumer<ObjectNode>) d -> d.remove("schemaVersion")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenDashboards")
  void aBrokenDashboardIsRejectedAtItsLine(
      String what, String brokenLine, String message, Consumer<ObjectNode> unused)
      throws IOException {
    // The files were broken and checked in validateEveryBrokenDashboardAtOnce, in this order.
    int i = brokenDashboards().map(a -> (String) a.get()[0]).toList().indexOf(what);
    Path broken = broken(i);
    int line = brokenLine == null ? 1 : lineOf(broken, brokenLine);
    assertThat(brokenRun.exitCode()).as(what).isEqualTo(1);
    assertThat(problemsOf(brokenRun, broken))
        .as(what)
        .anyMatch(p -> p.startsWith(broken + ":" + line + ": ") && p.contains(message));
  }

  @Test
  void textThatIsNotJsonIsNamed() {
    assertThat(brokenRun.stderr()).contains(dir.resolve("truncated.json") + ": not JSON");
  }

  @Test
  void anUnbrokenCopyNextToTheBrokenOnesHasNoProblem() throws IOException {
    Path copy = dir.resolve("unbroken").resolve("opspulse-host.json");
    Files.createDirectories(copy.getParent());
    Files.copy(Dashboards.committed().resolve("opspulse-host.json"), copy);
    Files.copy(broken(0), copy.resolveSibling("broken.json"));
    CommandResult r = validate(copy.getParent());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(problemsOf(r, copy)).isEmpty();
    assertThat(problemsOf(r, copy.resolveSibling("broken.json"))).isNotEmpty();
  }

  private static List<String> problemsOf(CommandResult run, Path file) {
    return run.stderr().lines().filter(l -> l.startsWith(file + ":")).toList();
  }

  private static Path broken(int i) {
    return dir.resolve("broken-" + i + ".json");
  }

  private static ObjectNode firstPanel(ObjectNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    dashboard
        .path("panels")
        .forEach(
            p -> {
              if (!new TextNode("row").equals(p.path("type")) && panels.isEmpty()) {
                panels.add(p);
              }
            });
    assertThat(panels).as("the Host board starts with a row and then its first panel").isNotEmpty();
    assertThat(panels.get(0).path("type").asText()).isEqualTo("timeseries");
    return (ObjectNode) panels.get(0);
  }

  private static int lineOf(Path file, String text) throws IOException {
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i + 1;
      }
    }
    throw new AssertionError(file + " has no line with " + text);
  }

  private static CommandResult validate(Path target) {
    return Commands.run(
        List.of("node", Dashboards.validator().toString(), target.toString()),
        Map.of(),
        null,
        Duration.ofSeconds(120));
  }
}
