package io.chainplan.local.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Records one fault sends that must have a given fate (be dead-lettered, or not), with where the broker put
 * each acknowledged one: a dead letter names its original's topic, partition and offset.
 */
final class Deliveries {
    /**
     * An acknowledged record.
     *
     * @param what      what it is, e.g. {@code requests: garbage bytes}
     * @param topic     topic
     * @param partition partition
     * @param offset    offset
     */
    record Acked(String what, String topic, int partition, long offset) {
    }

    private final Producer<byte[], byte[]> producer;
    private final List<Acked> acked = new CopyOnWriteArrayList<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    Deliveries(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /**
     * Sends one record.
     *
     * @param what  what it is, for the report
     * @param topic topic
     * @param key   key, or null
     * @param value value bytes
     */
    void send(String what, String topic, String key, byte[] value) {
        sent.incrementAndGet();
        producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value),
                (RecordMetadata m, Exception e) -> {
                    if (e == null) {
                        acked.add(new Acked(what, m.topic(), m.partition(), m.offset()));
                    } else {
                        failed.incrementAndGet();
                    }
                });
    }

    /**
     * Waits until every record sent so far is acknowledged or failed.
     *
     * @param timeout longest wait
     * @return whether all completed
     */
    boolean awaitCompleted(Duration timeout) {
        producer.flush();
        return Waits.until(timeout, () -> acked.size() + failed.get() >= sent.get());
    }

    /** @return records sent */
    long sent() {
        return sent.get();
    }

    /** @return the acknowledged records */
    List<Acked> acked() {
        return List.copyOf(acked);
    }
}
