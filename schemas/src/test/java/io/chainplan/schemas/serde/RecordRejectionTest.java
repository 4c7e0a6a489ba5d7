package io.chainplan.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RecordRejectionTest {
    private static final ConsumerRecord<byte[], byte[]> BAD = new ConsumerRecord<>("in", 2, 41,
            "k".getBytes(StandardCharsets.UTF_8), new byte[] {7, 7});

    private final List<String> counted = new ArrayList<>();
    private final RecordRejection rejection = new RecordRejection("dead", LoggerFactory.getLogger("test"),
            (topic, stage, mode) -> counted.add(topic + "/" + stage + "/" + mode));

    @Test
    void shouldBuildADeadLetterWithTheOriginalBytesAndCountIt() {
        Optional<ProducerRecord<byte[], byte[]>> dl = rejection.reject(FailureMode.DEAD_LETTER, BAD, "deserialize",
                new IllegalArgumentException("unknown magic byte 7"));

        assertThat(dl).isPresent();
        assertThat(dl.get().topic()).isEqualTo("dead");
        assertThat(dl.get().key()).isEqualTo(BAD.key());
        assertThat(dl.get().value()).isEqualTo(BAD.value());
        assertThat(DeadLetters.header(dl.get().headers(), DeadLetters.HEADER_STAGE)).isEqualTo("deserialize");
        assertThat(DeadLetters.header(dl.get().headers(), DeadLetters.HEADER_OFFSET)).isEqualTo("41");
        assertThat(DeadLetters.header(dl.get().headers(), DeadLetters.HEADER_EXCEPTION_MESSAGE))
                .isEqualTo("unknown magic byte 7");
        assertThat(counted).containsExactly("in/deserialize/DEAD_LETTER");
    }

    @Test
    void shouldCountAndSkipWithoutADeadLetter() {
        assertThat(rejection.reject(FailureMode.LOG_AND_SKIP, BAD, "validate", new IllegalArgumentException("NaN")))
                .isEmpty();
        assertThat(counted).containsExactly("in/validate/LOG_AND_SKIP");
    }

    @Test
    void shouldFailNamingTheRecordAndTheStageWithoutCounting() {
        assertThatThrownBy(() -> rejection.reject(FailureMode.FAIL, BAD, "validate",
                new IllegalArgumentException("rate is NaN")))
                .isInstanceOfSatisfying(InputFailureException.class, e -> {
                    assertThat(e.topic()).isEqualTo("in");
                    assertThat(e.partition()).isEqualTo(2);
                    assertThat(e.offset()).isEqualTo(41);
                    assertThat(e.stage()).isEqualTo("validate");
                    assertThat(e.getMessage()).isEqualTo(
                            "bad record in-2@41 (validate): rate is NaN; failure mode is fail");
                });
        assertThat(counted).isEmpty();
    }
}
