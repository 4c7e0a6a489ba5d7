package io.chainplan.ingest.topology;

import io.chainplan.schemas.avro.RequestEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The one processor every request event passes through (the hot path, so it does in one node
 * what would otherwise be five): counts it, checks it ({@link RequestRules}; the model must be in
 * the global model store, whose entries it keeps until the store changes), forwards an invalid one as {@link RequestOutput.Invalid}, and feeds a
 * valid one to the demand ({@link DemandUpdater}) and hop-timing ({@link HopTimingUpdater})
 * state, which forward estimates and timing updates only when they are due.
 */
final class RequestProcessor implements Processor<byte[], Decoded<RequestEvent>, String, RequestOutput> {
    private final IngestTopology.Names names;
    private final IngestSettings settings;
    private final String sourceTopic;
    private final String demandTopic;
    private final IngestMetrics metrics;
    private final AtomicLong modelsVersion;
    /** Known models as read from the global store, valid while {@link #modelsVersion} equals {@link #cachedVersion}. */
    private final Map<String, ModelInfo> modelCache = new HashMap<>();
    private final InputFrontier frontier;
    private long cachedVersion = -1;
    private ProcessorContext<String, RequestOutput> context;
    private KeyValueStore<String, ModelInfo> models;
    private DemandUpdater demand;
    private HopTimingUpdater timings;

    RequestProcessor(IngestTopology.Names names, IngestSettings settings, String sourceTopic, String demandTopic,
                     IngestMetrics metrics, AtomicLong modelsVersion, InputFrontier frontier) {
        this.names = names;
        this.frontier = frontier;
        this.modelsVersion = modelsVersion;
        this.settings = settings;
        this.sourceTopic = sourceTopic;
        this.demandTopic = demandTopic;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, RequestOutput> context) {
        this.context = context;
        this.models = context.getStateStore(names.modelStore());
        this.demand = new DemandUpdater(settings, sourceTopic, demandTopic, metrics, context,
                context.getStateStore(names.demandPendingStore()), context.getStateStore(names.demandStateStore()));
        this.timings = new HopTimingUpdater(settings.hopTimingTracker(), context, context.getStateStore(names.serverTimingStore()),
                metrics);
        context.schedule(Duration.ofMillis(settings.demand().stepMillis()), PunctuationType.STREAM_TIME, demand::closeIdle);
    }

    @Override
    public void process(Record<byte[], Decoded<RequestEvent>> record) {
        Decoded<RequestEvent> d = record.value();
        metrics.recordIn(sourceTopic, d == null ? -1 : d.eventMillis());
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
        ModelInfo model = key == null ? null : model(key);
        Integer blocks = model == null ? null : model.blocks();
        long now = context.currentSystemTimeMs();
        String problem = RequestRules.problem(e, key, blocks, now, settings.maxFutureSkewMillis());
        if (problem != null) {
            invalid(record, Checked.VALIDATE, new InvalidRecordException(problem));
            return;
        }
        frontier.advance(record.timestamp(), now);
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

    /** A model's spec: the global store read once per model and kept until the store changes. */
    private ModelInfo model(String model) {
        long v = modelsVersion.get();
        if (v != cachedVersion) {
            modelCache.clear();
            cachedVersion = v;
        }
        ModelInfo info = modelCache.get(model);
        if (info == null) {
            info = models.get(model);
            if (info != null) {
                modelCache.put(model, info);
            }
        }
        return info;
    }

    private void invalid(Record<byte[], Decoded<RequestEvent>> record, String stage, RuntimeException error) {
        metrics.badRecord(sourceTopic, stage);
        byte[] raw = record.value() == null ? null : record.value().raw();
        context.forward(new Record<String, RequestOutput>(null,
                new RequestOutput.Invalid(Checked.invalid(record.key(), raw, stage, error)), record.timestamp(), record.headers()));
    }
}
