package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chainplan.ingest.app.IngestApp;
import io.chainplan.ingest.app.IngestConfig;
import io.chainplan.optimizer.service.OptimizerService;
import io.chainplan.router.dispatch.Dispatcher;
import io.chainplan.router.policy.JffcDispatchPolicy;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.PlanStatus;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.local.LocalStack;
import io.chainplan.local.registry.EmbeddedSchemaRegistry;
import io.chainplan.schemas.registry.RestSchemaRegistryClient;
import io.chainplan.schemas.serde.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The ingest -> optimizer -> plan path against a real Kafka in a container (the official
 * {@code apache/kafka} image, KRaft), as docker-compose runs it: the embedded schema registry stores
 * its schemas on that Kafka, telemetry-ingest ({@link IngestApp}) and the optimizer service run with
 * the wall clock, and the simulated fleet replays two minutes of telemetry and arrivals. Skipped
 * where no Docker engine is available.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerKafkaPipelineIT {
    private static final long SEED = 11L;

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

    @TempDir
    Path dir;

    @Test
    void shouldTurnFleetEventsIntoAnOkPlanThroughIngestAndTheOptimizer() throws Exception {
        String bootstrap = KAFKA.getBootstrapServers();
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
                replayTwoMinutesOfFleet(sink);
                ChainPlan plan = awaitOkPlan(client, registry, topics, Duration.ofSeconds(90));
                assertThat(plan.getModelId()).isEqualTo(SimModel.LLAMA_2_7B.id());
                assertThat(plan.getChains()).isNotEmpty();
                assertThat(plan.getBounds()).isNotNull();
                assertThat(plan.getInputs().getServers()).hasSize(9);
            }
        }
    }

    /** Two minutes of the default fleet's telemetry and Poisson arrivals, ending now, sent at once. */
    private static void replayTwoMinutesOfFleet(KafkaEventSink sink) {
        SimFleet fleet = SimFleet.paperMig();
        VirtualClock clock = new VirtualClock(System.currentTimeMillis() - 120_000, 1, System::nanoTime);
        sink.model(ModelSpec.newBuilder().setId(fleet.model().id()).setBlocks(fleet.model().blocks())
                .setBlockBytes(fleet.model().blockBytes()).setCacheBytesPerBlockPerJob(fleet.model().cacheBytesPerBlockPerJob())
                .setUpdatedAtMillis(Instant.ofEpochMilli(clock.originMillis())).build());
        PoissonLoad load = new PoissonLoad(3.0, Double.POSITIVE_INFINITY, 1, 120, fleet.model(), new SplittableRandom(SEED));
        Dispatcher router = Dispatcher.builder(fleet.model().id(), new JffcDispatchPolicy()).build();
        FleetSimulation sim = new FleetSimulation(fleet, load, FleetRouter.embedded(router), sink, new RunRecorder(),
                new SplittableRandom(SEED),
                clock, FleetSimulation.Settings.DEFAULTS);
        sim.advanceTo(120);
        sink.flush();
    }

    private static ChainPlan awaitOkPlan(ClientConfig client, RestSchemaRegistryClient registry, Topics topics,
            Duration timeout) {
        Map<String, Object> p = new java.util.HashMap<>(client.kafkaProperties());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, ChainPlan> c = new KafkaConsumer<>(p, Topics.keySerde().deserializer(),
                Topics.valueSerde(ChainPlan.class, registry).deserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topics.plans()).forEach(pi -> parts.add(new TopicPartition(pi.topic(), pi.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            List<ChainPlan> ok = new ArrayList<>();
            await("an OK plan on " + topics.plans()).atMost(timeout).pollInSameThread().pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        for (ConsumerRecord<String, ChainPlan> r : c.poll(Duration.ofMillis(500))) {
                            if (r.value().getStatus() == PlanStatus.OK) {
                                ok.add(r.value());
                            }
                        }
                        return !ok.isEmpty();
                    });
            return ok.get(ok.size() - 1);
        }
    }
}
