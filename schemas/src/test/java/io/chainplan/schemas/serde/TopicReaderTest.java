package io.chainplan.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.registry.SchemaRegistryException;
import io.chainplan.schemas.testing.SampleRecords;
import io.chainplan.schemas.testing.SwitchableRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Following a topic while the registry is out: nothing is skipped or called unreadable. */
class TopicReaderTest {
    private static final String TOPIC = "chainplan.models";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    private final SwitchableRegistry registry = new SwitchableRegistry();
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final TopicReader<ModelSpec> reader = new TopicReader<>(consumer, TOPIC,
            new AvroDeserializer<>(ModelSpec.class, registry, RegistryRetry.NONE));
    private final byte[] good = new AvroSerializer<ModelSpec>(registry.inner(), false).serialize(TOPIC, SampleRecords.modelSpec());

    @BeforeEach
    void follow() {
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        reader.seek(Map.of(0, 5L, 1, 9L));
    }

    private void deliver() {
        consumer.addRecord(record(P0, 5, good));
        consumer.addRecord(record(P0, 6, "garbage".getBytes(StandardCharsets.UTF_8)));
        consumer.addRecord(record(P1, 9, good));
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset, byte[] value) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, "llama-2-7b".getBytes(StandardCharsets.UTF_8), value);
    }

    @Test
    void shouldRewindTheWholeBatchWhenTheRegistryIsUnavailableAndReturnItOnceItIsBack() {
        registry.failWith(SchemaRegistryException.NO_RESPONSE);
        deliver();

        assertThatThrownBy(() -> reader.poll(Duration.ZERO)).isInstanceOf(RegistryUnavailableException.class);
        assertThat(consumer.position(P0)).isEqualTo(5);
        assertThat(consumer.position(P1)).isEqualTo(9);

        registry.up();
        deliver();
        List<TopicReader.Read<ModelSpec>> reads = reader.poll(Duration.ZERO);

        assertThat(reads).hasSize(3);
        assertThat(reads.stream().filter(r -> r instanceof TopicReader.Value<ModelSpec>)).hasSize(2);
        assertThat(reads.stream().filter(r -> r instanceof TopicReader.Undecodable<ModelSpec>))
                .singleElement().satisfies(r -> assertThat(r.record().offset()).isEqualTo(6));
    }
}
