package io.chainplan.ingest.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.ingest.testing.RecordingIngestMetrics;
import io.chainplan.schemas.registry.SchemaRegistryException;
import io.chainplan.schemas.serde.DeadLetters;
import io.chainplan.schemas.serde.RegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DeadLetterExceptionHandlersTest {
    private static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = "v".getBytes(StandardCharsets.UTF_8);

    private static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            public String topic() {
                return "chainplan.requests";
            }

            public int partition() {
                return 3;
            }

            public long offset() {
                return 42;
            }

            public Headers headers() {
                return new RecordHeaders();
            }

            public String processorNodeId() {
                return "requests-process";
            }

            public TaskId taskId() {
                return new TaskId(0, 3);
            }

            public long timestamp() {
                return 0;
            }

            public byte[] sourceRawKey() {
                return KEY;
            }

            public byte[] sourceRawValue() {
                return VALUE;
            }
        };
    }

    @Test
    void shouldDeadLetterAnUnexpectedProcessingExceptionWithTheSourceBytes() {
        RecordingIngestMetrics metrics = new RecordingIngestMetrics();
        DeadLetterExceptionHandlers.Processing handler = new DeadLetterExceptionHandlers.Processing();
        handler.configure(Map.of(DeadLetterExceptionHandlers.DEAD_LETTER_TOPIC_CONFIG, "dlq",
                DeadLetterExceptionHandlers.METRICS_CONFIG, metrics));
        ProcessingExceptionHandler.Response r = handler.handleError(context(), new Record<>("k", "v", 0), new IllegalStateException("bug"));
        assertThat(r.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        ProducerRecord<byte[], byte[]> dl = r.deadLetterQueueRecords().get(0);
        assertThat(dl.topic()).isEqualTo("dlq");
        assertThat(dl.key()).isEqualTo(KEY);
        assertThat(dl.value()).isEqualTo(VALUE);
        assertThat(DeadLetters.header(dl.headers(), DeadLetters.HEADER_STAGE)).isEqualTo("process");
        assertThat(DeadLetters.header(dl.headers(), DeadLetters.HEADER_OFFSET)).isEqualTo("42");
        assertThat(metrics.count("dead:chainplan.requests:process")).isEqualTo(1);
    }

    @Test
    void shouldLetAFailModeBadRecordStopTheApplication() {
        DeadLetterExceptionHandlers.Processing handler = new DeadLetterExceptionHandlers.Processing();
        handler.configure(Map.of(DeadLetterExceptionHandlers.DEAD_LETTER_TOPIC_CONFIG, "dlq"));
        ProcessingExceptionHandler.Response r = handler.handleError(context(), new Record<>("k", "v", 0),
                new BadRecordFailure("bad", new RuntimeException()));
        assertThat(r.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
    }

    @Test
    void shouldFailRatherThanSkipARecordTheRegistryCouldNotServe() {
        RecordingIngestMetrics metrics = new RecordingIngestMetrics();
        Map<String, Object> configs = Map.of(DeadLetterExceptionHandlers.DEAD_LETTER_TOPIC_CONFIG, "dlq",
                DeadLetterExceptionHandlers.METRICS_CONFIG, metrics);
        DeadLetterExceptionHandlers.Processing processing = new DeadLetterExceptionHandlers.Processing();
        processing.configure(configs);
        DeadLetterExceptionHandlers.Deserialization deserialization = new DeadLetterExceptionHandlers.Deserialization();
        deserialization.configure(configs);
        RuntimeException outage = new StreamsException(
                new RegistryUnavailableException("chainplan.requests", 3, "cannot fetch writer schema",
                        new SchemaRegistryException(0, "connection refused")));

        ProcessingExceptionHandler.Response p = processing.handleError(context(), new Record<>("k", "v", 0), outage);
        DeserializationExceptionHandler.Response d = deserialization.handleError(context(),
                new ConsumerRecord<>("chainplan.requests", 3, 42, KEY, VALUE), outage);

        assertThat(p.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(p.deadLetterQueueRecords()).isEmpty();
        assertThat(d.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
        assertThat(d.deadLetterQueueRecords()).isEmpty();
        assertThat(metrics.count("bad:chainplan.requests:deserialize") + metrics.count("bad:chainplan.requests:process")).isZero();
    }
}
