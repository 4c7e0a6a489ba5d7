package io.chainplan.ingest.topology;

import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.FleetMember;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerTelemetry;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.AvroDeserializer;
import io.chainplan.schemas.serde.FailureMode;
import io.chainplan.schemas.serde.Topics;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.ToLongFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The telemetry-ingest topology (DESIGN.md §2): request events, server telemetry, model specs
 * and, optionally, Prometheus-adapter GPU metrics in; demand and server estimates out.
 *
 * <pre>
 * models ──> global store model-blocks-store (model id -> L, context, declared token means)
 *               ├─ invalid ─> DeadLetterSink (own producer: a global processor cannot forward) ─> dead-letters
 *               └─ valid (bytes as read), tombstones ─> the same producer ─> accepted-models
 * accepted-models ─> global store accepted-model-store (the last good spec, where models' latest is bad)
 * fleet ───> global store fleet-store (server id -> model id: the servers hops may name)
 * requests ─> requests-process [demand-pending-store, demand-state-store, server-timing-store;
 *               │                reads model-blocks-store, fleet-store]
 *               ├─ invalid ─> requests-dead-letter ─> dead-letters
 *               ├─ demand estimates (by model id) ─> demand-estimates
 *               └─ timing summaries (by server id) ───────────────────────────────┐
 * telemetry ─> telemetry-validate ─┬─ invalid ─> dead-letters                      │
 *                                  └─ valid ─────────────────────────────────────┤
 * gpu-metrics (JSON, optional) ─> gpu-metrics-validate ─┬─ invalid ─> dead-letters│
 *                                                       └─ valid ────────────────┤
 *                        server-inputs (repartition by server id) <───────────────┘
 *                          ├─> server-estimator [server-state-store; reads model-blocks-store] (+ liveness) ─> server-estimates
 *                          └─> servers-announce (first telemetry or GPU reading of a server) ─> fleet
 * </pre>
 *
 * <p>Sources read bytes through a {@link DecodingSerde} so that undecodable records reach the
 * validation branch with their original bytes, while a record that cannot be decoded because the
 * schema registry is unavailable stops the task instead (stream sources) or makes the global model
 * store wait (see {@link DecodingSerde}); never is such a record dead-lettered. Event time is taken from each record's
 * {@code timestampMillis} by an {@link EventTimeExtractor}. Every processor, store, repartition
 * topic, source and sink is named ({@link Names}), so changelog and repartition topic names are
 * stable. State stores are in-memory with changelogs (small: one entry per model or server), behind an
 * {@link ObjectCacheStore} that keeps decoded values and writes the changed ones once per commit.
 * <p>Why not KIP-1034's built-in dead-letter queue ({@code errors.dead.letter.queue.topic.name},
 * available in Kafka Streams 4.3): validation failures need the original bytes too, which a
 * processor after a typed source no longer has, and one path for both kinds keeps the headers
 * ({@code chainplan.error.*}) identical. The app still installs KIP-1034 handlers
 * ({@link DeadLetterExceptionHandlers}) as a safety net for unexpected exceptions.
 */
public final class IngestTopology {
    /**
     * Names of stores and the repartition topic.
     *
     * @param modelStore         global store, model id to block count, context and declared token means
     * @param acceptedModelStore global store, the last good spec of each model (from the accepted-models topic)
     * @param fleetStore         global store, server id to the model it serves (servers that reported telemetry)
     * @param demandPendingStore open demand buckets per model
     * @param demandStateStore   arrival-rate estimator state per model
     * @param serverTimingStore  hop-timing state per server (in the requests task)
     * @param serverStateStore   server state per server
     * @param serverInputs       repartition topic name suffix of the server inputs
     */
    public record Names(String modelStore, String acceptedModelStore, String fleetStore, String demandPendingStore,
                        String demandStateStore, String serverTimingStore, String serverStateStore, String serverInputs) {
        /** The names used by {@link #build}. */
        public static final Names DEFAULT = new Names("model-blocks-store", "accepted-model-store", "fleet-store",
                "demand-pending-store", "demand-state-store", "server-timing-store", "server-state-store", "server-inputs");
    }

    /** Used with {@code log-and-skip} or {@code fail} only, so it is never called. */
    private static final DeadLetterSink NO_SINK = deadLetter -> {
        throw new IllegalStateException("no dead-letter sink for model specs");
    };
    /** Writes nothing: the topology built without a producer keeps no durable record of accepted specs. */
    private static final DeadLetterSink DROP = accepted -> {
    };

    private IngestTopology() {
    }

