package io.chainplan.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    @Test
    void shouldKeepOriginalBytesAndAddContextHeaders() {
        byte[] key = {1, 2};
        byte[] value = {9, 9, 9};
        ConsumerRecord<byte[], byte[]> original = new ConsumerRecord<>("chainplan.telemetry", 3, 42L, key, value);
        WireFormatException error = new WireFormatException("chainplan.telemetry", 7, "bad", null);

        ProducerRecord<byte[], byte[]> dl = DeadLetters.of("chainplan.dead-letters", original, "deserialize", error);

        assertThat(dl.topic()).isEqualTo("chainplan.dead-letters");
        assertThat(dl.key()).isSameAs(key);
        assertThat(dl.value()).isSameAs(value);
        assertThat(DeadLetters.header(dl.headers(), DeadLetters.HEADER_TOPIC)).isEqualTo("chainplan.telemetry");
        assertThat(DeadLetters.header(dl.headers(), DeadLetters.HEADER_PARTITION)).isEqualTo("3");
        assertThat(DeadLetters.header(dl.headers(), DeadLetters.HEADER_OFFSET)).isEqualTo("42");
        assertThat(DeadLetters.header(dl.headers(), DeadLetters.HEADER_STAGE)).isEqualTo("deserialize");
        assertThat(DeadLetters.header(dl.headers(), "chainplan.error.exception.class"))
                .isEqualTo(WireFormatException.class.getName());
        assertThat(DeadLetters.header(dl.headers(), "chainplan.error.exception.message"))
                .isEqualTo("topic chainplan.telemetry, schema id 7: bad");
    }

    @Test
    void shouldTruncateVeryLongMessages() {
        ProducerRecord<byte[], byte[]> dl = DeadLetters.of("dl", "t", 0, 0, null, null, "validate",
                new IllegalArgumentException("x".repeat(10_000)));

        assertThat(DeadLetters.header(dl.headers(), DeadLetters.HEADER_EXCEPTION_MESSAGE)).hasSize(DeadLetters.MAX_MESSAGE_CHARS);
        assertThat(DeadLetters.header(dl.headers(), "absent")).isNull();
    }
}
