package io.chainplan.optimizer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.schemas.registry.SchemaRegistryException;
import io.chainplan.schemas.serde.RegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class RecordBatchesTest {
    private static final TopicPartition A = new TopicPartition("t", 0);
    private static final TopicPartition B = new TopicPartition("t", 1);

    @Test
    void shouldRewindEveryPartitionToItsFirstUnhandledRecordWhenTheRegistryIsUnavailable() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.assign(List.of(A, B));
        consumer.updateBeginningOffsets(Map.of(A, 0L, B, 0L));
        consumer.seek(A, 0);
        consumer.seek(B, 0);
        for (int i = 0; i < 3; i++) {
            consumer.addRecord(record(A, i));
            consumer.addRecord(record(B, i));
        }
        List<String> handled = new ArrayList<>();
        RuntimeException outage = new RegistryUnavailableException("t", 1, "cannot fetch writer schema",
                new SchemaRegistryException(0, "down"));
        var batch = consumer.poll(Duration.ZERO);
        TopicPartition first = List.copyOf(batch.partitions()).get(0);
        TopicPartition second = first.equals(A) ? B : A;

        assertThatThrownBy(() -> RecordBatches.handle(consumer, batch, r -> {
            if (r.partition() == first.partition() && r.offset() == 1) {
                throw outage;
            }
            handled.add(r.partition() + "@" + r.offset());
        })).isSameAs(outage);

        assertThat(handled).containsExactly(first.partition() + "@0");
        assertThat(consumer.position(first)).isEqualTo(1);
        assertThat(consumer.position(second)).isEqualTo(0);
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, "k".getBytes(StandardCharsets.UTF_8), new byte[0]);
    }
}
