package io.chainplan.ingest.topology;

import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.serde.DeadLetters;
import io.chainplan.schemas.serde.FailureMode;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global model store (model id to {@link ModelInfo}: block count L and declared mean tokens) up to date from the compacted models
 * topic; a tombstone removes a model. A model spec that does not decode (stage
 * {@code deserialize}) or validate (stage {@code validate}: empty id, key differing from the id,
 * {@code blocks < 1}) is handled by the {@link FailureMode} like a bad record on any other input:
 * {@code dead-letter} builds the same dead letter as {@link DeadLetterProcessor} (original key and
 * value bytes and headers, {@code chainplan.error.*} headers naming topic, partition, offset, stage
 * and error, via {@link DeadLetters}) and hands it to a {@link DeadLetterSink}, because a global
 * processor cannot forward; {@code log-and-skip} logs it and counts it as skipped
 * ({@code bad-model-spec}); {@code fail} throws {@link BadRecordFailure}, which stops the global
 * thread and so the application. In every mode it is counted as a bad record, and the store keeps
 * the model's previous spec (if any): request events for a model that never had a good spec are
 * dead-lettered as of an unknown model.
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
     * @param metrics         counts
     * @param version         incremented after every change of the store, so that readers caching its
     *                        entries ({@link RequestProcessor}) know when to drop their copies
     */
    ModelStoreUpdater(String storeName, String topic, String deadLetterTopic, FailureMode mode, DeadLetterSink sink,
                      IngestMetrics metrics, AtomicLong version) {
        this.storeName = Objects.requireNonNull(storeName, "storeName");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.deadLetterTopic = Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.sink = Objects.requireNonNull(sink, "sink");
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
        store.put(key, new ModelInfo(m.getBlocks(), new TokenMix(m.getMeanInputTokens(), m.getMeanOutputTokens())));
        version.incrementAndGet();
    }

    /**
     * @param m   a decoded spec
     * @param key its record key as text, or null
     * @return why it cannot be used, or null if it can
     */
    static String problem(ModelSpec m, String key) {
        if (m.getId() == null || m.getId().isEmpty()) {
            return "id must not be empty";
        }
        if (!m.getId().equals(key)) {
            return "record key \"" + key + "\" must equal id \"" + m.getId() + "\"";
        }
        return m.getBlocks() < 1 ? "blocks must be >= 1, was " + m.getBlocks() : null;
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
