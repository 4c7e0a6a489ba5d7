package io.chainplan.local.faults;

import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.AvroDeserializer;
import io.chainplan.schemas.serde.DeadLetters;
import io.chainplan.schemas.serde.RegistryUnavailableException;
import io.chainplan.schemas.serde.TopicReader;
import io.chainplan.schemas.serde.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows what the services write (demand estimates, plans, dead letters) from the moment the suite starts,
 * stamping each record with the wall-clock time the suite read it: the recovery times and plan gaps of the
 * report are measured on these stamps. One thread, {@code read_committed} readers (an aborted plan is never
 * seen); a record whose schema the registry cannot give now is read again later.
 */
final class OutputWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutputWatch.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration METADATA = Duration.ofSeconds(60);

    /**
     * A record as the suite read it.
     *
     * @param value          the value
     * @param receivedMillis wall clock when it was read
     * @param <T>            its type
     */
    record Seen<T>(T value, long receivedMillis) {
    }

    /**
     * A dead letter, by the record it stands for.
     *
     * @param topic     original topic
     * @param partition original partition
     * @param offset    original offset
     * @param stage     where it failed ({@code deserialize}, {@code validate}, ...)
     * @param message   the reason
     */
    record DeadLetter(String topic, int partition, long offset, String stage, String message) {
    }

    private final List<Follower<?>> followers = new ArrayList<>();
    private final Map<String, List<Seen<DemandEstimate>>> estimates = new ConcurrentHashMap<>();
    private final Map<String, List<Seen<ChainPlan>>> plans = new ConcurrentHashMap<>();
    private final List<Seen<DeadLetter>> deadLetters = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    OutputWatch(Map<String, Object> kafka, Topics topics, SchemaRegistry registry) {
        followers.add(new Follower<>(TopicReader.open(kafka, topics.demandEstimates(),
                new AvroDeserializer<>(DemandEstimate.class, registry)), (r, v, at) -> list(estimates, v.getModelId()).add(new Seen<>(v, at))));
        followers.add(new Follower<>(TopicReader.open(kafka, topics.plans(), new AvroDeserializer<>(ChainPlan.class, registry)),
                (r, v, at) -> list(plans, v.getModelId()).add(new Seen<>(v, at))));
        followers.add(new Follower<>(TopicReader.open(kafka, topics.deadLetters(), new ByteArrayDeserializer()),
                (r, v, at) -> deadLetters.add(new Seen<>(deadLetter(r), at))));
        followers.forEach(Follower::startAtEnd);
        thread = new Thread(this::run, "chainplan-faults-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private static <T> List<Seen<T>> list(Map<String, List<Seen<T>>> byModel, String model) {
        return byModel.computeIfAbsent(model, m -> new CopyOnWriteArrayList<>());
    }

    private static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> r) {
        String partition = DeadLetters.header(r.headers(), DeadLetters.HEADER_PARTITION);
        String offset = DeadLetters.header(r.headers(), DeadLetters.HEADER_OFFSET);
        return new DeadLetter(DeadLetters.header(r.headers(), DeadLetters.HEADER_TOPIC),
                partition == null ? -1 : Integer.parseInt(partition), offset == null ? -1 : Long.parseLong(offset),
                DeadLetters.header(r.headers(), DeadLetters.HEADER_STAGE),
                DeadLetters.header(r.headers(), DeadLetters.HEADER_EXCEPTION_MESSAGE));
    }

    private void run() {
        while (running) {
            for (Follower<?> f : followers) {
                try {
                    f.pollOnce();
                } catch (WakeupException e) {
                    return;
                } catch (RegistryUnavailableException e) {
                    LOG.debug("{}: registry unavailable, reading again later: {}", f.reader.topic(), e.getMessage());
                } catch (RuntimeException e) {
                    if (running) {
                        LOG.warn("{}: {}", f.reader.topic(), e.toString());
                    }
                }
            }
        }
    }

    /** @return the demand estimates of a model read so far, in order */
    List<Seen<DemandEstimate>> estimates(String model) {
        return List.copyOf(estimates.getOrDefault(model, List.of()));
    }

    /** @return the plans of a model read so far, in order */
    List<Seen<ChainPlan>> plans(String model) {
        return List.copyOf(plans.getOrDefault(model, List.of()));
    }

    /** @return the dead letters read so far, in order */
    List<Seen<DeadLetter>> deadLetters() {
        return List.copyOf(deadLetters);
    }

    @Override
    public void close() {
        running = false;
        followers.forEach(f -> f.reader.wakeup());
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        followers.forEach(f -> f.reader.close());
    }

    /** What to do with one decoded record. */
    @FunctionalInterface
    private interface Sink<V> {
        void accept(ConsumerRecord<byte[], byte[]> record, V value, long receivedMillis);
    }

    /** One topic followed from its end as of the start. */
    private static final class Follower<V> {
        private final TopicReader<V> reader;
        private final Sink<V> sink;

        Follower(TopicReader<V> reader, Sink<V> sink) {
            this.reader = reader;
            this.sink = sink;
        }

        void startAtEnd() {
            reader.seek(reader.endOffsets(reader.partitions(METADATA)));
        }

        void pollOnce() {
            for (TopicReader.Read<V> read : reader.poll(POLL)) {
                if (read instanceof TopicReader.Value<V> v) {
                    sink.accept(v.record(), v.value(), System.currentTimeMillis());
                }
            }
        }
    }
}
