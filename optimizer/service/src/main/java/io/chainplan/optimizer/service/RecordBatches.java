package io.chainplan.optimizer.service;

import io.chainplan.schemas.serde.RegistryUnavailableException;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Hands the records of one poll to a handler, partition by partition in offset order, so that a
 * record the schema registry cannot serve now is read again rather than skipped: when the handler
 * throws {@link RegistryUnavailableException}, every partition of the batch is rewound to its first
 * record not yet handled (that record included) before the exception propagates, and the
 * consumer's next poll delivers them again. Records handled before it stay handled; the consumer's
 * position, which the optimizer commits, never passes an unhandled record.
 */
final class RecordBatches {
    private RecordBatches() {
    }

    /**
     * @param consumer the consumer that returned the batch
     * @param batch    what its poll returned
     * @param handler  handles one record
     * @throws RegistryUnavailableException after rewinding, if the handler threw it
     */
    static void handle(Consumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> batch,
                       java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        List<TopicPartition> partitions = List.copyOf(batch.partitions());
        for (int p = 0; p < partitions.size(); p++) {
            for (ConsumerRecord<byte[], byte[]> r : batch.records(partitions.get(p))) {
                try {
                    handler.accept(r);
                } catch (RegistryUnavailableException e) {
                    consumer.seek(partitions.get(p), r.offset());
                    for (TopicPartition later : partitions.subList(p + 1, partitions.size())) {
                        consumer.seek(later, batch.records(later).get(0).offset());
                    }
                    throw e;
                }
            }
        }
    }
}
