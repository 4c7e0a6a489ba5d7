package io.chainplan.ingest.topology;

import io.chainplan.ingest.estimate.LivenessClock;
import io.chainplan.ingest.estimate.ServerEstimateValue;
import io.chainplan.ingest.estimate.ServerEstimator;
import io.chainplan.ingest.estimate.ServerState;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.ingest.estimate.TokenTimingEstimate;
import io.chainplan.schemas.avro.ServerEstimate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Per-server estimates: applies telemetry, GPU memory readings and learned timings to the
 * server's {@link ServerState} ({@link ServerEstimator}) and publishes a {@code ServerEstimate}
 * when it changes materially or at the heartbeat. A wall-clock punctuator marks servers DOWN
 * when they have been silent for longer than the timeout both on the wall clock and on the
 * {@link InputFrontier} (other inputs kept arriving meanwhile); the next fresh record brings them UP.
 * The declared token mix of the server's model (the reference request of its declared timings) is
 * read from the global model store; each publication whose per-token coefficients are not fitted
 * counts the part and the reason ({@link IngestMetrics#timingFallback}).
 */
final class ServerProcessor implements Processor<String, ServerInput, String, ServerEstimate> {
    private final String storeName;
    private final String modelStoreName;
    private final ServerEstimator estimator;
    private final long checkIntervalMillis;
    private final String outputTopic;
    private final IngestMetrics metrics;
    private final InputFrontier frontier;
    private ProcessorContext<String, ServerEstimate> context;
    private KeyValueStore<String, ServerState> store;
    private KeyValueStore<String, ModelInfo> models;

    ServerProcessor(String storeName, String modelStoreName, IngestSettings settings, String outputTopic, IngestMetrics metrics,
                    InputFrontier frontier) {
        this.storeName = storeName;
        this.modelStoreName = modelStoreName;
        this.frontier = frontier;
        this.estimator = settings.serverEstimator();
        this.checkIntervalMillis = settings.livenessCheckIntervalMillis();
        this.outputTopic = outputTopic;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, ServerEstimate> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.models = context.getStateStore(modelStoreName);
        context.schedule(Duration.ofMillis(checkIntervalMillis), PunctuationType.WALL_CLOCK_TIME, this::checkLiveness);
    }

    @Override
    public void process(Record<String, ServerInput> record) {
        String server = record.key();
        ServerState s = store.get(server);
        s = s == null ? ServerState.EMPTY : s;
        long now = context.currentSystemTimeMs();
        frontier.advance(record.timestamp(), now);
        ServerInput in = record.value();
        if (in instanceof ServerInput.Telemetry t) {
            s = estimator.onTelemetry(s, t.report(), frontier.clock(now));
        } else if (in instanceof ServerInput.Gpu g) {
            s = estimator.onGpuMemory(s, g.sample(), frontier.clock(now));
        } else if (in instanceof ServerInput.Timing t) {
            s = estimator.onTiming(s, t.summary());
        }
        store.put(server, maybeEmit(server, s));
    }

    private ServerState maybeEmit(String server, ServerState s) {
        Optional<ServerEstimateValue> e = estimator.estimate(s, declaredMix(s.modelId()));
        if (e.isEmpty() || !estimator.shouldEmit(s, e.get())) {
            return s;
        }
        ServerEstimate out = AvroMapping.server(server, e.get());
        context.forward(new Record<>(server, out, out.getTimestampMillis().toEpochMilli()));
        metrics.estimateOut(outputTopic);
        TokenTimingEstimate tt = e.get().tokenTimings();
        if (!tt.computeFallback().isEmpty()) {
            metrics.timingFallback(IngestMetrics.COMPUTE, tt.computeFallback());
        }
        if (!tt.commFallback().isEmpty()) {
            metrics.timingFallback(IngestMetrics.COMM, tt.commFallback());
        }
        return estimator.emitted(s, e.get());
    }

    private TokenMix declaredMix(String modelId) {
        ModelInfo m = modelId.isEmpty() ? null : models.get(modelId);
        return m == null ? TokenMix.UNKNOWN : m.declaredMix();
    }

    private void checkLiveness(long nowMillis) {
        LivenessClock clock = frontier.clock(nowMillis);
        List<KeyValue<String, ServerState>> all = new ArrayList<>();
        try (KeyValueIterator<String, ServerState> it = store.all()) {
            it.forEachRemaining(all::add);
        }
        for (KeyValue<String, ServerState> kv : all) {
            ServerState checked = estimator.checkLiveness(kv.value, clock);
            if (checked != kv.value) {
                store.put(kv.key, maybeEmit(kv.key, checked));
            }
        }
    }
}
