package io.chainplan.ingest.topology;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A processor's view of the models: the global model store (the latest good spec read from the models
 * topic), else the global accepted-model store (the last good spec, when the models topic's latest is
 * bad). Entries are read once per model and kept until either store changes ({@code version}). Used by
 * one stream thread.
 */
final class ModelLookup {
    private final KeyValueStore<String, ModelInfo> models;
    private final KeyValueStore<String, ModelInfo> accepted;
    private final AtomicLong version;
    private final Map<String, ModelInfo> cache = new HashMap<>();
    private long cachedVersion = -1;

    /**
     * @param context the processor's context
     * @param names   the store names
     * @param version incremented by both stores' updaters on every change
     */
    ModelLookup(ProcessorContext<?, ?> context, IngestTopology.Names names, AtomicLong version) {
        this.models = context.getStateStore(names.modelStore());
        this.accepted = context.getStateStore(names.acceptedModelStore());
        this.version = version;
    }

    /**
     * @param modelId a model id
     * @return what is known of its spec, or null for an unknown model
     */
    ModelInfo get(String modelId) {
        long v = version.get();
        if (v != cachedVersion) {
            cache.clear();
            cachedVersion = v;
        }
        ModelInfo info = cache.get(modelId);
        if (info == null) {
            info = models.get(modelId);
            if (info == null) {
                info = accepted.get(modelId);
            }
            if (info != null) {
                cache.put(modelId, info);
            }
        }
        return info;
    }
}
