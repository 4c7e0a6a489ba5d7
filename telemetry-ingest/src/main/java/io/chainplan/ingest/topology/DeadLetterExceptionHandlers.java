package io.chainplan.ingest.topology;

import io.chainplan.schemas.serde.DeadLetters;
import io.chainplan.schemas.serde.RegistryUnavailableException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams exception handlers (KIP-1033/KIP-1034) that dead-letter instead of stopping:
 * a safety net behind the topology's own validation branch, for exceptions nobody expected (a
 * bug, an internal record that does not decode). They build the dead letter with
 * {@link DeadLetters} from the source record's raw bytes, so the headers match the topology's.
 * Configure with {@code processing.exception.handler} and
 * {@code deserialization.exception.handler}; they read {@link #DEAD_LETTER_TOPIC_CONFIG} and,
 * optionally, an {@link IngestMetrics} object under {@link #METRICS_CONFIG}.
 * <p>A record that failed because the schema registry is unavailable
 * ({@link RegistryUnavailableException}, from a source's {@link DecodingSerde}) is not bad: both
 * handlers answer {@code FAIL} for it, never {@code RESUME}, so Kafka Streams does not skip it and
 * commit past it. Kafka Streams then throws a {@code StreamsException} out of the task; the stream
 * thread dies and the application's uncaught-exception handler replaces it (a transient outage) or
 * shuts the client down (a refusal such as 401): the thread's tasks are closed dirty (under
 * exactly-once their open transaction is aborted, so nothing the task did since its last commit
 * is visible) and the new thread resumes from the last committed offsets, reading the record
 * again. The registry is retried with backoff inside the deserializer before each such failure
 * (five seconds, below the ten-second transaction timeout), so a long outage replaces the thread
 * every few seconds without losing or duplicating anything. The cost is time: Kafka Streams
 * replaces a thread with {@code REMAIN_IN_GROUP}, so the dead thread's group member holds its tasks
 * until its {@code session.timeout.ms} (45 s by default) runs out, and processing resumes up to that
 * long after the registry is back.
 */
public final class DeadLetterExceptionHandlers {
    /** Config key: dead-letter topic name. */
    public static final String DEAD_LETTER_TOPIC_CONFIG = "chainplan.ingest.handler.dead.letter.topic";
    /** Config key: an {@link IngestMetrics} instance (an object, not a string). */
    public static final String METRICS_CONFIG = "chainplan.ingest.handler.metrics";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterExceptionHandlers.class);

    private DeadLetterExceptionHandlers() {
    }

    private static String topic(Map<String, ?> configs) {
        Object t = configs.get(DEAD_LETTER_TOPIC_CONFIG);
        if (t == null) {
            throw new IllegalArgumentException(DEAD_LETTER_TOPIC_CONFIG + " must be set");
        }
        return t.toString();
    }

    /** Whether the record failed for want of the registry (logged in one line: it is not a bad record). */
    private static boolean registryUnavailable(String topic, int partition, long offset, Exception exception) {
        return RegistryUnavailableException.in(exception).map(e -> {
            LOG.warn("{}-{}@{} not processed: {}; the task stops without committing past it and reads it again",
                    topic, partition, offset, e.getMessage());
            return true;
        }).orElse(false);
    }

    private static IngestMetrics metrics(Map<String, ?> configs) {
        return configs.get(METRICS_CONFIG) instanceof IngestMetrics m ? m : IngestMetrics.NOOP;
    }

    /** Dead-letters a record whose processing threw, except a {@code fail}-mode bad record, which stops the app. */
    public static final class Processing implements ProcessingExceptionHandler {
        private String deadLetterTopic;
        private IngestMetrics metrics = IngestMetrics.NOOP;

        @Override
        public void configure(Map<String, ?> configs) {
            deadLetterTopic = topic(configs);
            metrics = metrics(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            if (exception instanceof BadRecordFailure || registryUnavailable(context.topic(), context.partition(),
                    context.offset(), exception)) {
                return Response.fail();
            }
            LOG.error("processing failed at {}-{}@{} in {}; dead-lettering the record", context.topic(), context.partition(),
                    context.offset(), context.processorNodeId(), exception);
            metrics.badRecord(context.topic(), Checked.PROCESS);
            metrics.deadLettered(context.topic(), Checked.PROCESS);
            return Response.resume(List.of(DeadLetters.of(deadLetterTopic, context.topic(), context.partition(),
                    context.offset(), context.sourceRawKey(), context.sourceRawValue(), Checked.PROCESS, exception)));
        }
    }

    /**
     * Dead-letters a record that fails to deserialize at a source (internal topics; user sources
     * throw only when the registry is unavailable, which fails the task instead).
     */
    public static final class Deserialization implements DeserializationExceptionHandler {
        private String deadLetterTopic;
        private IngestMetrics metrics = IngestMetrics.NOOP;

        @Override
        public void configure(Map<String, ?> configs) {
            deadLetterTopic = topic(configs);
            metrics = metrics(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
            if (registryUnavailable(record.topic(), record.partition(), record.offset(), exception)) {
                return Response.fail();
            }
            LOG.error("deserialization failed at {}-{}@{}; dead-lettering the record", record.topic(), record.partition(),
                    record.offset(), exception);
            metrics.badRecord(record.topic(), Checked.DESERIALIZE);
            metrics.deadLettered(record.topic(), Checked.DESERIALIZE);
            return Response.resume(List.of(DeadLetters.of(deadLetterTopic, record, Checked.DESERIALIZE, exception)));
        }
    }
}
