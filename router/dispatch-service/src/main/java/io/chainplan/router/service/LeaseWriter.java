package io.chainplan.router.service;

import io.chainplan.schemas.avro.DispatchLease;
import io.chainplan.schemas.serde.AvroSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional producer of one owned {@code chainplan.leases} partition and its thread: takes
 * every lease change of the partition queued since its last transaction and records them in one
 * transaction (records, {@code flush()}, commit). Its {@code transactional.id} belongs to the partition,
 * not to the instance, so {@link #init} of the partition's next owner fences this producer (see
 * {@link LeaseSession}). Changes are failed, not written, while the partition is not served (ready).
 * An abortable error fails the batch ({@code 503 unavailable}, nothing changed); a fatal one (fenced
 * producer, authorization, ...) fails it and ends the session.
 */
final class LeaseWriter {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseWriter.class);
    private static final int MAX_BATCH = 1_000;

    /** One lease change waiting to be recorded. */
    private record Write(String modelId, String leaseId, LeaseEntry lease, long queuedAtNanos,
                         CompletableFuture<Void> done) {
    }

    private final KafkaProducer<byte[], byte[]> producer;
    private final String name;
    private final String topic;
    private final int partition;
    private final AvroSerializer<DispatchLease> serializer;
    private final String instanceId;
    private final OwnedModels models;
    private final DispatchMetrics metrics;
    private final Consumer<RuntimeException> onFatal;
    private final BlockingQueue<Write> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean stopping;

    /**
     * @param producer   a transactional producer whose {@code transactional.id} is the partition's
     * @param name       its transactional id, for logs and the thread name
     * @param topic      the leases topic
     * @param partition  the partition it writes
     * @param serializer the lease serializer
     * @param instanceId this instance, recorded in every lease
     * @param models     whether the partition is served
     * @param metrics    commit timings
     * @param onFatal    called once on an error that ends the session
     */
    LeaseWriter(KafkaProducer<byte[], byte[]> producer, String name, String topic, int partition,
                AvroSerializer<DispatchLease> serializer, String instanceId, OwnedModels models, DispatchMetrics metrics,
                Consumer<RuntimeException> onFatal) {
        this.producer = producer;
        this.name = name;
        this.topic = topic;
        this.partition = partition;
        this.serializer = serializer;
        this.instanceId = instanceId;
        this.models = models;
        this.metrics = metrics;
        this.onFatal = onFatal;
        this.thread = new Thread(this::loop, "chainplan-dispatch-writer-" + name);
        this.thread.setDaemon(true);
    }

    /**
     * Registers the transactional id with its coordinator ({@code initTransactions}): bumps its epoch, which
     * fences the producer of the partition's previous owner and aborts that producer's open transaction.
     * Call on assignment, before the partition's high watermark is taken.
     */
    void init() {
        producer.initTransactions();
    }

    /** Starts the thread; after {@link #init}. */
    void start() {
        thread.start();
    }

    /** Queues a change; the future completes once it is committed. */
    CompletableFuture<Void> submit(String modelId, String leaseId, LeaseEntry lease) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Write(modelId, leaseId, lease, System.nanoTime(), done));
        if (stopping) {
            failQueued();
        }
        return done;
    }

    private void loop() {
        try {
            while (!stopping) {
                Write first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Write> batch = new ArrayList<>();
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("{}: lease writer {} failed; restarting the session: {}", instanceId, name, e.toString());
            stopping = true;
            onFatal.accept(e);
        } finally {
            stopping = true;
            failQueued();
        }
    }

    private void failQueued() {
        List<Write> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(w -> w.done().completeExceptionally(DispatchFailure.unavailable(w.modelId(),
                "this instance is restarting its session")));
    }

    private void write(List<Write> batch) {
        if (!models.ready(partition)) {
            batch.forEach(w -> w.done().completeExceptionally(DispatchFailure.notRecorded(w.modelId())));
            return;
        }
        long t0 = System.nanoTime();
        batch.forEach(w -> metrics.queued(Duration.ofNanos(t0 - w.queuedAtNanos())));
        long t1;
        try {
            producer.beginTransaction();
            for (Write w : batch) {
                byte[] value = w.lease() == null ? null : serializer.serialize(topic, LeaseRecords.toAvro(w.lease(), instanceId));
                producer.send(new ProducerRecord<>(topic, partition, w.leaseId().getBytes(StandardCharsets.UTF_8), value));
            }
            producer.flush();
            t1 = System.nanoTime();
            producer.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                 | AuthorizationException | UnsupportedVersionException e) {
            fail(batch, e);
            throw e;
        } catch (KafkaException e) {
            fail(batch, e);
            producer.abortTransaction();
            return;
        }
        metrics.committed(batch.size(), Duration.ofNanos(t1 - t0), Duration.ofNanos(System.nanoTime() - t1));
        batch.forEach(w -> w.done().complete(null));
    }

    private void fail(List<Write> writes, KafkaException e) {
        metrics.failedBatch();
        LOG.warn("{}: {} lease records not recorded: {}", instanceId, writes.size(), e.toString());
        writes.forEach(w -> w.done().completeExceptionally(DispatchFailure.unavailable(w.modelId(),
                "the lease change could not be recorded (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + "); nothing changed")));
    }

    /**
     * Stops the thread and closes the producer.
     *
     * @param abandon close at once, as if the process died (an open transaction stays open)
     */
    void stop(boolean abandon) {
        stopping = true;
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(abandon ? Duration.ZERO : Duration.ofSeconds(5));
    }
}
