package io.chainplan.optimizer.service;

import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.AvroDeserializer;
import io.chainplan.schemas.serde.TopicReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka clients of one optimizer session, made from the client properties (bootstrap servers,
 * security: passed to every client untouched) and the optimizer's settings, and their teardown:
 * <ul>
 *   <li>the transactional producer ({@code transactional.id = <group.id>-<instance.id>}, acks=all);</li>
 *   <li>the demand consumer, in the group with static membership ({@code group.instance.id});</li>
 *   <li>the consumer of the broadcast topics (models, server estimates; no group);</li>
 *   <li>the admin client (open transactions) and the plans reader of epoch recovery.</li>
 * </ul>
 * Every consumer reads {@code read_committed} with auto-commit off.
 */
final class OptimizerClients implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OptimizerClients.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    final KafkaProducer<byte[], byte[]> producer;
    final KafkaConsumer<byte[], byte[]> demand;
    final KafkaConsumer<byte[], byte[]> broadcast;
    final Admin admin;
    final TopicReader<PublishedPlan> plans;

    /**
     * @param kafka      Kafka client properties
     * @param config     the optimizer's settings
     * @param plansTopic the plans topic
     * @param registry   the schema registry plans are decoded with
     */
    OptimizerClients(Map<String, Object> kafka, OptimizerConfig config, String plansTopic, SchemaRegistry registry) {
        Map<String, Object> client = Map.copyOf(kafka);
        this.admin = Admin.create(client);
        this.producer = new KafkaProducer<>(producerProps(client, config), new ByteArraySerializer(),
                new ByteArraySerializer());
        this.demand = new KafkaConsumer<>(groupProps(client, config), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.broadcast = new KafkaConsumer<>(plainProps(client), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        AvroDeserializer<ChainPlan> planDe = new AvroDeserializer<>(ChainPlan.class, registry);
        this.plans = TopicReader.open(recoveryProps(client, config), plansTopic,
                (topic, bytes) -> AvroMappers.published(planDe.deserialize(topic, bytes)));
    }

    static Map<String, Object> producerProps(Map<String, Object> kafka, OptimizerConfig config) {
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) config.transactionTimeout().toMillis());
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, config.transactionalId());
        return p;
    }

    static Map<String, Object> groupProps(Map<String, Object> kafka, OptimizerConfig config) {
        Map<String, Object> p = plainProps(kafka);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.instanceId());
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, config.transactionalId() + "-demand");
        return p;
    }

    static Map<String, Object> plainProps(Map<String, Object> kafka) {
        Map<String, Object> p = TopicReader.properties(kafka);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }

    private static Map<String, Object> recoveryProps(Map<String, Object> kafka, OptimizerConfig config) {
        Map<String, Object> p = plainProps(kafka);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, PlanRecovery.MAX_CHUNK);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024 * 1024);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.transactionalId() + "-recovery");
        return p;
    }

    /** Closes every client at once, as if the process died: no abort, no commit, no leave-group. */
    void abandon() {
        producer.close(Duration.ZERO);
        demand.close(CloseOptions.timeout(Duration.ZERO)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
        broadcast.close(CloseOptions.timeout(Duration.ZERO));
        plans.close(Duration.ZERO);
        admin.close(Duration.ZERO);
    }

    /** Leaves the group and closes every client. */
    @Override
    public void close() {
        try {
            demand.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(CLOSE_TIMEOUT));
        } catch (RuntimeException e) {
            LOG.warn("closing the demand consumer: {}", e.toString());
        }
        producer.close(CLOSE_TIMEOUT);
        broadcast.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        plans.close(CLOSE_TIMEOUT);
        admin.close(CLOSE_TIMEOUT);
    }
}
