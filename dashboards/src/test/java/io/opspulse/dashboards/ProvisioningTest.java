package io.opspulse.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The shipped provisioning files fit together: Grafana finds the dashboards and a Prometheus. */
class ProvisioningTest {
  private static final Path DIR = Dashboards.committed().resolveSibling("provisioning");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(String file) throws IOException {
    return new Yaml().load(Files.readString(DIR.resolve(file)));
  }

  @Test
  @SuppressWarnings("unchecked")
  void theDashboardProviderReadsTheFolderTheExampleMountsJsonInto() throws IOException {
    Map<String, Object> providers = yaml("dashboards.yaml");
    assertThat(providers.get("apiVersion")).isEqualTo(1);
    List<Map<String, Object>> list = (List<Map<String, Object>>) providers.get("providers");
    assertThat(list).hasSize(1);
    Map<String, Object> provider = list.get(0);
    assertThat(provider.get("type")).isEqualTo("file");
    String path = (String) ((Map<String, Object>) provider.get("options")).get("path");

    Map<String, Object> compose = yaml("docker-compose.example.yml");
    List<String> volumes =
        (List<String>)
            ((Map<String, Object>) ((Map<String, Object>) compose.get("services")).get("grafana"))
                .get("volumes");
    assertThat(volumes).contains("../json:" + path + ":ro");
    assertThat(DIR.resolve("../json").normalize()).isEqualTo(Dashboards.committed().normalize());
    assertThat(volumes)
        .anyMatch(v -> v.startsWith("./dashboards.yaml:/etc/grafana/provisioning/dashboards/"));
    assertThat(volumes)
        .anyMatch(v -> v.startsWith("./datasources.yaml:/etc/grafana/provisioning/datasources/"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void theExampleDatasourceIsAPrometheusTheDatasourceVariableOffers() throws IOException {
    List<Map<String, Object>> list =
        (List<Map<String, Object>>) yaml("datasources.yaml").get("datasources");
    assertThat(list).hasSize(1);
    assertThat(list.get(0))
        .containsEntry("type", "prometheus")
        .containsEntry("isDefault", true)
        // The uid the README's provisioning command writes into the dashboards (--datasource-uid).
        .containsEntry("uid", "prometheus");
    assertThat((String) list.get(0).get("url")).startsWith("http");
  }
}
