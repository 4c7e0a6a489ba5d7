package io.chainplan.local.loop;

import static org.awaitility.Awaitility.await;

import io.chainplan.router.dispatch.Dispatcher;
import io.chainplan.router.policy.JffcDispatchPolicy;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.PlanStatus;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * What the Docker ITs send through a running ingest and optimizer, and what they wait for: two
 * minutes of the default fleet's model spec, telemetry and Poisson arrivals (ending now, on the wall
 * clock the services run on), then an OK plan on the plans topic.
 */
final class PipelineProbe {
    private PipelineProbe() {
    }

    /**
     * Sends two minutes of the paper's MIG fleet (model spec, telemetry, 3 req/s), ending now, at once.
     *
     * @param sink where the events go
     * @param seed seed of the arrivals and the fleet's noise
     */
    static void replayTwoMinutesOfFleet(KafkaEventSink sink, long seed) {
        SimFleet fleet = SimFleet.paperMig();
        VirtualClock clock = new VirtualClock(System.currentTimeMillis() - 120_000, 1, System::nanoTime);
        sink.model(ModelSpec.newBuilder().setId(fleet.model().id()).setBlocks(fleet.model().blocks())
                .setBlockBytes(fleet.model().blockBytes()).setCacheBytesPerBlockPerJob(fleet.model().cacheBytesPerBlockPerJob())
                .setUpdatedAtMillis(Instant.ofEpochMilli(clock.originMillis())).build());
        PoissonLoad load = new PoissonLoad(3.0, Double.POSITIVE_INFINITY, 1, 120, fleet.model(), new SplittableRandom(seed));
        Dispatcher router = Dispatcher.builder(fleet.model().id(), new JffcDispatchPolicy()).build();
        FleetSimulation sim = new FleetSimulation(fleet, load, FleetRouter.embedded(router), sink, new RunRecorder(),
                new SplittableRandom(seed),
                clock, FleetSimulation.Settings.DEFAULTS);
        sim.advanceTo(120);
        sink.flush();
    }

    /**
     * Reads the plans topic from the beginning (committed records only) until an OK plan arrives.
     *
     * @param client   Kafka client settings
     * @param registry the registry the plans were written with
     * @param topics   topic names
     * @param timeout  how long to wait
     * @return the last OK plan read
     */
    static ChainPlan awaitOkPlan(ClientConfig client, SchemaRegistry registry, Topics topics, Duration timeout) {
        return awaitOkPlan(client, registry, topics, timeout, p -> true);
    }

    /**
     * @param wanted what the OK plan must satisfy, e.g. that it saw the whole fleet (the first plan may cover
     *               the servers the optimizer had read when the first demand estimate came, and
     *               SERVERS_CHANGED add the rest)
     * @return the newest OK plan read that satisfies it
     */
    static ChainPlan awaitOkPlan(ClientConfig client, SchemaRegistry registry, Topics topics, Duration timeout,
            java.util.function.Predicate<ChainPlan> wanted) {
        Map<String, Object> p = new HashMap<>(client.kafkaProperties());
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
                            if (r.value().getStatus() == PlanStatus.OK && wanted.test(r.value())) {
                                ok.add(r.value());
                            }
                        }
                        return !ok.isEmpty();
                    });
            return ok.get(ok.size() - 1);
        }
    }
}
