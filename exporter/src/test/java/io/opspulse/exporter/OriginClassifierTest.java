package io.opspulse.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OriginClassifierTest {
  private final OriginClassifier classifier =
      new OriginClassifier(List.of("mcp/postgres*"), List.of("postgres-mcp*", "puppeteer-mcp"));
  private final DeclaredState declared =
      new DeclaredState(
          Map.of(
              "shop",
              Map.of("web", new DeclaredService("shop", "web", "nginx", 1, false, List.of(), "f"))),
          Map.of(),
          List.of());

  static ContainerInfo container(String name, String image, Map<String, String> labels) {
    TestFleet.Container c =
        TestFleet.container(name).id("a".repeat(64)).image(image).running(Instant.EPOCH, 1);
    labels.forEach(c::label);
    return c.info();
  }

  @Test
  void aDeclaredServiceIsDeclared() {
    assertThat(
            classifier.classify(
                container(
                    "shop-web-1",
                    "nginx",
                    Map.of(ContainerInfo.PROJECT, "shop", ContainerInfo.SERVICE, "web")),
                declared))
        .isEqualTo(Origin.DECLARED);
  }

  @Test
  void aServiceNoLongerInItsProjectsFilesIsAnOrphan() {
    assertThat(
            classifier.classify(
                container(
                    "shop-legacy-1",
                    "x",
                    Map.of(ContainerInfo.PROJECT, "shop", ContainerInfo.SERVICE, "legacy")),
                declared))
        .isEqualTo(Origin.ORPHAN);
  }

  @Test
  void aProjectWhoseFilesWereNeverReadCannotMakeOrphans() {
    assertThat(
            classifier.classify(
                container(
                    "other-x-1",
                    "x",
                    Map.of(ContainerInfo.PROJECT, "other", ContainerInfo.SERVICE, "x")),
                declared))
        .isEqualTo(Origin.DECLARED);
  }

  @Test
  void composeRunContainersAreOneOffs() {
    assertThat(
            classifier.classify(
                container(
                    "shop-web-run-1",
                    "nginx",
                    Map.of(
                        ContainerInfo.PROJECT,
                        "shop",
                        ContainerInfo.SERVICE,
                        "web",
                        ContainerInfo.ONEOFF,
                        "True")),
                declared))
        .isEqualTo(Origin.ONEOFF);
  }

  @Test
  void generatedNamesAreAnonymousChosenNamesUnmanaged() {
    assertThat(classifier.classify(container("admiring_turing", "mcp/fetch", Map.of()), declared))
        .isEqualTo(Origin.ANONYMOUS);
    assertThat(classifier.classify(container("zealous_wozniak3", "mcp/fetch", Map.of()), declared))
        .isEqualTo(Origin.ANONYMOUS);
    assertThat(classifier.classify(container("my_app", "mcp/fetch", Map.of()), declared))
        .isEqualTo(Origin.UNMANAGED);
    assertThat(classifier.classify(container("fetcher", "mcp/fetch", Map.of()), declared))
        .isEqualTo(Origin.UNMANAGED);
  }

  @Test
  void deprecatedPatternsWinOverEverythingElse() {
    assertThat(
            classifier.classify(
                container("postgres-mcp-485297-1755469768", "x", Map.of()), declared))
        .isEqualTo(Origin.DEPRECATED);
    assertThat(
            classifier.classify(
                container(
                    "shop-web-1",
                    "mcp/postgres:latest",
                    Map.of(ContainerInfo.PROJECT, "shop", ContainerInfo.SERVICE, "web")),
                declared))
        .isEqualTo(Origin.DEPRECATED);
    assertThat(classifier.classify(container("puppeteer-mcp-2", "x", Map.of()), declared))
        .isEqualTo(Origin.UNMANAGED);
  }

  @Test
  void globsQuoteEverythingButStarAndQuestionMark() {
    assertThat(OriginClassifier.glob("a.b*").matcher("a.bcd").matches()).isTrue();
    assertThat(OriginClassifier.glob("a.b*").matcher("axbcd").matches()).isFalse();
    assertThat(OriginClassifier.glob("v?").matcher("v1").matches()).isTrue();
    assertThat(OriginClassifier.glob("[x]").matcher("[x]").matches()).isTrue();
  }
}
