package io.chainplan.local.registry;

import io.chainplan.schemas.registry.RegistryState;
import io.chainplan.schemas.registry.SchemaRegistryException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the registry in a compacted, single-partition Kafka topic (default {@code _schemas}) in the
 * record layout of Confluent's server ({@link SchemasTopicRecords}): versions, soft deletes (a
 * version re-written as deleted, or a subject's delete marker), permanent deletes (tombstones),
 * compatibility levels and modes. Writes are acknowledged by all in-sync replicas before the
 * registry answers; replay applies the records in offset order, so compaction (which keeps the
 * latest record of each key) leaves the same state.
 */
final class KafkaSchemaStore implements SchemaStore {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaStore.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final Map<String, Object> clientProps;
    private final KafkaProducer<String, String> producer;

    KafkaSchemaStore(Map<String, Object> clientProps, String topic) {
        this.topic = topic;
        this.clientProps = Map.copyOf(clientProps);
        ensureTopic();
        Map<String, Object> p = new java.util.HashMap<>(clientProps);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "chainplan-schema-registry");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private void ensureTopic() {
        Map<String, Object> p = new java.util.HashMap<>(clientProps);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        try (Admin admin = Admin.create(p)) {
            NewTopic t = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact"));
            admin.createTopics(List.of(t)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw storeError("cannot create topic " + topic, e.getCause());
            }
        } catch (TimeoutException e) {
            throw storeError("cannot create topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw storeError("interrupted creating topic " + topic, e);
        }
    }

    @Override
    public void replay(RegistryState state) {
        Map<String, Object> p = new java.util.HashMap<>(clientProps);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "chainplan-schema-registry-reader");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        TopicPartition tp = new TopicPartition(topic, 0);
        int count = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(tp, TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw storeError("timed out reading " + topic, null);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    count += apply(state, r) ? 1 : 0;
                }
            }
        }
        LOG.info("schema registry restored {} records from {}", count, topic);
    }

    private boolean apply(RegistryState state, ConsumerRecord<String, String> r) {
        if (r.key() == null) {
            return false;
        }
        try {
            Optional<RegistryState.Change> change = SchemasTopicRecords.decode(r.key(), r.value());
            change.ifPresent(state::apply);
            return change.isPresent();
        } catch (RuntimeException e) {
            LOG.warn("skipping unreadable record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
            return false;
        }
    }

    @Override
    public void append(RegistryState.Change change) {
        SchemasTopicRecords.Encoded record = SchemasTopicRecords.encode(change);
        try {
            producer.send(new ProducerRecord<>(topic, 0, record.key(), record.value()))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw storeError("cannot write to " + topic, e.getCause());
        } catch (TimeoutException e) {
            throw storeError("timed out writing to " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw storeError("interrupted writing to " + topic, e);
        }
    }

    private static SchemaRegistryException storeError(String message, Throwable cause) {
        String detail = cause == null ? "" : ": " + cause.getMessage();
        return new SchemaRegistryException(SchemaRegistryException.STORE_ERROR, message + detail, cause);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
