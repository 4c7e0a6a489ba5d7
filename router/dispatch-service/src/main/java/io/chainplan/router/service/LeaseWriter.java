package io.chainplan.router.service;

import io.chainplan.schemas.avro.DispatchLease;
import io.chainplan.schemas.serde.AvroSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's idempotent producer of {@code chainplan.leases} ({@code acks=all}): sends a lease change to
 * its partition and hands the acknowledged offset to the partition's {@link PartitionTail}, which completes
 * the change once it is confirmed (see {@link LeaseSession}). One producer for every owned partition:
 * the records of one partition keep their order (idempotence), so the changes of one lease are recorded in
 * the order they were made. A write the broker refuses fails with {@code 503 unavailable}; a fatal producer
 * error (authorization, an unsupported broker, a broken sequence) also ends the session.
 */
final class LeaseWriter {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseWriter.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AvroSerializer<DispatchLease> serializer;
    private final DispatchMetrics metrics;
    private final Consumer<RuntimeException> onFatal;

    /**
     * @param producer   an idempotent producer
     * @param topic      the leases topic
     * @param serializer the lease serializer
     * @param metrics    write timings and failures
     * @param onFatal    called on an error that ends the session
     */
    LeaseWriter(KafkaProducer<byte[], byte[]> producer, String topic, AvroSerializer<DispatchLease> serializer,
                DispatchMetrics metrics, Consumer<RuntimeException> onFatal) {
        this.producer = producer;
        this.topic = topic;
        this.serializer = serializer;
        this.metrics = metrics;
        this.onFatal = onFatal;
    }

    /**
     * Sends one change.
     *
     * @param tail    the partition's tail
     * @param modelId the model, for refusals
     * @param key     the record key (a lease id)
     * @param value   the record, null for a tombstone
     * @return completes once it is confirmed
     */
    CompletableFuture<Void> write(PartitionTail tail, String modelId, String key, DispatchLease value) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        long sent = System.nanoTime();
        byte[] bytes = value == null ? null : serializer.serialize(topic, value);
        try {
            producer.send(new ProducerRecord<>(topic, tail.partition(), key.getBytes(StandardCharsets.UTF_8), bytes),
                    (md, e) -> {
                        if (e != null) {
                            failed(modelId, e instanceof KafkaException k ? k : new KafkaException(e), done);
                            return;
                        }
                        metrics.acked(Duration.ofNanos(System.nanoTime() - sent));
                        tail.acked(md.offset(), modelId, sent, done);
                    });
        } catch (KafkaException e) {
            failed(modelId, e, done);
        }
        done.whenComplete((v, e) -> {
            if (e == null) {
                metrics.confirmed(Duration.ofNanos(System.nanoTime() - sent));
            }
        });
        return done;
    }

    /**
     * Writes a fence record and waits for the broker's acknowledgement.
     *
     * @param partition the partition
     * @param owner     the new owner
     * @param fence     its FENCE record
     * @return the fence's offset
     * @throws KafkaException if it could not be written
     */
    long fence(int partition, String owner, DispatchLease fence) {
        try {
            return producer.send(new ProducerRecord<>(topic, partition, LeaseRebuild.fenceKey(owner)
                    .getBytes(StandardCharsets.UTF_8), serializer.serialize(topic, fence))).get().offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while fencing partition " + partition, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KafkaException k ? k
                    : new KafkaException("cannot write the fence of partition " + partition, e.getCause());
        }
    }

    private void failed(String modelId, KafkaException e, CompletableFuture<Void> done) {
        metrics.failedWrite();
        LOG.warn("lease change of model {} not recorded: {}", modelId, e.toString());
        done.completeExceptionally(DispatchFailure.unavailable(modelId, "the lease change could not be recorded ("
                + e.getClass().getSimpleName() + ": " + e.getMessage() + "); this instance did not apply it"));
        if (e instanceof AuthorizationException || e instanceof UnsupportedVersionException
                || e instanceof OutOfOrderSequenceException) {
            onFatal.accept(e);
        }
    }

    /**
     * Closes the producer.
     *
     * @param abandon at once, as if the process died (unsent records are dropped)
     */
    void close(boolean abandon) {
        producer.close(abandon ? Duration.ZERO : Duration.ofSeconds(5));
    }
}
