package io.chainplan.ingest.topology;

import io.chainplan.ingest.estimate.LivenessClock;
import io.chainplan.ingest.estimate.ServerEstimateValue;
import io.chainplan.ingest.estimate.ServerEstimator;
import io.chainplan.ingest.estimate.ServerState;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.ingest.estimate.TokenTimingEstimate;
import io.chainplan.schemas.avro.ServerEstimate;
import java.time.Duration;
import io.chainplan.schemas.validate.RecordChecks;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-server estimates: applies telemetry, GPU memory readings and learned timings to the
 * server's {@link ServerState} ({@link ServerEstimator}) and publishes a {@code ServerEstimate}
 * when it changes materially or at the heartbeat. A wall-clock punctuator marks servers DOWN
 * when they have been silent for longer than the timeout both on the wall clock and on the
 * {@link InputFrontier} (other inputs kept arriving meanwhile); the next fresh record brings them UP.
 * The declared token mix of the server's model (the reference request of its declared timings) is
 * read from the global model store; each publication whose per-token coefficients are not fitted
 * counts the part and the reason ({@link IngestMetrics#timingFallback}). An estimate that the optimizer
 * would reject ({@link RecordChecks#serverEstimate}, the rule both share) is not published: it is
 * counted as skipped ({@value #IMPLAUSIBLE}) and logged when a server's estimates start failing.
 */
final class ServerProcessor implements Processor<String, ServerInput, String, ServerEstimate> {
    /** Skip reason of an estimate that fails {@link RecordChecks#serverEstimate}. */
    static final String IMPLAUSIBLE = "implausible-estimate";
    private static final Logger LOG = LoggerFactory.getLogger(ServerProcessor.class);
    private final String storeName;
    private final IngestTopology.Names names;
    private final AtomicLong modelsVersion;
    private final ServerEstimator estimator;
    private final long checkIntervalMillis;
    private final String outputTopic;
    private final IngestMetrics metrics;
    private final InputFrontier frontier;
    private final Set<String> rejected = new HashSet<>();
    private ProcessorContext<String, ServerEstimate> context;
    private KeyValueStore<String, ServerState> store;
    private ModelLookup models;

    ServerProcessor(IngestTopology.Names names, AtomicLong modelsVersion, IngestSettings settings, String outputTopic,
                    IngestMetrics metrics, InputFrontier frontier) {
        this.storeName = names.serverStateStore();
        this.names = names;
        this.modelsVersion = modelsVersion;
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
        this.models = new ModelLookup(context, names, modelsVersion);
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
        Optional<String> problem = RecordChecks.serverEstimate(server, out);
        if (problem.isPresent()) {
            metrics.skipped(outputTopic, IMPLAUSIBLE);
            if (rejected.add(server)) {
                LOG.warn("not publishing the estimate of server {}: {}", server, problem.get());
            }
            return s;
        }
        rejected.remove(server);
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
