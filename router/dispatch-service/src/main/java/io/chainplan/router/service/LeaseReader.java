package io.chainplan.router.service;

import io.chainplan.schemas.avro.DispatchLease;
import io.chainplan.schemas.serde.AvroDeserializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's reader of its owned {@code chainplan.leases} partitions (its own consumer, assigned the
 * partitions, no group; {@code read_committed}) and its thread. A newly owned partition is read from the
 * beginning into a {@link LeaseRebuild} until the reader is past the owner's own fence; from then on the
 * reader follows the partition only to confirm the owner's writes that follow a gap in its own offsets
 * ({@link PartitionTail}) and to notice another owner's fence. It never waits for the group consumer, so an
 * instance whose group membership stalls still learns at once that it was fenced.
 */
final class LeaseReader {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseReader.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /**
     * The reader is not on the answer's path when the owner is the partition's only writer ({@link PartitionTail}
     * confirms consecutive own writes as they are acknowledged), so its fetches wait for a batch: at most
     * {@value #FETCH_MAX_WAIT_MS} ms, or until this many bytes arrived. That bounds how late a gap is filled and a
     * fence of another owner is noticed, and saves the broker a fetch response per lease change.
     */
    static final int FETCH_MIN_BYTES = 256 * 1024;
    /** See {@link #FETCH_MIN_BYTES}. */
    static final int FETCH_MAX_WAIT_MS = 50;

    /** What the reader tells the session. */
    interface Events {
        /**
         * A partition is rebuilt; it can be served.
         *
         * @param tail    the partition
         * @param rebuilt its leases
         */
        void rebuilt(PartitionTail tail, LeaseRebuild rebuilt);

        /**
         * Another owner fenced a partition this instance owned.
         *
         * @param tail the partition
         * @param by   the other owner
         */
        void fenced(PartitionTail tail, String by);

        /** @param e the error that ended the reader (the session restarts) */
        void failed(RuntimeException e);
    }

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroDeserializer<DispatchLease> deserializer;
    private final DispatchMetrics metrics;
    private final Events events;
    private final Duration confirmTimeout;
    private final BlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();
    private final Map<Integer, PartitionTail> tails = new TreeMap<>();
    private final Map<Integer, LeaseRebuild> rebuilding = new TreeMap<>();
    private final Thread thread;
    private volatile boolean stopping;

    LeaseReader(Map<String, Object> kafka, String clientId, String topic, AvroDeserializer<DispatchLease> deserializer,
                DispatchMetrics metrics, Duration confirmTimeout, Events events) {
        this.topic = topic;
        this.deserializer = deserializer;
        this.metrics = metrics;
        this.confirmTimeout = confirmTimeout;
        this.events = events;
        Map<String, Object> p = new HashMap<>(kafka);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, FETCH_MIN_BYTES);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::loop, "chainplan-dispatch-reader-" + clientId);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Starts reading a newly owned partition from the beginning; thread-safe. */
    void add(PartitionTail tail) {
        command(() -> {
            tails.put(tail.partition(), tail);
            rebuilding.put(tail.partition(), new LeaseRebuild());
            assign();
            consumer.seekToBeginning(List.of(new TopicPartition(topic, tail.partition())));
        });
    }

    /** Stops reading a partition; thread-safe. */
    void remove(int partition) {
        command(() -> {
            tails.remove(partition);
            rebuilding.remove(partition);
            assign();
        });
    }

    private void command(Runnable c) {
        commands.add(c);
        consumer.wakeup();
    }

    private void assign() {
        consumer.assign(tails.keySet().stream().map(p -> new TopicPartition(topic, p)).toList());
    }

    private void loop() {
        try {
            while (!stopping) {
                for (Runnable c = commands.poll(); c != null; c = commands.poll()) {
                    c.run();
                }
                if (tails.isEmpty()) {
                    Runnable c = commands.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
                    if (c != null) {
                        c.run();
                    }
                    continue;
                }
                try {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                        onRecord(r);
                    }
                    advance();
                } catch (WakeupException e) {
                    // a command or close: the loop takes it
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!stopping) {
                LOG.error("lease reader failed; restarting the session: {}", e.toString());
                events.failed(e);
            }
        } finally {
            List.copyOf(tails.values()).forEach(t -> t.close("this instance is restarting its session"));
        }
    }

    private void onRecord(ConsumerRecord<byte[], byte[]> r) {
        PartitionTail tail = tails.get(r.partition());
        if (tail == null || r.key() == null) {
            if (r.key() == null) {
                bad(r, "no key");
            }
            return;
        }
        String key = new String(r.key(), StandardCharsets.UTF_8);
        String fencedBy = LeaseRebuild.fenceOwner(key);
        if (fencedBy != null && !fencedBy.equals(tail.owner()) && r.offset() > tail.fenceOffset()) {
            lost(tail, r.offset(), fencedBy);
            return;
        }
        LeaseRebuild rebuild = rebuilding.get(r.partition());
        if (rebuild != null) {
            try {
                rebuild.apply(key, r.value() == null ? null : deserializer.deserialize(r.topic(), r.value()));
            } catch (RuntimeException e) {
                bad(r, e.toString());
            }
        }
    }

    private void lost(PartitionTail tail, long offset, String by) {
        LOG.warn("partition {} of the leases: owner {} fenced this instance's ownership {} at offset {}",
                tail.partition(), by, tail.owner(), offset);
        tail.fencedAt(offset, by);
        tails.remove(tail.partition());
        rebuilding.remove(tail.partition());
        assign();
        metrics.fenced();
        events.fenced(tail, by);
    }

    private void bad(ConsumerRecord<byte[], byte[]> r, String why) {
        metrics.badRecord();
        LOG.warn("skipping lease record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), why);
    }

    private void advance() {
        long late = System.nanoTime() - confirmTimeout.toNanos();
        for (PartitionTail tail : new ArrayList<>(tails.values())) {
            long position = consumer.position(new TopicPartition(topic, tail.partition()));
            LeaseRebuild rebuild = rebuilding.get(tail.partition());
            if (rebuild != null && position > tail.fenceOffset()) {
                rebuilding.remove(tail.partition());
                events.rebuilt(tail, rebuild);
            }
            tail.readTo(position);
            for (int n = tail.expireSentBefore(late); n > 0; n--) {
                metrics.failedWrite();
            }
        }
    }

    /**
     * Stops the thread and closes the consumer.
     *
     * @param abandon at once, as if the process died
     */
    void close(boolean abandon) {
        stopping = true;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(abandon ? Duration.ZERO : Duration.ofSeconds(5));
    }
}
