package io.chainplan.local.faults;

import io.chainplan.schemas.avro.PlanStatus;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What every fault of one run shares: the cluster's settings, a reliable producer, the {@link OutputWatch},
 * the owned stack (when the suite started it), the launcher of child processes, and the control model whose
 * traffic runs through every fault (the model the faults do not target: its plan gap and counts are every
 * row's "unaffected" figures).
 *
 * @param settings   how to run
 * @param client     the cluster (Kafka client properties, registry, topic prefix)
 * @param registry   the registry client
 * @param serdes     serializers on it
 * @param producer   the suite's producer (acks=all, idempotent, retrying through outages)
 * @param watch      what the services write
 * @param owned      the stack, if the suite owns it
 * @param launcher   starts {@code chainplan} child processes
 * @param runId      unique per run: names the models and groups
 * @param workDir    logs and configs
 * @param stepMillis demand step the traffic aligns to
 * @param random     seeded randomness
 * @param control    the control model, null until {@link #withControl}
 */
record Suite(FaultSettings settings, ClientConfig client, SchemaRegistry registry, Serdes serdes,
             Producer<byte[], byte[]> producer, OutputWatch watch, Optional<OwnedStack> owned, ChainplanLauncher launcher,
             String runId, Path workDir, long stepMillis, Random random, SubjectModel control) {

    /** @return topic names */
    Topics topics() {
        return client.topics();
    }

    /** @return the Kafka client properties of the cluster */
    Map<String, Object> kafka() {
        return client.kafkaProperties();
    }

    /**
     * @param kafka Kafka client properties (the cluster's, or other credentials)
     * @return a producer that survives outages: acks=all, idempotent, retrying for up to ten minutes
     */
    static KafkaProducer<byte[], byte[]> producer(Map<String, Object> kafka) {
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofMinutes(10).toMillis());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Duration.ofMinutes(10).toMillis());
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * @param name the model's part of the id, e.g. {@code poison}
     * @return {@code faults-<run>-<name>}
     */
    String model(String name) {
        return "faults-" + runId + "-" + name;
    }

    /**
     * @param model the control model, started
     * @return this suite with it
     */
    Suite withControl(SubjectModel model) {
        return new Suite(settings, client, registry, serdes, producer, watch, owned, launcher, runId, workDir, stepMillis,
                random, model);
    }

    /**
     * @param from wall-clock ms
     * @param to   wall-clock ms
     * @return how long within {@code [from, to)} the control model had no {@code OK} plan
     */
    Duration controlPlanGap(long from, long to) {
        List<Accounting.PlanSeen> seen = control.plans().stream()
                .map(p -> new Accounting.PlanSeen(p.receivedMillis(), p.value().getStatus() == PlanStatus.OK)).toList();
        return Accounting.planGap(seen, from, to);
    }
}
