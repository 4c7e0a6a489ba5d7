package io.chainplan.optimizer.service;

import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.AvroDeserializer;
import io.chainplan.schemas.serde.FailureMode;
import io.chainplan.schemas.serde.InputFailureException;
import io.chainplan.schemas.serde.RecordRejection;
import io.chainplan.schemas.serde.RegistryUnavailableException;
import io.chainplan.schemas.serde.Topics;
import io.chainplan.schemas.validate.RecordChecks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge of the optimizer's inputs: each record read from the models, accepted-models,
 * server-estimates or demand-estimates topic is decoded, validated ({@link RecordChecks}, the rule telemetry-ingest applies too), mapped to domain values once
 * ({@link AvroMappers#modelInput}, {@link AvroMappers#serverInput}) and put into the
 * {@link ModelViews}; the models it touches are marked dirty in the {@link ReplanScheduler}.
 * <p>A bad record is handled by its topic's {@link FailureMode} through the shared
 * {@link RecordRejection} (see {@link OptimizerService}, "Bad input"); dead letters wait here until
 * the session's next transaction writes them. A record restored at start (read before it was
 * live) was handled when first read and is skipped at debug level; for the broadcast topics the
 * session remembers whether the latest record of a key is bad ({@link #failOnBadLatest}).
 * <p>A record that cannot be decoded because the schema registry is unavailable is not bad, on
 * restore as live: {@link RegistryUnavailableException} propagates (nothing about the record is
 * applied), and the caller reads the record again ({@link RecordBatches}).
 * <p>Used by the session's thread only.
 */
final class InputRecords {
    private static final Logger LOG = LoggerFactory.getLogger(InputRecords.class);

    private final Topics topics;
    private final OptimizerConfig config;
    private final ModelViews views;
    private final ReplanScheduler scheduler;
    private final PartitionOwnership ownership;
    private final RecordRejection rejection;
    private final AvroDeserializer<ModelSpec> modelDe;
    private final AvroDeserializer<ServerEstimate> serverDe;
    private final AvroDeserializer<DemandEstimate> demandDe;
    private final Map<String, InputFailureException> badOnRestore = new TreeMap<>();
    private final List<ProducerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();

    /**
     * @param topics    topic names
     * @param config    failure modes
     * @param views     where valid inputs go
     * @param scheduler where changed models are marked dirty
     * @param ownership which records are live and which bad ones this instance reports
     * @param metrics   counts skipped and dead-lettered records
     * @param registry  the schema registry
     */
    InputRecords(Topics topics, OptimizerConfig config, ModelViews views, ReplanScheduler scheduler,
                 PartitionOwnership ownership, OptimizerMetrics metrics, SchemaRegistry registry) {
        this.topics = topics;
        this.config = config;
        this.views = views;
        this.scheduler = scheduler;
        this.ownership = ownership;
        this.rejection = new RecordRejection(topics.deadLetters(), LOG, (topic, stage, mode) -> {
            if (mode == FailureMode.DEAD_LETTER) {
                metrics.deadLetter(topic, stage);
            } else {
                metrics.skipped(topic, stage);
            }
        });
        this.modelDe = new AvroDeserializer<>(ModelSpec.class, registry);
        this.serverDe = new AvroDeserializer<>(ServerEstimate.class, registry);
        this.demandDe = new AvroDeserializer<>(DemandEstimate.class, registry);
    }

    /** @return dead letters not yet written */
    List<ProducerRecord<byte[], byte[]>> pendingDeadLetters() {
        return List.copyOf(deadLetters);
    }

    /** The pending dead letters were committed. */
    void deadLettersWritten() {
        deadLetters.clear();
    }

    /** @param r a record of the demand-estimates topic */
    void onDemand(ConsumerRecord<byte[], byte[]> r) {
        boolean live = ownership.isLive(new TopicPartition(r.topic(), r.partition()), r.offset());
        String key = key(r);
        if (key == null) {
            reject(r, live, live, "validate", new IllegalArgumentException("record has no key (model id)"));
            return;
        }
        if (r.value() == null) {
            views.removeDemand(key);
            scheduler.markDirty(key);
            return;
        }
        DemandEstimate e = decode(demandDe, r, live, live).orElse(null);
        if (e == null) {
            return;
        }
        Optional<String> problem = RecordChecks.demandEstimate(key, e);
        if (problem.isPresent()) {
            reject(r, live, live, "validate", new IllegalArgumentException(problem.get()));
            return;
        }
        if (live && !views.knowsModel(key)) {
            reject(r, true, true, "unknown-model", new IllegalArgumentException(
                    "unknown model " + key + " (no model spec); kept until one arrives"));
        }
        views.putDemand(key, e.getArrivalRatePerSecond(), e.getLowerPerSecond(), e.getUpperPerSecond(),
                AvroMappers.burstiness(e), AvroMappers.tokens(e), AvroMappers.tokenErrors(e), e.getTokenMixPending());
        scheduler.markDirty(key);
    }

    /**
     * @param r    a record of the models or server-estimates topic
     * @param live read after start-up (records restored at start were handled when first read)
     */
    void onBroadcast(ConsumerRecord<byte[], byte[]> r, boolean live) {
        boolean mine = live && ownership.responsibleFor(r.partition());
        String key = key(r);
        if (key == null) {
            reject(r, live, mine, "validate", new IllegalArgumentException("record has no key"));
            return;
        }
        badOnRestore.remove(r.topic() + '\u0000' + key);
        if (r.topic().equals(topics.models())) {
            onModel(r, key, live, mine, false);
        } else if (r.topic().equals(topics.acceptedModels())) {
            onModel(r, key, live, mine, true);
        } else {
            onServer(r, key, live, mine);
        }
    }

    /**
     * @param accepted whether it was read from the accepted-models topic (telemetry-ingest's copy of each
     *                 model's last good spec, see {@link ModelViews#putAccepted}) rather than the models topic
     */
    private void onModel(ConsumerRecord<byte[], byte[]> r, String key, boolean live, boolean mine, boolean accepted) {
        if (r.value() == null) {
            if (accepted) {
                views.removeAccepted(key);
            } else {
                views.removeModel(key);
            }
            scheduler.markDirty(key);
            return;
        }
        ModelSpec spec = decode(modelDe, r, live, mine).orElse(null);
        if (spec == null) {
            return;
        }
        Optional<String> problem = RecordChecks.modelSpec(key, spec);
        if (problem.isPresent()) {
            reject(r, live, mine, "validate", new IllegalArgumentException(problem.get()));
            return;
        }
        if (accepted) {
            views.putAccepted(AvroMappers.modelInput(spec));
        } else {
            views.put(AvroMappers.modelInput(spec));
        }
        scheduler.markDirty(key);
    }

    private void onServer(ConsumerRecord<byte[], byte[]> r, String key, boolean live, boolean mine) {
        scheduler.markAllDirty();
        if (r.value() == null) {
            views.removeServer(key);
            return;
        }
        ServerEstimate e = decode(serverDe, r, live, mine).orElse(null);
        if (e == null) {
            return;
        }
        Optional<String> problem = RecordChecks.serverEstimate(key, e);
        if (problem.isPresent()) {
            reject(r, live, mine, "validate", new IllegalArgumentException(problem.get()));
            return;
        }
        ServerInput server = AvroMappers.serverInput(e);
        Optional<String> model = server.model();
        if (model.isPresent() && live && !views.knowsModel(model.get()) && ownership.owns(model.get())) {
            reject(r, true, mine, "unknown-model", new IllegalArgumentException("unknown model " + model.get()
                    + " of server " + key + " (no model spec); kept until one arrives"));
        }
        views.put(server);
    }

    /**
     * @return the decoded value, or empty if it is bad (then rejected as stage {@code deserialize})
     * @throws RegistryUnavailableException if the registry cannot serve its schema now (not rejected)
     */
    private <T> Optional<T> decode(Deserializer<T> de, ConsumerRecord<byte[], byte[]> r, boolean live, boolean mine) {
        try {
            return Optional.of(de.deserialize(r.topic(), r.value()));
        } catch (RegistryUnavailableException ex) {
            throw ex;
        } catch (RuntimeException ex) {
            reject(r, live, mine, "deserialize", ex);
            return Optional.empty();
        }
    }

    /**
     * Under {@link FailureMode#FAIL}, a broadcast topic (no committed offsets) whose latest record of
     * some key is bad fails the start, so a restart does not quietly skip what stopped the
     * service; a bad record superseded by a valid one (or a tombstone) of the same key is harmless.
     *
     * @throws InputFailureException if such a record is found
     */
    void failOnBadLatest() {
        for (InputFailureException e : badOnRestore.values()) {
            if (modeOf(e.topic()) == FailureMode.FAIL) {
                LOG.error("{}", e.getMessage());
                throw e;
            }
            LOG.debug("latest record of a key is bad: {}", e.getMessage());
        }
        badOnRestore.clear();
    }

    private FailureMode modeOf(String topic) {
        if (topic.equals(topics.models()) || topic.equals(topics.acceptedModels())) {
            return config.modelsFailureMode();
        }
        return topic.equals(topics.serverEstimates()) ? config.serversFailureMode() : config.demandFailureMode();
    }

    /**
     * @param live whether it was read live (a restored record was handled when first read; for the
     *             broadcast topics, remember whether the latest record of its key is bad)
     * @param mine whether this instance reports it ({@link PartitionOwnership#responsibleFor});
     *             {@code fail} stops every instance that reads it live
     */
    private void reject(ConsumerRecord<byte[], byte[]> r, boolean live, boolean mine, String stage, Exception why) {
        if (!live) {
            LOG.debug("skipping bad record {}-{}@{} on restore: {}", r.topic(), r.partition(), r.offset(),
                    why.getMessage());
            if (r.key() != null && !r.topic().equals(topics.demandEstimates())) {
                badOnRestore.put(r.topic() + '\u0000' + key(r),
                        new InputFailureException(r.topic(), r.partition(), r.offset(), stage, why));
            }
            return;
        }
        FailureMode mode = modeOf(r.topic());
        if (mine || mode == FailureMode.FAIL) {
            rejection.reject(mode, r, stage, why).ifPresent(deadLetters::add);
        }
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }
}
