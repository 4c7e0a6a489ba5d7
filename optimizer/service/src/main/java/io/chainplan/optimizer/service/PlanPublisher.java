package io.chainplan.optimizer.service;

import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.serde.AvroSerializer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The optimizer's transactional writes (see {@link OptimizerService}, "Exactly once"): one Kafka
 * transaction holds the pending dead letters, the plan (if any) on its model's plans partition,
 * and the consumed demand offsets with the consumer's group metadata (KIP-447: a member with a
 * stale generation cannot commit, which fences a zombie that lost its partitions). The
 * {@link CrashHook} is visited at each point of the cycle where a crash leaves a different state
 * on the broker.
 * <p>Used by the session's thread only.
 */
final class PlanPublisher {
    /**
     * A plan to publish.
     *
     * @param plan      the Avro plan
     * @param partition its plans partition (its key's, as the default partitioner would choose)
     */
    record Outgoing(ChainPlan plan, int partition) {
        /** Validates the plan. */
        Outgoing {
            Objects.requireNonNull(plan, "plan");
        }
    }

    private final Producer<byte[], byte[]> producer;
    private final String plansTopic;
    private final AvroSerializer<ChainPlan> serializer;
    private final CrashHook crash;

    /**
     * @param producer   a transactional producer, used by this publisher only
     * @param plansTopic the plans topic
     * @param serializer writes plans in the registry's wire format
     * @param crash      crash points (tests)
     */
    PlanPublisher(Producer<byte[], byte[]> producer, String plansTopic, AvroSerializer<ChainPlan> serializer,
                  CrashHook crash) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.plansTopic = Objects.requireNonNull(plansTopic, "plansTopic");
        this.serializer = Objects.requireNonNull(serializer, "serializer");
        this.crash = Objects.requireNonNull(crash, "crash");
    }

    /** Registers the transactional id, fencing a previous producer with it and aborting its open transaction. */
    void initTransactions() {
        producer.initTransactions();
    }

    /**
     * Commits one transaction; on return it is committed.
     *
     * @param deadLetters dead letters to write
     * @param plan        the plan to publish, if any
     * @param offsets     demand offsets to commit (with a plan: always including its model's partition)
     * @param group       the demand consumer's group metadata
     */
    void commit(List<ProducerRecord<byte[], byte[]>> deadLetters, Optional<Outgoing> plan,
                Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        if (plan.isPresent()) {
            crash.at(CrashHook.Stage.SOLVED);
        }
        producer.beginTransaction();
        deadLetters.forEach(producer::send);
        plan.ifPresent(p -> producer.send(new ProducerRecord<>(plansTopic, p.partition(),
                p.plan().getModelId().getBytes(StandardCharsets.UTF_8), serializer.serialize(plansTopic, p.plan()))));
        // The commit waits for these records anyway; flushing first makes the transaction open on
        // the broker from here on, which is what a crash at SENT means.
        producer.flush();
        crash.at(CrashHook.Stage.SENT);
        if (!offsets.isEmpty()) {
            producer.sendOffsetsToTransaction(offsets, group);
        }
        crash.at(CrashHook.Stage.BEFORE_COMMIT);
        producer.commitTransaction();
        crash.at(CrashHook.Stage.COMMITTED);
    }
}