    /**
     * Builds the topology without a sink for the model store's dead letters: a bad model spec is
     * then handled in {@code log-and-skip} mode when the failure mode is {@code dead-letter} (logged,
     * counted as bad and as skipped {@code bad-model-spec}, not written anywhere), and as configured
     * otherwise; good specs are not written to the accepted-models topic (it is still read). Every
     * other input dead-letters as configured.
     *
     * @param topics   topic names
     * @param registry schema registry for the Avro topics
     * @param settings tuning
     * @param metrics  where to report counts
     * @return the topology, ready for {@code new KafkaStreams(...)} or {@code TopologyTestDriver}
     */
    public static Topology build(Topics topics, SchemaRegistry registry, IngestSettings settings, IngestMetrics metrics) {
        Objects.requireNonNull(settings, "settings");
        FailureMode models = settings.failureMode() == FailureMode.DEAD_LETTER ? FailureMode.LOG_AND_SKIP
                : settings.failureMode();
        return build(topics, registry, settings, metrics, NO_SINK, DROP, models, () -> true);
    }

    /**
     * Builds the topology; bad model specs are dead-lettered through {@code modelDeadLetters}
     * (when the failure mode is {@code dead-letter}), since the processor of the global model store
     * cannot forward to the dead-letter sink node the other inputs use; good specs (and tombstones)
     * go to the accepted-models topic through the same sink. See
     * {@link ModelStoreUpdater} for what that means: at-least-once (again at every rebuild of the
     * global store), outside the exactly-once transactions.
     *
     * @param topics           topic names
     * @param registry         schema registry for the Avro topics
     * @param settings         tuning
     * @param metrics          where to report counts
     * @param modelDeadLetters takes the dead letters of bad model specs, on the global stream thread
     * @return the topology, ready for {@code new KafkaStreams(...)} or {@code TopologyTestDriver}
     */
    public static Topology build(Topics topics, SchemaRegistry registry, IngestSettings settings, IngestMetrics metrics,
                                 DeadLetterSink modelDeadLetters) {
        return build(topics, registry, settings, metrics, modelDeadLetters, () -> true);
    }

    /**
     * Builds the topology as {@link #build(Topics, SchemaRegistry, IngestSettings, IngestMetrics, DeadLetterSink)}
     * does, with a bound on how long the global model store waits for an unavailable registry.
     *
     * @param topics           topic names
     * @param registry         schema registry for the Avro topics
     * @param settings         tuning
     * @param metrics          where to report counts
     * @param modelDeadLetters takes the dead letters of bad model specs, on the global stream thread
     * @param running          while true, the global model store waits out a registry outage (the
     *                         global thread cannot be replaced); turn it false before closing the
     *                         application so that a waiting global thread lets go
     * @return the topology
     */
    public static Topology build(Topics topics, SchemaRegistry registry, IngestSettings settings, IngestMetrics metrics,
                                 DeadLetterSink modelDeadLetters, BooleanSupplier running) {
        Objects.requireNonNull(settings, "settings");
        return build(topics, registry, settings, metrics, modelDeadLetters, modelDeadLetters, settings.failureMode(),
                running);
    }

