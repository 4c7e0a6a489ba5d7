package io.chainplan.ingest.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class EventTimeExtractorTest {
    private static final EventTimeExtractor EXTRACTOR = new EventTimeExtractor(60_000);

    private static ConsumerRecord<Object, Object> record(long timestamp, Object value) {
        return new ConsumerRecord<>("t", 0, 0, timestamp, org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0,
                null, value, new org.apache.kafka.common.header.internals.RecordHeaders(), java.util.Optional.empty());
    }

    @Test
    void shouldTakeTheEventTimeFromTheDecodedValue() {
        assertThat(EXTRACTOR.extract(record(5_000, Decoded.ok(new byte[0], "v", 1_234)), 100)).isEqualTo(1_234);
    }

    @Test
    void shouldNotLetBadRecordsMoveStreamTime() {
        assertThat(EXTRACTOR.extract(record(9_999_999, Decoded.failed(new byte[0], new RuntimeException())), 100)).isEqualTo(100);
        assertThat(EXTRACTOR.extract(record(1_000, Decoded.ok(new byte[0], "v", 1_000_000)), 100))
                .as("event time far ahead of its producer's clock").isEqualTo(100);
        assertThat(EXTRACTOR.extract(record(1_000, Decoded.failed(new byte[0], new RuntimeException())), -1))
                .as("first record of a partition").isEqualTo(1_000);
    }
}
