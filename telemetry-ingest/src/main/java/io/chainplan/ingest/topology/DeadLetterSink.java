package io.chainplan.ingest.topology;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where a processor that cannot forward hands its output: the processor of the global model store
 * ({@link ModelStoreUpdater}), since Kafka Streams' global processors have no downstream, writes its
 * dead letters and the accepted specs (to the accepted-models topic) here.
 * The app backs it with a producer of its own ({@code KafkaDeadLetterSink}); tests collect the
 * records in memory.
 * <p>Implementations are called on the global stream thread: they must be thread-safe, must not
 * block for long, and must not throw (a failed send is theirs to log and count, see
 * {@link IngestMetrics#deadLetterSendFailed}); an exception would stop the global thread and with
 * it the application.
 */
@FunctionalInterface
public interface DeadLetterSink {
    /**
     * Sends one record, asynchronously if it likes.
     *
     * @param deadLetter the record: a dead letter built by {@link io.chainplan.schemas.serde.DeadLetters}
     *                   (original key and value bytes, {@code chainplan.error.*} headers), or an accepted spec
     */
    void send(ProducerRecord<byte[], byte[]> deadLetter);
}