    private static Topology build(Topics topics, SchemaRegistry registry, IngestSettings settings, IngestMetrics metrics,
                                  DeadLetterSink modelDeadLetters, DeadLetterSink acceptedSpecs, FailureMode modelsMode,
                                  BooleanSupplier running) {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(modelDeadLetters, "modelDeadLetters");
        Names names = Names.DEFAULT;
        StreamsBuilder b = new StreamsBuilder();
        EventTimeExtractor time = new EventTimeExtractor(settings.maxFutureSkewMillis());
        AtomicLong modelsVersion = new AtomicLong();
        AtomicLong fleetVersion = new AtomicLong();
        InputFrontier frontier = new InputFrontier(settings.downAfterMillis());
        Objects.requireNonNull(running, "running");
        addAcceptedModelStore(b, names, topics, registry, time, metrics, modelsVersion, running);
        addModelStore(b, names, topics, registry, time, metrics, modelsVersion, modelsMode, modelDeadLetters, acceptedSpecs,
                running);
        addFleetStore(b, names, topics, registry, time, metrics, fleetVersion, running);
        addStores(b, names);

        Map<String, KStream<String, RequestOutput>> requestOut = b.stream(topics.requests(),
                        consumed(avro(RequestEvent.class, registry, e -> e.getTimestampMillis().toEpochMilli()), time, "requests-source"))
                .process(() -> new RequestProcessor(names, settings, topics.requests(), topics.demandEstimates(), metrics,
                                modelsVersion, fleetVersion),
                        Named.as("requests-process"), names.demandPendingStore(), names.demandStateStore(), names.serverTimingStore())
                .split(Named.as("requests-out-"))
                .branch((k, v) -> v instanceof RequestOutput.Demand, Branched.as("demand"))
                .branch((k, v) -> v instanceof RequestOutput.Timing, Branched.as("timing"))
                .defaultBranch(Branched.as("invalid"));
        requestOut.get("requests-out-demand")
                .mapValues(v -> ((RequestOutput.Demand) v).estimate(), Named.as("demand-estimates-values"))
                .to(topics.demandEstimates(), Produced.with(Serdes.String(), Topics.valueSerde(DemandEstimate.class, registry))
                        .withName("demand-estimates-sink"));
        deadLetter(requestOut.get("requests-out-invalid")
                .mapValues(v -> ((RequestOutput.Invalid) v).checked(), Named.as("requests-invalid-values")), "requests", topics,
                settings, metrics);
        KStream<String, ServerInput> inputs = requestOut.get("requests-out-timing")
                .mapValues(v -> ((RequestOutput.Timing) v).input(), Named.as("server-timing-values"));

        KStream<String, ServerTelemetry> telemetry = route(b.stream(topics.telemetry(),
                        consumed(avro(ServerTelemetry.class, registry, t -> t.getTimestampMillis().toEpochMilli()), time, "telemetry-source"))
                .process(() -> new TelemetryValidator(topics.telemetry(), metrics, settings.maxFutureSkewMillis()),
                        Named.as("telemetry-validate")), "telemetry", topics, settings, metrics);
        inputs = inputs.merge(telemetry.mapValues(t -> (ServerInput) new ServerInput.Telemetry(AvroMapping.telemetry(t)),
                Named.as("telemetry-to-server-input")), Named.as("server-inputs-merge-telemetry"));
        if (settings.readsGpuMetrics()) {
            inputs = inputs.merge(gpuMetrics(b, topics, settings, metrics, time), Named.as("server-inputs-merge-gpu"));
        }
        KStream<String, ServerInput> byServer = inputs.repartition(Repartitioned.with(Serdes.String(),
                InternalSerdes.serverInput()).withName(names.serverInputs()));
        byServer.process(ServerAnnouncer::new, Named.as("servers-announce"))
                .to(topics.fleet(), Produced.with(Serdes.String(), Topics.valueSerde(FleetMember.class, registry))
                        .withName("fleet-sink"));
        byServer.process(() -> new ServerProcessor(names, modelsVersion, settings, topics.serverEstimates(),
                        metrics, frontier),
                        Named.as("server-estimator"), names.serverStateStore())
                .to(topics.serverEstimates(), Produced.with(Serdes.String(), Topics.valueSerde(ServerEstimate.class, registry))
                        .withName("server-estimates-sink"));
        return b.build();
    }

