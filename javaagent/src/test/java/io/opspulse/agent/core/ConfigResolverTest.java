package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigResolverTest {
  private static AgentConfig resolve(
      String args, Map<String, String> props, Map<String, String> env) {
    return new ConfigResolver(args, props, env).resolve();
  }

  @Test
  void defaultsFollowOpenTelemetrysPrometheusExporter() {
    AgentConfig c =
        resolve(
            null,
            Map.of("sun.java.command", "com.example.Shop --x", "java.io.tmpdir", "/t"),
            Map.of());
    assertThat(c.prometheusPort()).isEqualTo(9464);
    assertThat(c.prometheusHost()).isEqualTo("0.0.0.0");
    assertThat(c.serviceName()).isEqualTo("Shop");
    assertThat(c.otlpEndpoint()).isNull();
    assertThat(c.stateDir()).isEqualTo(Path.of("/t", "opspulse-agent"));
    assertThat(c.instrument()).isEqualTo(EnumSet.allOf(Instrumentation.class));
    assertThat(c.maxRoutes()).isEqualTo(100);
  }

  @Test
  void agentArgumentsBeatSystemPropertiesWhichBeatTheEnvironment() {
    Map<String, String> env =
        Map.of(
            "OPSPULSE_PROMETHEUS_PORT",
            "9001",
            "OPSPULSE_SERVICE_NAME",
            "from-env",
            "OPSPULSE_STATE_DIR",
            "/env");
    Map<String, String> props =
        Map.of("opspulse.prometheus.port", "9002", "opspulse.state.dir", "/props");
    assertThat(resolve(null, Map.of(), env).prometheusPort()).isEqualTo(9001);
    AgentConfig c = resolve("port=9003", props, env);
    assertThat(c.prometheusPort()).isEqualTo(9003);
    assertThat(c.stateDir()).isEqualTo(Path.of("/props"));
    assertThat(c.serviceName()).isEqualTo("from-env");
    assertThat(resolve(null, props, env).prometheusPort()).isEqualTo(9002);
  }

  @Test
  void openTelemetrysServiceNameAndResourceAttributesAreHonoured() {
    Map<String, String> env =
        Map.of(
            "OTEL_SERVICE_NAME",
            "from-otel",
            "OTEL_RESOURCE_ATTRIBUTES",
            "service.name=from-attributes,deployment.environment.name=prod,team=payments%20core");
    AgentConfig c = resolve(null, Map.of("sun.java.command", "com.example.Shop"), env);
    assertThat(c.serviceName()).isEqualTo("from-otel");
    assertThat(c.resourceAttributes())
        .isEqualTo(Map.of("deployment.environment.name", "prod", "team", "payments core"));
    // the agent's own setting is the more specific one
    assertThat(
            resolve(null, Map.of(), with(env, "OPSPULSE_SERVICE_NAME", "from-opspulse"))
                .serviceName())
        .isEqualTo("from-opspulse");
    assertThat(resolve("service=from-arg", Map.of(), env).serviceName()).isEqualTo("from-arg");
    // system properties win over the variables, as in OpenTelemetry's autoconfiguration
    assertThat(resolve(null, Map.of("otel.service.name", "from-property"), env).serviceName())
        .isEqualTo("from-property");
    // a service.name among the attributes, when nothing else names the service
    assertThat(
            resolve(null, Map.of(), Map.of("OTEL_RESOURCE_ATTRIBUTES", "service.name=orders"))
                .serviceName())
        .isEqualTo("orders");
    // an invalid list is discarded whole, and the agent runs on
    AgentConfig bad =
        resolve(
            null,
            Map.of("sun.java.command", "com.example.Shop"),
            Map.of("OTEL_RESOURCE_ATTRIBUTES", "team=a,oops,service.name=x"));
    assertThat(bad.resourceAttributes()).isEmpty();
    assertThat(bad.serviceName()).isEqualTo("Shop");
  }

  @Test
  void histogramBucketsAreTheDefaultOrTheAdvisedOnes() {
    assertThat(resolve(null, Map.of(), Map.of()).histogramBuckets())
        .isEqualTo(AgentConfig.Buckets.DEFAULT);
    assertThat(resolve("histogram.buckets=semconv", Map.of(), Map.of()).histogramBuckets())
        .isEqualTo(AgentConfig.Buckets.SEMCONV);
    assertThatThrownBy(() -> resolve("histogram.buckets=fine", Map.of(), Map.of()))
        .hasMessageContaining("histogram.buckets=fine (agent argument): expected default");
  }

  private static Map<String, String> with(Map<String, String> map, String key, String value) {
    Map<String, String> out = new java.util.HashMap<>(map);
    out.put(key, value);
    return out;
  }

  @Test
  void theEndpointCanBeTurnedOff() {
    assertThat(resolve("port=off", Map.of(), Map.of()).prometheusPort()).isEqualTo(AgentConfig.OFF);
    assertThat(resolve(null, Map.of(), Map.of("OPSPULSE_PROMETHEUS_PORT", "off")).prometheusPort())
        .isEqualTo(AgentConfig.OFF);
  }

  @Test
  void instrumentationsArePickedOrLeftOut() {
    assertThat(resolve("instrument=servlet;jdbc", Map.of(), Map.of()).instrument())
        .containsExactlyInAnyOrder(Instrumentation.SERVLET, Instrumentation.JDBC);
    assertThat(resolve("instrument=-jdbc", Map.of(), Map.of()).instrument())
        .doesNotContain(Instrumentation.JDBC)
        .contains(Instrumentation.SERVLET, Instrumentation.EXECUTOR);
    assertThat(
            resolve(null, Map.of(), Map.of("OPSPULSE_INSTRUMENT", "http-client,executor"))
                .instrument())
        .containsExactlyInAnyOrder(Instrumentation.HTTP_CLIENT, Instrumentation.EXECUTOR);
    assertThat(resolve("instrument=off", Map.of(), Map.of()).instrument()).isEmpty();
  }

  @Test
  void badValuesNameTheKeyTheSourceAndWhatWasExpected() {
    assertThatThrownBy(() -> resolve("port=94640", Map.of(), Map.of()))
        .hasMessage(
            "opspulse agent: prometheus.port=94640 (agent argument): expected a port number 1-65535, or off");
    assertThatThrownBy(() -> resolve(null, Map.of(), Map.of("OPSPULSE_ROUTES_MAX", "many")))
        .hasMessageContaining("routes.max=many (environment variable OPSPULSE_ROUTES_MAX)");
    assertThatThrownBy(() -> resolve(null, Map.of("opspulse.instrument", "kafka"), Map.of()))
        .hasMessageContaining("instrument=kafka (system property -Dopspulse.instrument)")
        .hasMessageContaining("http-server");
    assertThatThrownBy(() -> resolve("prot=9464", Map.of(), Map.of()))
        .hasMessageContaining("unknown argument key 'prot'");
    assertThatThrownBy(() -> resolve("9464", Map.of(), Map.of()))
        .hasMessageContaining("is not key=value");
    assertThatThrownBy(() -> resolve("otlp.endpoint=collector:4318", Map.of(), Map.of()))
        .hasMessageContaining("http:// or https:// URL");
  }

  @Test
  void anOtlpBaseUrlGetsTheStandardMetricsPathAndAFullOneIsKept() {
    assertThat(resolve("otlp.endpoint=http://collector:4318", Map.of(), Map.of()).otlpEndpoint())
        .isEqualTo("http://collector:4318/v1/metrics");
    assertThat(
            resolve(null, Map.of("opspulse.otlp.endpoint", "HTTPS://otel.example.com/"), Map.of())
                .otlpEndpoint())
        .isEqualTo("https://otel.example.com/v1/metrics");
    assertThat(
            resolve(
                    null,
                    Map.of(),
                    Map.of("OPSPULSE_OTLP_ENDPOINT", "http://127.0.0.1:9000/otlp/v1/metrics"))
                .otlpEndpoint())
        .isEqualTo("http://127.0.0.1:9000/otlp/v1/metrics");
    assertThat(resolve("otlp.endpoint=http://[::1]:4318", Map.of(), Map.of()).otlpEndpoint())
        .isEqualTo("http://[::1]:4318/v1/metrics");
  }

  @Test
  void otlpIsOffByDefaultAndExportsEveryMinute() {
    AgentConfig c = resolve(null, Map.of(), Map.of());
    assertThat(c.otlpEndpoint()).isNull();
    assertThat(c.otlpInterval()).isEqualTo(60);
    assertThat(
            resolve(
                    "otlp.endpoint=off",
                    Map.of(),
                    Map.of("OPSPULSE_OTLP_ENDPOINT", "http://c:4318"))
                .otlpEndpoint())
        .isNull();
    assertThat(resolve(null, Map.of(), Map.of("OPSPULSE_OTLP_INTERVAL", "15")).otlpInterval())
        .isEqualTo(15);
  }

  @Test
  void aBadOtlpEndpointIsNamedWithWhatIsWrongWithIt() {
    assertThatThrownBy(() -> resolve("otlp.endpoint=collector:4318", Map.of(), Map.of()))
        .hasMessage(
            "opspulse agent: otlp.endpoint=collector:4318 (agent argument): expected an http:// or"
                + " https:// URL of an OTLP/HTTP receiver, like http://127.0.0.1:4318, or off"
                + " (the scheme must be http or https)");
    assertThatThrownBy(
            () ->
                resolve(null, Map.of(), Map.of("OPSPULSE_OTLP_ENDPOINT", "grpc://collector:4317")))
        .hasMessageContaining(
            "otlp.endpoint=grpc://collector:4317 (environment variable OPSPULSE_OTLP_ENDPOINT)")
        .hasMessageEndingWith("(the scheme must be http or https)");
    assertThatThrownBy(
            () ->
                resolve(
                    null, Map.of("opspulse.otlp.endpoint", "http://otel collector:4318"), Map.of()))
        .hasMessageContaining(
            "otlp.endpoint=http://otel collector:4318 (system property -Dopspulse.otlp.endpoint)")
        .hasMessageContaining("(not a URL: ");
    assertThatThrownBy(
            () -> resolve("otlp.endpoint=http://otel_collector:4318", Map.of(), Map.of()))
        .hasMessageEndingWith("(no host name (letters, digits, '-' and '.'; no '_'))");
    assertThatThrownBy(() -> resolve("otlp.endpoint=http://collector:70000", Map.of(), Map.of()))
        .hasMessageEndingWith("(port 70000 is not 1-65535)");
    assertThatThrownBy(
            () -> resolve("otlp.endpoint=http://user:secret@collector:4318", Map.of(), Map.of()))
        .hasMessageEndingWith("(no user:password@ or #fragment)");
    assertThatThrownBy(() -> resolve("otlp.interval=0", Map.of(), Map.of()))
        .hasMessage(
            "opspulse agent: otlp.interval=0 (agent argument): expected a positive whole number");
  }

  @Test
  void theServiceIsNamedAfterTheJarOrMainClass() {
    assertThat(
            ConfigResolver.defaultServiceName(
                "/srv/app/orders-1.2.jar --spring.profiles.active=prod"))
        .isEqualTo("orders-1.2");
    assertThat(ConfigResolver.defaultServiceName("io.shop.Main")).isEqualTo("Main");
    assertThat(ConfigResolver.defaultServiceName("")).isEqualTo("unknown_service:java");
  }

  @Test
  void theProfilerIsOffByDefaultAndItsEndpointServesLoopbackOnly() {
    AgentConfig.Profiler p = resolve(null, Map.of(), Map.of()).profiler();
    assertThat(p.on()).isFalse();
    assertThat(p.events()).containsExactly(io.opspulse.profiler.ProfileEvent.CPU);
    assertThat(p.period()).isEqualTo(java.time.Duration.ofMillis(20));
    assertThat(p.host()).isEqualTo("127.0.0.1");
    assertThat(p.port()).isEqualTo(AgentConfig.OFF);
  }

  @Test
  void theProfilerIsSetFromEverySource() {
    AgentConfig.Profiler p =
        resolve(
                "profiler=on,profiler.events=cpu;lock,profiler.period=10ms,profiler.port=9500",
                Map.of(),
                Map.of())
            .profiler();
    assertThat(p.on()).isTrue();
    assertThat(p.events())
        .containsExactlyInAnyOrder(
            io.opspulse.profiler.ProfileEvent.CPU, io.opspulse.profiler.ProfileEvent.LOCK);
    assertThat(p.period()).isEqualTo(java.time.Duration.ofMillis(10));
    assertThat(p.port()).isEqualTo(9500);
    AgentConfig.Profiler fromEnv =
        resolve(
                null,
                Map.of("opspulse.profiler", "on"),
                Map.of("OPSPULSE_PROFILER_EVENTS", "alloc,cpu", "OPSPULSE_PROFILER_PERIOD", "1s"))
            .profiler();
    assertThat(fromEnv.on()).isTrue();
    assertThat(fromEnv.events()).hasSize(2);
    assertThat(fromEnv.period()).isEqualTo(java.time.Duration.ofSeconds(1));
  }

  @Test
  void badProfilerSettingsAreNamed() {
    assertThatThrownBy(() -> resolve("profiler=maybe", Map.of(), Map.of()))
        .hasMessage("opspulse agent: profiler=maybe (agent argument): expected on or off");
    assertThatThrownBy(() -> resolve("profiler.events=cpu;wall", Map.of(), Map.of()))
        .hasMessageContaining(
            "profiler.events=cpu;wall (agent argument): expected cpu, alloc or lock");
    assertThatThrownBy(() -> resolve(null, Map.of(), Map.of("OPSPULSE_PROFILER_PERIOD", "0ms")))
        .hasMessageContaining(
            "profiler.period=0ms (environment variable OPSPULSE_PROFILER_PERIOD): expected a period");
    assertThatThrownBy(() -> resolve("profiler.period=20", Map.of(), Map.of()))
        .hasMessageContaining("expected a period from 1ms to 10s");
    assertThatThrownBy(() -> resolve("profiler.port=70000", Map.of(), Map.of()))
        .hasMessageContaining("profiler.port=70000 (agent argument): expected a port number");
  }

  @Test
  void withoutAWebConfigFileTheEndpointIsOpenTelemetrysOwn() {
    assertThat(resolve(null, Map.of(), Map.of()).webConfigFile()).isNull();
    assertThat(resolve("web.config.file=off", Map.of(), Map.of()).webConfigFile()).isNull();
    assertThat(resolve(null, Map.of(), Map.of("OPSPULSE_WEB_CONFIG_FILE", " ")).webConfigFile())
        .isNull();
  }

  @Test
  void theWebConfigFileComesFromTheArgumentThenThePropertyThenTheEnvironment() {
    Map<String, String> env = Map.of("OPSPULSE_WEB_CONFIG_FILE", "/etc/env/web.yml");
    Map<String, String> props = Map.of("opspulse.web.config.file", "/etc/props/web.yml");
    assertThat(resolve(null, Map.of(), env).webConfigFile()).isEqualTo(Path.of("/etc/env/web.yml"));
    assertThat(resolve(null, props, env).webConfigFile()).isEqualTo(Path.of("/etc/props/web.yml"));
    assertThat(resolve("web.config.file=/etc/arg/web.yml", props, env).webConfigFile())
        .isEqualTo(Path.of("/etc/arg/web.yml"));
    assertThat(resolve("web.config.file= relative/web.yml ", Map.of(), Map.of()).webConfigFile())
        .as("trimmed; relative to the working directory, as the exporter's flag")
        .isEqualTo(Path.of("relative/web.yml"));
  }

  @Test
  void theWebConfigFileIsNotReadWhileResolving() {
    // The file is read when the endpoint starts: a bad file costs the endpoint only, never the
    // agent.
    assertThat(resolve("web.config.file=/no/such/web.yml", Map.of(), Map.of()).webConfigFile())
        .isEqualTo(Path.of("/no/such/web.yml"));
  }

  @Test
  void anImpossibleWebConfigFileNameIsNamed() {
    assertThatThrownBy(
            () -> resolve(null, Map.of("opspulse.web.config.file", "web\0.yml"), Map.of()))
        .hasMessageStartingWith("opspulse agent: web.config.file=web")
        .hasMessageContaining(
            "(system property -Dopspulse.web.config.file): expected a web-config file name");
  }
}
