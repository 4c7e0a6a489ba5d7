package io.chainplan.optimizer.audit;

import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.serde.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the committed plans of the plans topic, from the beginning to the end as of the call
 * ({@link TopicReader}: {@code read_committed}, so plans of aborted or still open transactions are
 * never seen; the end is the last stable offset). No consumer group, no offsets committed.
 * <p>Records that do not deserialize are counted in {@link Result#unreadable()} and skipped; a
 * record the schema registry cannot serve now is not one of them: the read fails with
 * {@link io.chainplan.schemas.serde.RegistryUnavailableException}.
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
     * @throws io.chainplan.schemas.serde.RegistryUnavailableException if the registry cannot serve a
     *                                                                 plan's schema (after its retries)
     */
    public static Result read(Map<String, Object> kafka, String topic, Deserializer<ChainPlan> deserializer,
                              Predicate<String> keep, Duration timeout) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(deserializer, "deserializer");
        Objects.requireNonNull(keep, "keep");
        try (TopicReader<ChainPlan> reader = TopicReader.open(kafka, topic, deserializer)) {
            List<TopicReader.Value<ChainPlan>> found = new ArrayList<>();
            int unreadable = 0;
            for (TopicReader.Read<ChainPlan> r : reader.readToEnd(keep, timeout).reads()) {
                if (r instanceof TopicReader.Value<ChainPlan> v) {
                    found.add(v);
                } else if (r instanceof TopicReader.Undecodable<ChainPlan>) {
                    unreadable++;
                }
            }
            found.sort(Comparator.comparing((TopicReader.Value<ChainPlan> v) -> v.value().getModelId())
                    .thenComparingLong(v -> v.value().getEpoch())
                    .thenComparingInt(v -> v.record().partition()).thenComparingLong(v -> v.record().offset()));
            return new Result(found.stream().map(TopicReader.Value::value).toList(), unreadable);
        }
    }
}
