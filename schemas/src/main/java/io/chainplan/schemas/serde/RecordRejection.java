package io.chainplan.schemas.serde;

import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;

/**
 * Applies a {@link FailureMode} to one bad input record (STYLE.md §6), the same way in every
 * consumer of chainplan (the optimizer's inputs, the router's plan subscriber): under
 * {@link FailureMode#FAIL} it logs the record at error level and throws an
 * {@link InputFailureException} naming it; under {@link FailureMode#LOG_AND_SKIP} it logs it once
 * with {@code topic-partition@offset}, the stage and the problem, and counts it; under
 * {@link FailureMode#DEAD_LETTER} it does the same and returns the dead letter to produce
 * ({@link DeadLetters#of}: original bytes, {@code chainplan.error.*} headers). Producing the dead
 * letter is the caller's (the optimizer writes it in its next transaction).
 * <p>Stateless apart from its settings; thread-safe if the counter is.
 */
public final class RecordRejection {
    /** Counts records logged and skipped or dead-lettered (not those that fail). */
    @FunctionalInterface
    public interface Counter {
        /**
         * @param topic the bad record's topic
         * @param stage where it failed
         * @param mode  {@link FailureMode#LOG_AND_SKIP} or {@link FailureMode#DEAD_LETTER}
         */
        void count(String topic, String stage, FailureMode mode);
    }

    private final String deadLetterTopic;
    private final Logger log;
    private final Counter counter;

    /**
     * @param deadLetterTopic where dead letters go, e.g. {@code topics.deadLetters()}
     * @param log             the consumer's logger (so the line names the service)
     * @param counter         counts skipped and dead-lettered records
     */
    public RecordRejection(String deadLetterTopic, Logger log, Counter counter) {
        this.deadLetterTopic = Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        this.log = Objects.requireNonNull(log, "log");
        this.counter = Objects.requireNonNull(counter, "counter");
    }

    /**
     * @param mode   the input's failure mode
     * @param record the bad record as consumed (raw bytes)
     * @param stage  where it failed: deserialize, validate, unknown-model, ...
     * @param why    the problem
     * @return the dead letter to produce under {@link FailureMode#DEAD_LETTER}, else empty
     * @throws InputFailureException under {@link FailureMode#FAIL}
     */
    public Optional<ProducerRecord<byte[], byte[]>> reject(FailureMode mode, ConsumerRecord<byte[], byte[]> record,
                                                           String stage, Exception why) {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(why, "why");
        return switch (mode) {
            case FAIL -> {
                InputFailureException e = new InputFailureException(record.topic(), record.partition(),
                        record.offset(), stage, why);
                log.error("{}", e.getMessage());
                throw e;
            }
            case LOG_AND_SKIP -> {
                log.warn("skipping bad record {}-{}@{} ({}): {}", record.topic(), record.partition(), record.offset(),
                        stage, message(why));
                counter.count(record.topic(), stage, mode);
                yield Optional.empty();
            }
            case DEAD_LETTER -> {
                log.warn("dead-lettering bad record {}-{}@{} ({}): {}", record.topic(), record.partition(),
                        record.offset(), stage, message(why));
                counter.count(record.topic(), stage, mode);
                yield Optional.of(DeadLetters.of(deadLetterTopic, record, stage, why));
            }
        };
    }

    private static String message(Exception why) {
        return why.getClass().getSimpleName() + ": " + why.getMessage();
    }
}
