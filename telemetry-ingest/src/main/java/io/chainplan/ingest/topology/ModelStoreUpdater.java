package io.chainplan.ingest.topology;

import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.serde.DeadLetters;
import io.chainplan.schemas.serde.FailureMode;
import io.chainplan.schemas.validate.ModelBounds;
import io.chainplan.schemas.validate.RecordChecks;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global model store (model id to {@link ModelInfo}: block count L, context and declared mean
 * tokens) up to date from the compacted models topic; a tombstone removes a model. A model spec that
 * does not decode (stage {@code deserialize}) or validate (stage {@code validate}:
 * {@link RecordChecks#modelSpec}, the optimizer's rule too) is handled by the {@link FailureMode} like a bad record on any other input:
 * {@code dead-letter} builds the same dead letter as {@link DeadLetterProcessor} (original key and
 * value bytes and headers, {@code chainplan.error.*} headers naming topic, partition, offset, stage
 * and error, via {@link DeadLetters}) and hands it to a {@link DeadLetterSink}, because a global
 * processor cannot forward; {@code log-and-skip} logs it and counts it as skipped
 * ({@code bad-model-spec}); {@code fail} throws {@link BadRecordFailure}, which stops the global
 * thread and so the application. In every mode it is counted as a bad record, and the store keeps
 * the model's previous spec (if any): request events for a model that never had a good spec are
 * dead-lettered as of an unknown model.
 * <p>Last good specs, durably: every good spec is also written, bytes as read, to the compacted
 * accepted-models topic (and a tombstone there when the model is deleted), through the
 * {@code accepted} sink, at least once (again at every rebuild). Compaction of the models topic can
 * leave a bad spec as the only record of its model; {@link AcceptedModelUpdater} then supplies the last
 * good one from the accepted-models topic (the optimizer reads it the same way).
 * <p>Delivery of these dead letters is at least once, and outside exactly-once:
 * <ul>
 *   <li>Kafka Streams 4.3 re-runs this processor when it rebuilds the global store
 *       ({@code StreamsBuilder.addGlobalStore} registers it with {@code reprocessOnRestore}, and
 *       {@code GlobalStateManagerImpl.reprocessState} replays the topic from the store's checkpoint
 *       through a fresh processor). The store is in memory, so it has no checkpoint and is rebuilt
 *       from the start of the models topic at every start of the application: a bad spec still on
 *       the (compacted) topic is dead-lettered, counted and logged again at every start until a good
 *       spec or a tombstone for its key replaces it. Duplicates carry the same topic, partition and
 *       offset headers, which identify them. (Skipping records read during the rebuild would lose the
 *       dead letters of specs published while the application was down, so it is not done.)</li>
 *   <li>The global thread is not part of the stream threads' transactions: the dead letter is sent
 *       by the sink's own producer when the spec is read, whether or not any transaction commits,
 *       and a send that fails is logged and counted by the sink, not retried from here.</li>
 * </ul>
 */
final class ModelStoreUpdater implements Processor<byte[], Decoded<ModelSpec>, Void, Void> {
    /** Skip reason counted for a bad spec in {@code log-and-skip} mode. */
    static final String SKIP_REASON = "bad-model-spec";
    private static final Logger LOG = LoggerFactory.getLogger(ModelStoreUpdater.class);

    private final String storeName;
    private final String topic;
    private final String deadLetterTopic;
    private final FailureMode mode;
    private final DeadLetterSink sink;
    private final String acceptedTopic;
    private final DeadLetterSink accepted;
    private final IngestMetrics metrics;
    private final AtomicLong version;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, ModelInfo> store;

    /**
     * @param storeName       the global store
     * @param topic           the models topic
     * @param deadLetterTopic where dead letters go
     * @param mode            what to do with a bad spec
     * @param sink            takes the dead letters ({@code dead-letter} mode)
     * @param acceptedTopic   the accepted-models topic
     * @param accepted        takes the records for the accepted-models topic
     * @param metrics         counts
     * @param version         incremented after every change of the store, so that readers caching its
     *                        entries ({@link RequestProcessor}) know when to drop their copies
     */
    ModelStoreUpdater(String storeName, String topic, String deadLetterTopic, FailureMode mode, DeadLetterSink sink,
                      String acceptedTopic, DeadLetterSink accepted, IngestMetrics metrics, AtomicLong version) {
        this.storeName = Objects.requireNonNull(storeName, "storeName");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.deadLetterTopic = Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.acceptedTopic = Objects.requireNonNull(acceptedTopic, "acceptedTopic");
        this.accepted = Objects.requireNonNull(accepted, "accepted");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.version = Objects.requireNonNull(version, "version");
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<byte[], Decoded<ModelSpec>> record) {
        metrics.recordIn(topic, -1);
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        Decoded<ModelSpec> d = record.value();
        byte[] raw = d == null ? null : d.raw();
        if (raw == null && key != null) {
            store.delete(key);
            version.incrementAndGet();
            accepted.send(new ProducerRecord<>(acceptedTopic, null, record.timestamp(), record.key(), (byte[]) null));
            return;
        }
        if (raw == null || !d.ok()) {
            RuntimeException error = d != null && d.error() != null ? d.error()
                    : new InvalidRecordException(raw == null ? "tombstone without a key" : "value decoded to null");
            bad(record, raw, Checked.DESERIALIZE, error);
            return;
        }
        String problem = problem(d.value(), key);
        if (problem != null) {
            bad(record, raw, Checked.VALIDATE, new InvalidRecordException(problem));
            return;
        }
        ModelSpec m = d.value();
        store.put(key, info(m));
        version.incrementAndGet();
        accepted.send(new ProducerRecord<>(acceptedTopic, null, record.timestamp(), record.key(), raw));
    }

    /**
     * @param m a valid spec
     * @return what the model stores keep of it
     */
    static ModelInfo info(ModelSpec m) {
        return new ModelInfo(ModelBounds.of(m), new TokenMix(m.getMeanInputTokens(), m.getMeanOutputTokens()));
    }

    /**
     * @param m   a decoded spec
     * @param key its record key as text, or null
     * @return why it cannot be used, or null if it can
     */
    static String problem(ModelSpec m, String key) {
        return RecordChecks.modelSpec(key, m).orElse(null);
    }

    private void bad(Record<byte[], Decoded<ModelSpec>> record, byte[] raw, String stage, RuntimeException error) {
        RecordSource source = RecordSource.of(context, topic);
        metrics.badRecord(topic, stage);
        if (mode == FailureMode.FAIL) {
            throw new BadRecordFailure("bad model spec at " + source.where() + " (" + stage + "): " + error.getMessage(), error);
        }
        LOG.warn("bad model spec at {} ({}, key {}, mode {}): {}", source.where(), stage,
                record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8), mode.configValue(),
                error.getMessage());
        if (mode == FailureMode.LOG_AND_SKIP) {
            metrics.skipped(topic, SKIP_REASON);
            return;
        }
        sink.send(source.deadLetter(deadLetterTopic, record.key(), raw, record.timestamp(), record.headers(), stage, error));
        metrics.deadLettered(topic, stage);
    }
}
