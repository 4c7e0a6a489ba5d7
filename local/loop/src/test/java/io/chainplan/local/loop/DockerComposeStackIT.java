package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.registry.RestSchemaRegistryClient;
import io.chainplan.schemas.serde.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker-compose.yml} with {@code docker-compose.local.yml}, for real: the compose stack
 * (Kafka, the schema registry, the topics step, telemetry-ingest and the optimizer, each in its
 * container on the images of {@code ops/docker/build-local-images.sh}) is brought up as its own
 * project; this JVM publishes the model spec and two minutes of fleet telemetry and arrivals
 * through the published ports and reads an OK plan from the plans topic; Debian's Prometheus on the
 * host scrapes both services with {@code ops/prometheus} and evaluates every alert rule; then the
 * project is torn down with its volumes. Every port is published on the host's loopback only.
 * Skipped with one line where no engine answers or an image, compose or Prometheus is missing.
 */
@RequiresDocker(images = {DockerEngine.KAFKA_IMAGE, DockerEngine.REGISTRY_IMAGE, DockerEngine.CHAINPLAN_IMAGE},
        compose = true, hostCommands = {"prometheus", "promtool"})
class DockerComposeStackIT {
    private static final long SEED = 13L;
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(8);
    private static final Duration PLAN_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration PROMETHEUS_TIMEOUT = Duration.ofMinutes(2);
    private static final Path REPO = ComposeProject.repoDirAbove(Path.of(""));

    @TempDir
    Path dir;

    @Test
    void shouldPublishAnOkPlanFromFleetEventsAndLoadEveryAlertRule() throws Exception {
        int kafkaPort = freePort();
        int registryPort = freePort();
        int ingestMetricsPort = freePort();
        int optimizerMetricsPort = freePort();
        Map<String, String> ports = Map.of("KAFKA_HOST_PORT", Integer.toString(kafkaPort),
                "REGISTRY_HOST_PORT", Integer.toString(registryPort),
                "INGEST_METRICS_HOST_PORT", Integer.toString(ingestMetricsPort),
                "OPTIMIZER_METRICS_HOST_PORT", Integer.toString(optimizerMetricsPort));
        try (ComposeProject stack = new ComposeProject(DockerEngine.compose().orElseThrow(), REPO, "chainplan-it-" + ProcessHandle.current().pid(), ports)) {
            try {
                stack.up(UP_TIMEOUT);
                ClientConfig client = ClientConfig.of(Map.of("bootstrap.servers", "localhost:" + kafkaPort,
                        "schema.registry.url", "http://localhost:" + registryPort));
                Topics topics = client.topics();
                RestSchemaRegistryClient registry = RestSchemaRegistryClient.create(client.schemaRegistryUrl());
                try (KafkaEventSink sink = new KafkaEventSink(client.kafkaProperties(), registry, topics)) {
                    PipelineProbe.replayTwoMinutesOfFleet(sink, SEED);
                }
                ChainPlan plan = PipelineProbe.awaitOkPlan(client, registry, topics, PLAN_TIMEOUT,
                        p -> p.getInputs().getServers().size() == 9);
                assertThat(plan.getModelId()).isEqualTo(SimModel.LLAMA_2_7B.id());
                assertThat(plan.getChains()).isNotEmpty();
                assertThat(plan.getInputs().getServers()).hasSize(9);

                assertEveryAlertRuleLoadsWhileScraping(Map.of("ingest:9464", "127.0.0.1:" + ingestMetricsPort,
                        "optimizer:9465", "127.0.0.1:" + optimizerMetricsPort));
            } catch (Throwable t) {
                System.out.println("compose logs of " + stack.name() + ":\n" + stack.logs());
                throw t;
            }
        }
    }

    private void assertEveryAlertRuleLoadsWhileScraping(Map<String, String> targets) throws IOException {
        Path prometheusDir = REPO.resolve("ops/prometheus");
        Path alerts = prometheusDir.resolve("alerts.yml");
        DockerEngine.Result check = DockerEngine.run(PROMETHEUS_TIMEOUT, Map.of(), REPO,
                List.of("promtool", "check", "rules", alerts.toString()));
        assertThat(check.ok()).as("promtool check rules:\n%s", check.output()).isTrue();
        List<String> names = HostPrometheus.alertNames(alerts);
        assertThat(names).isNotEmpty().doesNotHaveDuplicates();
        try (HostPrometheus prometheus = HostPrometheus.start(prometheusDir, targets, dir, freePort())) {
            assertThat(prometheus.awaitTargetsUp(PROMETHEUS_TIMEOUT)).hasSize(targets.size());
            Map<String, String> health = prometheus.awaitAlertRulesEvaluated(PROMETHEUS_TIMEOUT);
            assertThat(health.keySet()).containsExactlyInAnyOrderElementsOf(names);
            assertThat(health).as("alert rule health").allSatisfy((name, h) -> assertThat(h).as(name).isEqualTo("ok"));
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
