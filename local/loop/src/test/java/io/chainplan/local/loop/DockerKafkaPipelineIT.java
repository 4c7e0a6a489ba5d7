package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.chainplan.ingest.app.IngestApp;
import io.chainplan.ingest.app.IngestConfig;
import io.chainplan.local.LocalStack;
import io.chainplan.local.registry.EmbeddedSchemaRegistry;
import io.chainplan.optimizer.service.OptimizerService;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.registry.RestSchemaRegistryClient;
import io.chainplan.schemas.serde.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The ingest -> optimizer -> plan path against Kafka in a container started by Testcontainers'
 * {@link KafkaContainer}, as for the official {@code apache/kafka} image: the image is
 * {@code chainplan/kafka:local} ({@code ops/docker/build-local-images.sh}, Kafka's own KRaft server
 * with that image's contract), which stands in for it where images cannot be pulled. The embedded
 * schema registry stores its schemas on that Kafka, telemetry-ingest ({@link IngestApp}) and the
 * optimizer service run in this JVM with the wall clock, and the simulated fleet replays two
 * minutes of telemetry and arrivals.
 * <p>Testcontainers' Ryuk reaper image cannot be pulled either, so it is off
 * ({@code TESTCONTAINERS_RYUK_DISABLED} in local/loop's pom) and the test stops its container
 * itself; its Kafka port is published on the host's loopback only. Skipped with one line where no
 * engine answers or the image is missing.
 */
@RequiresDocker(images = DockerEngine.KAFKA_IMAGE)
class DockerKafkaPipelineIT {
    private static final long SEED = 11L;
    private static final DockerImageName KAFKA_IMAGE = DockerImageName.parse(DockerEngine.KAFKA_IMAGE)
            .asCompatibleSubstituteFor("apache/kafka");

    @TempDir
    Path dir;

    @Test
    void shouldTurnFleetEventsIntoAnOkPlanThroughIngestAndTheOptimizer() throws Exception {
        try (KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE).withStartupTimeout(Duration.ofMinutes(3))
                .withCreateContainerCmdModifier(c -> c.getHostConfig().withPortBindings(
                        new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(9092))))) {
            kafka.start();
            String bootstrap = kafka.getBootstrapServers();
            Topics topics = Topics.defaults();
            LocalStack.createTopics(bootstrap, topics);
            try (EmbeddedSchemaRegistry registryServer = EmbeddedSchemaRegistry.start(bootstrap, 0)) {
                RestSchemaRegistryClient registry = RestSchemaRegistryClient.create(registryServer.url());
                ClientConfig client = ClientConfig.of(Map.of("bootstrap.servers", bootstrap,
                        "schema.registry.url", registryServer.url()));
                IngestConfig ingestConfig = IngestConfig.of(client.with(IngestConfig.METRICS_PORT_CONFIG, "-1")
                        .with("state.dir", dir.resolve("streams").toString()));
                try (IngestApp ingest = IngestApp.start(ingestConfig, registry);
                        OptimizerService optimizer = OptimizerService.create(client, registry, new SimpleMeterRegistry());
                        KafkaEventSink sink = new KafkaEventSink(client.kafkaProperties(), registry, topics)) {
                    assertThat(ingest.awaitRunning(Duration.ofSeconds(60))).isTrue();
                    optimizer.start();
                    PipelineProbe.replayTwoMinutesOfFleet(sink, SEED);
                    // the two minutes arrive at once, so ingest may estimate demand before the last servers: the
                    // first plan may cover the servers estimated so far, and SERVERS_CHANGED adds the rest
                    ChainPlan plan = PipelineProbe.awaitOkPlan(client, registry, topics, Duration.ofMinutes(3),
                            p -> p.getInputs().getServers().size() == 9);
                    assertThat(plan.getModelId()).isEqualTo(SimModel.LLAMA_2_7B.id());
                    assertThat(plan.getChains()).isNotEmpty();
                    assertThat(plan.getBounds()).isNotNull();
                    assertThat(plan.getInputs().getServers()).hasSize(9);
                }
            }
        }
    }
}
