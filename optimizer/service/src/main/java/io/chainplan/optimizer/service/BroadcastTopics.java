package io.chainplan.optimizer.service;

import io.chainplan.schemas.serde.RegistryUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics every instance reads in full, like a global table: model specs and server estimates
 * (server estimates are keyed by server, not model, so they cannot be split by model). At start
 * they are restored from their beginning to their end as of the start (they are compacted: the
 * latest record per key), then followed live.
 * <p>A record the schema registry cannot serve now is never skipped ({@link RecordBatches}): the
 * restore keeps reading it again (each attempt waits out the deserializer's backoff) until it
 * decodes or the session stops, so no model spec or server estimate is missing once the session
 * is live; while following, the exception propagates to the session after the rewind.
 * <p>When demand arrives the session first {@linkplain #catchUp catches up}: a plan made from a
 * demand estimate sees every model spec and server estimate committed before it was read. Without
 * that, a poll that does not wait could miss server estimates already in the log (their fetch still in
 * flight), and a model's first plan covered part of its fleet until SERVERS_CHANGED.
 * <p>Used by the session's thread only.
 */
final class BroadcastTopics {
    private static final Logger LOG = LoggerFactory.getLogger(BroadcastTopics.class);
    private static final Duration RESTORE_POLL = Duration.ofMillis(100);
    private static final Duration CATCH_UP_POLL = Duration.ofMillis(20);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<String> topics;

    /**
     * @param consumer a read_committed consumer without group, used by this object only
     * @param topics   the models and server-estimates topics
     */
    BroadcastTopics(KafkaConsumer<byte[], byte[]> consumer, List<String> topics) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.topics = List.copyOf(topics);
    }

    /**
     * Assigns every partition of the topics and reads them from the beginning to their end now.
     *
     * @param running     checked between polls
     * @param handler     receives each record
     * @param unavailable told each time a record could not be read for want of the registry (a
     *                    transient failure; the record is read again)
     * @throws RegistryUnavailableException if the registry refuses in a way retrying cannot cure
     */
    void restore(BooleanSupplier running, Consumer<ConsumerRecord<byte[], byte[]>> handler,
                 Consumer<RegistryUnavailableException> unavailable) {
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : topics) {
            consumer.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        Map<TopicPartition, Long> end = consumer.endOffsets(parts);
        int n = 0;
        while (running.getAsBoolean() && !reached(end)) {
            ConsumerRecords<byte[], byte[]> batch = consumer.poll(RESTORE_POLL);
            try {
                RecordBatches.handle(consumer, batch, handler);
                n += batch.count();
            } catch (RegistryUnavailableException e) {
                if (!e.retriable()) {
                    throw e;
                }
                unavailable.accept(e);
            }
        }
        LOG.info("restored {} records of {}", n, topics);
    }

    /**
     * Handles what has arrived since, without waiting.
     *
     * @param handler receives each record
     * @throws RegistryUnavailableException if a record needs a schema the registry cannot give now
     *                                      (the consumer is rewound to it)
     */
    void poll(Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        RecordBatches.handle(consumer, consumer.poll(Duration.ZERO), handler);
    }

    /**
     * Reads up to the topics' end as of now, so that what was committed before is handled. If the end
     * cannot be learnt within {@code timeout} (the broker is away), handles what has arrived instead.
     *
     * @param running checked between polls
     * @param timeout longest wait for the end offsets
     * @param handler receives each record
     * @throws RegistryUnavailableException as {@link #poll}
     */
    void catchUp(BooleanSupplier running, Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        Map<TopicPartition, Long> end;
        try {
            end = consumer.endOffsets(consumer.assignment(), timeout);
        } catch (TimeoutException e) {
            LOG.warn("could not learn the end of {} within {} ms; planning with what has arrived", topics,
                    timeout.toMillis());
            poll(handler);
            return;
        }
        do {
            RecordBatches.handle(consumer, consumer.poll(CATCH_UP_POLL), handler);
        } while (running.getAsBoolean() && !reached(end));
    }

    /**
     * @param topic a topic
     * @return its partition count
     */
    int partitionCount(String topic) {
        return consumer.partitionsFor(topic).size();
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
