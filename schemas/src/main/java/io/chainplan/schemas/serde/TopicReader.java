package io.chainplan.schemas.serde;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The one reader of a chainplan topic's committed records, used by everything that reads the plans
 * log (the optimizer's epoch recovery, {@code chainplan audit}, the router's plan subscriber, the
 * summary of {@code chainplan local}): a {@code read_committed} consumer without a group (manual
 * assignment, no offsets committed) that decodes each record's value with the topic's
 * deserializer (the registry's wire format) and reports a record that does not decode as
 * {@link Undecodable} instead of throwing, so each caller applies its own failure handling.
 * <p>A record that cannot be decoded <em>because the schema registry is unavailable</em>
 * ({@link RegistryUnavailableException}) is not undecodable: the read throws that exception and
 * nothing of it counts as read. A range read can simply be repeated; {@link #poll} first rewinds
 * every partition of the batch to its first record, so the next poll returns the same records.
 * <p>Two ways to read: a <em>range</em> ({@link #read(int, long, long, Predicate, Duration)},
 * {@link #readToEnd}) returns the committed records of {@code [from, to)} of a partition, waiting
 * until the consumer's position has passed {@code to} (aborted records and transaction markers
 * hold offsets without records; the end under {@code read_committed} is the last stable offset);
 * <em>following</em> ({@link #seek} then {@link #poll}) returns what arrives from given offsets on.
 * <p>Lives in {@code schemas} beside the serdes and {@link Topics} because it is the lowest module
 * that every reader of the plans topic depends on: the router library must not depend on the
 * optimizer service, and the optimizer service has no reason to depend on the router.
 * <p>Not thread-safe (a Kafka consumer), apart from {@link #wakeup()}.
 *
 * @param <V> the value type
 */
public final class TopicReader<V> implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    /** One record read: decoded, a tombstone, or not decodable. */
    public sealed interface Read<V> {
        /** @return the record as consumed (raw bytes, topic, partition, offset) */
        ConsumerRecord<byte[], byte[]> record();

        /** @return the record key as UTF-8 text, or null if it has none */
        default String key() {
            return keyOf(record());
        }
    }

    /**
     * A decoded record.
     *
     * @param record the record as consumed
     * @param value  its decoded value
     * @param <V>    the value type
     */
    public record Value<V>(ConsumerRecord<byte[], byte[]> record, V value) implements Read<V> {
        /** Validates the fields. */
        public Value {
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * A record without a value (a tombstone of a compacted topic).
     *
     * @param record the record as consumed
     * @param <V>    the value type
     */
    public record Tombstone<V>(ConsumerRecord<byte[], byte[]> record) implements Read<V> {
        /** Validates the field. */
        public Tombstone {
            Objects.requireNonNull(record, "record");
        }
    }

    /**
     * A record whose value the deserializer rejected as bad (never one the registry could not serve).
     *
     * @param record the record as consumed
     * @param error  why it did not decode
     * @param <V>    the value type
     */
    public record Undecodable<V>(ConsumerRecord<byte[], byte[]> record, RuntimeException error) implements Read<V> {
        /** Validates the fields. */
        public Undecodable {
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(error, "error");
        }
    }

    /**
     * What a range read returned.
     *
     * @param reads       the records whose key was wanted, by offset
     * @param recordsRead every record read, wanted or not
     * @param <V>         the value type
     */
    public record Batch<V>(List<Read<V>> reads, long recordsRead) {
        /** Copies the list. */
        public Batch {
            reads = List.copyOf(reads);
        }
    }

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final Deserializer<V> values;

    /**
     * @param consumer a consumer created with {@link #properties} (or equivalent), used by this reader only
     * @param topic    the topic
     * @param values   decodes values
     */
    public TopicReader(Consumer<byte[], byte[]> consumer, String topic, Deserializer<V> values) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.values = Objects.requireNonNull(values, "values");
    }

    /**
     * A reader with its own consumer.
     *
     * @param kafka  Kafka client properties (bootstrap servers, security, and any consumer tuning)
     * @param topic  the topic
     * @param values decodes values
     * @param <V>    the value type
     * @return the reader; close it
     */
    public static <V> TopicReader<V> open(Map<String, Object> kafka, String topic, Deserializer<V> values) {
        return new TopicReader<>(new KafkaConsumer<>(properties(kafka), new ByteArrayDeserializer(),
                new ByteArrayDeserializer()), topic, values);
    }

    /**
     * The consumer properties of a reader: the client properties given, with
     * {@code isolation.level=read_committed}, auto-commit off and no {@code group.id};
     * {@code max.partition.fetch.bytes} defaults to 8 MiB (a plan of a large fleet is big).
     *
     * @param kafka Kafka client properties
     * @return a new map
     */
    public static Map<String, Object> properties(Map<String, Object> kafka) {
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        return p;
    }

    /** @return the topic read */
    public String topic() {
        return topic;
    }

    /**
     * @param timeout longest wait for the metadata
     * @return the topic's partition numbers, ascending
     */
    public List<Integer> partitions(Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        return infos.stream().map(PartitionInfo::partition).sorted().toList();
    }

    /**
     * Assigns exactly these partitions (a {@code read_committed} consumer asked for the offsets of
     * a partition it is not assigned warns that it cannot keep its last stable offset).
     *
     * @param partitions partition numbers
     * @return the log start offset of each
     */
    public Map<Integer, Long> beginningOffsets(Collection<Integer> partitions) {
        return byNumber(consumer.beginningOffsets(assign(partitions)));
    }

    /**
     * Assigns exactly these partitions, as {@link #beginningOffsets} does.
     *
     * @param partitions partition numbers
     * @return the end of each for this {@code read_committed} reader: the last stable offset
     */
    public Map<Integer, Long> endOffsets(Collection<Integer> partitions) {
        return byNumber(consumer.endOffsets(assign(partitions)));
    }

    /**
     * Reads the committed records of offsets {@code [from, to)} of one partition.
     *
     * @param partition the partition
     * @param from      first offset, inclusive
     * @param to        last offset, exclusive (at most the end)
     * @param keys      which keys to return (others, and records without a key, are read and counted only)
     * @param timeout   longest time the read may take
     * @return the wanted records, decoded, by offset
     * @throws TimeoutException if the position does not reach {@code to} within the timeout
     * @throws RegistryUnavailableException if a wanted record needs a schema the registry cannot give now
     */
    public Batch<V> read(int partition, long from, long to, Predicate<String> keys, Duration timeout) {
        TopicPartition tp = assign(List.of(partition)).get(0);
        consumer.seek(tp, from);
        List<Read<V>> out = new ArrayList<>();
        long read = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(tp) < to) {
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("cannot read " + tp + " [" + from + ", " + to + ") within " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(tp)) {
                if (r.offset() >= to) {
                    continue;
                }
                read++;
                String key = keyOf(r);
                if (key != null && keys.test(key)) {
                    out.add(decode(r));
                }
            }
        }
        return new Batch<>(out, read);
    }

    /**
     * Reads every partition, one after the other, from its beginning to its end as of when its
     * reading starts.
     *
     * @param keys    which keys to return
     * @param timeout longest time the whole read may take
     * @return the wanted records, by partition, then offset
     * @throws TimeoutException if the end is not reached within the timeout
     * @throws RegistryUnavailableException if a wanted record needs a schema the registry cannot give now
     */
    public Batch<V> readToEnd(Predicate<String> keys, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Read<V>> out = new ArrayList<>();
        long read = 0;
        for (int p : partitions(timeout)) {
            long begin = beginningOffsets(List.of(p)).get(p);
            long end = endOffsets(List.of(p)).get(p);
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Batch<V> b = read(p, begin, end, keys, left);
            out.addAll(b.reads());
            read += b.recordsRead();
        }
        return new Batch<>(out, read);
    }

    /**
     * Starts following: assigns exactly these partitions, each positioned at its offset.
     *
     * @param from first offset to read, by partition number
     */
    public void seek(Map<Integer, Long> from) {
        assign(from.keySet());
        from.forEach((p, o) -> consumer.seek(new TopicPartition(topic, p), o));
    }

    /**
     * @param offsets an offset by partition number, each partition assigned
     * @return whether the consumer's position has reached every one of them
     */
    public boolean reached(Map<Integer, Long> offsets) {
        for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
            if (consumer.position(new TopicPartition(topic, e.getKey())) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Polls once.
     *
     * @param timeout longest wait for records
     * @return the records that arrived, decoded, in the order the consumer returned them
     * @throws RegistryUnavailableException if one of them needs a schema the registry cannot give
     *                                      now; every partition of the batch is rewound to its first
     *                                      record of the batch, so the next poll returns them again
     */
    public List<Read<V>> poll(Duration timeout) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(timeout);
        List<Read<V>> out = new ArrayList<>();
        try {
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                out.add(decode(r));
            }
        } catch (RegistryUnavailableException e) {
            for (TopicPartition tp : batch.partitions()) {
                consumer.seek(tp, batch.records(tp).get(0).offset());
            }
            throw e;
        }
        return out;
    }

    /** Wakes up a blocked {@link #poll}, which then throws {@code WakeupException}; thread-safe. */
    public void wakeup() {
        consumer.wakeup();
    }

    private Read<V> decode(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return new Tombstone<>(r);
        }
        try {
            V v = values.deserialize(r.topic(), r.value());
            return v == null ? new Undecodable<>(r, new IllegalArgumentException("value decodes to null"))
                    : new Value<>(r, v);
        } catch (RegistryUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            return new Undecodable<>(r, e);
        }
    }

    private static String keyOf(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    /** Assigns exactly these partitions, unless they are what is assigned already. */
    private List<TopicPartition> assign(Collection<Integer> partitions) {
        List<TopicPartition> tps = partitions.stream().sorted().map(p -> new TopicPartition(topic, p)).toList();
        if (!consumer.assignment().equals(Set.copyOf(tps))) {
            consumer.assign(tps);
        }
        return tps;
    }

    private static Map<Integer, Long> byNumber(Map<TopicPartition, Long> offsets) {
        Map<Integer, Long> out = new TreeMap<>();
        offsets.forEach((tp, o) -> out.put(tp.partition(), o));
        return out;
    }

    /** Closes the consumer, waiting at most 5 s. */
    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    /**
     * Closes the consumer.
     *
     * @param timeout longest wait
     */
    public void close(Duration timeout) {
        consumer.close(CloseOptions.timeout(timeout));
    }
}
