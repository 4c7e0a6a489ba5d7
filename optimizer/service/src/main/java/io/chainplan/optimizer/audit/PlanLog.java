package io.chainplan.optimizer.audit;

import io.chainplan.schemas.avro.ChainPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the committed plans of the plans topic, from the beginning to the end as of the call
 * ({@code isolation.level=read_committed}: plans of aborted or still open transactions are never
 * seen; the end is the last stable offset). No consumer group, no offsets committed.
 * <p>Records that do not deserialize are counted in {@link Result#unreadable()} and skipped.
 */
public final class PlanLog {
    private PlanLog() {
    }

    /**
     * What was read.
     *
     * @param plans      the plans kept, ordered by model id, then epoch, then offset
     * @param unreadable records that could not be deserialized
     */
    public record Result(List<ChainPlan> plans, int unreadable) {
        /** Copies the list. */
        public Result {
            plans = List.copyOf(plans);
        }
    }

    /**
     * @param kafka        Kafka client properties (bootstrap servers, security)
     * @param topic        the plans topic
     * @param deserializer the ChainPlan value deserializer
     * @param keep         which model ids (record keys) to keep
     * @param timeout      longest time to read
     * @return the plans
     * @throws TimeoutException if the end is not reached within the timeout
     */
    public static Result read(Map<String, Object> kafka, String topic, Deserializer<ChainPlan> deserializer,
                              Predicate<String> keep, Duration timeout) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(deserializer, "deserializer");
        Objects.requireNonNull(keep, "keep");
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            return readAll(consumer, topic, deserializer, keep, timeout);
        }
    }

    private static Result readAll(KafkaConsumer<String, byte[]> consumer, String topic,
                                  Deserializer<ChainPlan> deserializer, Predicate<String> keep, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        List<Positioned> found = new ArrayList<>();
        int unreadable = 0;
        while (!reached(consumer, end)) {
            if (Instant.now().isAfter(deadline)) {
                throw new TimeoutException("plans topic " + topic + " not read to its end within " + timeout);
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (r.key() == null || !keep.test(r.key()) || r.value() == null) {
                    continue;
                }
                try {
                    found.add(new Positioned(deserializer.deserialize(topic, r.value()), r.partition(), r.offset()));
                } catch (RuntimeException e) {
                    unreadable++;
                }
            }
        }
        found.sort(Comparator.comparing((Positioned p) -> p.plan().getModelId())
                .thenComparingLong(p -> p.plan().getEpoch())
                .thenComparingInt(Positioned::partition).thenComparingLong(Positioned::offset));
        return new Result(found.stream().map(Positioned::plan).toList(), unreadable);
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private record Positioned(ChainPlan plan, int partition, long offset) {
    }
}
