package io.chainplan.ingest.topology;

import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.validate.RecordChecks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The one processor every request event passes through (the hot path, so it does in one node
 * what would otherwise be five): counts it, checks it ({@link RecordChecks#requestEvent}, the rule every
 * service shares; the model must be known, {@link ModelLookup}), forwards an invalid one as {@link RequestOutput.Invalid}, and feeds a
 * valid one to the demand ({@link DemandUpdater}) and hop-timing ({@link HopTimingUpdater})
 * state, which forward estimates and timing updates only when they are due. Only hops of servers in
 * the global fleet store (servers that have reported telemetry or GPU memory) are measured; the others
 * are skipped and counted ({@value HopTimingUpdater#UNKNOWN_SERVER}), so hops naming arbitrary servers
 * add no state.
 */
final class RequestProcessor implements Processor<byte[], Decoded<RequestEvent>, String, RequestOutput> {
    private final IngestTopology.Names names;
    private final IngestSettings settings;
    private final String sourceTopic;
    private final String demandTopic;
    private final IngestMetrics metrics;
    private final AtomicLong modelsVersion;
    private final AtomicLong fleetVersion;
    /** Servers known to be in the fleet store, valid while {@link #fleetVersion} equals {@link #fleetCachedVersion}. */
    private final Set<String> fleetCache = new HashSet<>();
    private final Predicate<String> knownServer = this::inFleet;
    private long fleetCachedVersion = -1;
    private ProcessorContext<String, RequestOutput> context;
    private ModelLookup models;
    private KeyValueStore<String, String> fleet;
    private DemandUpdater demand;
    private HopTimingUpdater timings;

    RequestProcessor(IngestTopology.Names names, IngestSettings settings, String sourceTopic, String demandTopic,
                     IngestMetrics metrics, AtomicLong modelsVersion, AtomicLong fleetVersion) {
        this.names = names;
        this.fleetVersion = fleetVersion;
        this.modelsVersion = modelsVersion;
        this.settings = settings;
        this.sourceTopic = sourceTopic;
        this.demandTopic = demandTopic;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, RequestOutput> context) {
        this.context = context;
        this.models = new ModelLookup(context, names, modelsVersion);
        this.fleet = context.getStateStore(names.fleetStore());
        this.demand = new DemandUpdater(settings, sourceTopic, demandTopic, metrics, context,
                context.getStateStore(names.demandPendingStore()), context.getStateStore(names.demandStateStore()));
        this.timings = new HopTimingUpdater(settings.hopTimingTracker(), context, context.getStateStore(names.serverTimingStore()),
                metrics, sourceTopic, knownServer);
        context.schedule(Duration.ofMillis(settings.demand().stepMillis()), PunctuationType.STREAM_TIME, demand::closeIdle);
    }

    @Override
    public void process(Record<byte[], Decoded<RequestEvent>> record) {
        Decoded<RequestEvent> d = record.value();
        if (d == null || d.raw() == null) {
            invalid(record, Checked.DESERIALIZE, new InvalidRecordException("null value (tombstone) on " + sourceTopic));
            return;
        }
        if (!d.ok()) {
            invalid(record, Checked.DESERIALIZE, d.error() != null ? d.error() : new InvalidRecordException("value decoded to null"));
            return;
        }
        RequestEvent e = d.value();
        String key = keyText(record.key(), e.getModelId());
        ModelInfo model = key == null ? null : models.get(key);
        long now = context.currentSystemTimeMs();
        Optional<String> problem = RecordChecks.requestEvent(key, e, model == null ? null : model.bounds(), now,
                settings.maxFutureSkewMillis());
        if (problem.isPresent()) {
            invalid(record, Checked.VALIDATE, new InvalidRecordException(problem.get()));
            return;
        }
        metrics.recordIn(sourceTopic, d.eventMillis());
        demand.onEvent(key, e);
        timings.onEvent(e, record.timestamp());
    }

    /**
     * @param key     the record key's bytes, or null
     * @param modelId the event's model id
     * @return the key as text: the model id itself when the key is its ASCII bytes (the usual case, so
     *         no string is decoded per event), else the key decoded as UTF-8
     */
    static String keyText(byte[] key, String modelId) {
        if (key == null) {
            return null;
        }
        return modelId != null && isAscii(key, modelId) ? modelId : new String(key, StandardCharsets.UTF_8);
    }

    private static boolean isAscii(byte[] bytes, String text) {
        if (bytes.length != text.length()) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] < 0 || bytes[i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a server is in the global fleet store: read once per server and kept until the store changes. */
    private boolean inFleet(String server) {
        long v = fleetVersion.get();
        if (v != fleetCachedVersion) {
            fleetCache.clear();
            fleetCachedVersion = v;
        }
        if (fleetCache.contains(server)) {
            return true;
        }
        if (fleet.get(server) == null) {
            return false;
        }
        fleetCache.add(server);
        return true;
    }

    private void invalid(Record<byte[], Decoded<RequestEvent>> record, String stage, RuntimeException error) {
        metrics.recordIn(sourceTopic, -1);
        metrics.badRecord(sourceTopic, stage);
        byte[] raw = record.value() == null ? null : record.value().raw();
        context.forward(new Record<String, RequestOutput>(null,
                new RequestOutput.Invalid(Checked.invalid(record.key(), raw, stage, error)), record.timestamp(), record.headers()));
    }
}