    /** The global model store, fed by {@link ModelStoreUpdater} (re-run over the whole topic whenever the store is rebuilt). */
    private static void addModelStore(StreamsBuilder b, Names names, Topics topics, SchemaRegistry registry,
                                      EventTimeExtractor time, IngestMetrics metrics, AtomicLong modelsVersion,
                                      FailureMode mode, DeadLetterSink sink, DeadLetterSink accepted,
                                      BooleanSupplier running) {
        b.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(names.modelStore()), Serdes.String(),
                        InternalSerdes.modelInfo()).withLoggingDisabled(),
                topics.models(), consumed(specsWaitingForRegistry(registry, running), time, "models-source"),
                () -> new ModelStoreUpdater(names.modelStore(), topics.models(), topics.deadLetters(), mode, sink,
                        topics.acceptedModels(), accepted, metrics, modelsVersion));
    }

    /** Model specs for a global store: a registry outage is waited out (a global thread cannot be replaced). */
    private static DecodingSerde<ModelSpec> specsWaitingForRegistry(SchemaRegistry registry, BooleanSupplier running) {
        return DecodingSerde.waitingForRegistry(new AvroDeserializer<>(ModelSpec.class, registry),
                m -> m.getUpdatedAtMillis().toEpochMilli(), running);
    }

    /** The global store of last good specs, fed by {@link AcceptedModelUpdater} from what {@link ModelStoreUpdater} writes. */
    private static void addAcceptedModelStore(StreamsBuilder b, Names names, Topics topics, SchemaRegistry registry,
                                              EventTimeExtractor time, IngestMetrics metrics, AtomicLong modelsVersion,
                                              BooleanSupplier running) {
        b.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(names.acceptedModelStore()),
                        Serdes.String(), InternalSerdes.modelInfo()).withLoggingDisabled(),
                topics.acceptedModels(), consumed(specsWaitingForRegistry(registry, running), time, "accepted-models-source"),
                () -> new AcceptedModelUpdater(names.acceptedModelStore(), topics.acceptedModels(), metrics, modelsVersion));
    }

    /** The global fleet store, fed by {@link FleetStoreUpdater} from what {@link ServerAnnouncer} writes. */
    private static void addFleetStore(StreamsBuilder b, Names names, Topics topics, SchemaRegistry registry,
                                      EventTimeExtractor time, IngestMetrics metrics, AtomicLong fleetVersion,
                                      BooleanSupplier running) {
        DecodingSerde<FleetMember> members = DecodingSerde.waitingForRegistry(
                new AvroDeserializer<>(FleetMember.class, registry), m -> m.getSeenAtMillis().toEpochMilli(), running);
        b.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(names.fleetStore()), Serdes.String(),
                        Serdes.String()).withLoggingDisabled(),
                topics.fleet(), consumed(members, time, "fleet-source"),
                () -> new FleetStoreUpdater(names.fleetStore(), topics.fleet(), metrics, fleetVersion));
    }

    private static void addStores(StreamsBuilder b, Names names) {
        b.addStateStore(store(names.demandPendingStore(), InternalSerdes.demandPending()));
        b.addStateStore(store(names.demandStateStore(), InternalSerdes.demandState()));
        b.addStateStore(store(names.serverTimingStore(), InternalSerdes.serverTiming()));
        b.addStateStore(store(names.serverStateStore(), InternalSerdes.serverState()));
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> serde) {
        // Decoded values in a heap map, written to the change-logged store at each commit
        // (ObjectCacheStore); Kafka Streams' record cache under it would only add a second copy.
        return ObjectCacheStore.builder(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), serde)
                .withCachingDisabled());
    }

    private static KStream<String, ServerInput> gpuMetrics(StreamsBuilder b, Topics topics, IngestSettings settings,
                                                          IngestMetrics metrics, EventTimeExtractor time) {
        String topic = settings.gpuMetricsTopic();
        return route(b.stream(topic, consumed(new DecodingSerde<>(new GpuMetricJsonDeserializer(), GpuMetric::timestampMillis),
                                time, "gpu-metrics-source"))
                        .process(() -> new GpuMetricValidator(topic, metrics, settings.gpuServerLabels(), settings.maxFutureSkewMillis()),
                                Named.as("gpu-metrics-validate")), "gpu-metrics", topics, settings, metrics)
                .mapValues(g -> (ServerInput) new ServerInput.Gpu(g), Named.as("gpu-metrics-to-server-input"));
    }

    private static <T> Consumed<byte[], Decoded<T>> consumed(DecodingSerde<T> serde, EventTimeExtractor time, String name) {
        return Consumed.with(Serdes.ByteArray(), serde).withTimestampExtractor(time).withName(name);
    }

    private static <T extends SpecificRecord> DecodingSerde<T> avro(Class<T> type, SchemaRegistry registry,
                                                                     ToLongFunction<T> eventTime) {
        return new DecodingSerde<>(new AvroDeserializer<>(type, registry), eventTime);
    }

    /** Splits checked records: invalid ones to the dead-letter handling, valid values onward. */
    private static <V> KStream<String, V> route(KStream<String, Checked<V>> checked, String name, Topics topics,
                                                IngestSettings settings, IngestMetrics metrics) {
        Map<String, KStream<String, Checked<V>>> branches = checked.split(Named.as(name + "-"))
                .branch((k, v) -> v.isValid(), Branched.as("valid"))
                .defaultBranch(Branched.as("invalid"));
        deadLetter(branches.get(name + "-invalid"), name, topics, settings, metrics);
        return branches.get(name + "-valid").mapValues(Checked::value, Named.as(name + "-valid-values"));
    }

    private static <V> void deadLetter(KStream<String, Checked<V>> invalid, String name, Topics topics, IngestSettings settings,
                                       IngestMetrics metrics) {
        invalid.process(() -> new DeadLetterProcessor<V>(topics.deadLetters(), settings.failureMode(), metrics),
                        Named.as(name + "-dead-letter"))
                .to(topics.deadLetters(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-dead-letter-sink"));
    }
}
