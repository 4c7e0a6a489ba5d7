package io.chainplan.ingest.topology;

import io.chainplan.ingest.estimate.ArrivalRateEstimator;
import io.chainplan.ingest.estimate.BucketTotals;
import io.chainplan.ingest.estimate.DemandPending;
import io.chainplan.ingest.estimate.DemandState;
import io.chainplan.ingest.estimate.EmissionRule;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.RequestEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Per-model demand: adds each valid request event to the model's open bucket (a small
 * {@link DemandPending} value, the only per-event store update), and whenever event time passes
 * a bucket's end plus the grace, closes buckets through the {@link ArrivalRateEstimator} and
 * publishes the estimates the {@link EmissionRule} asks for. Events older than the closed
 * boundary are added to their closed bucket if it is still within the horizon, and counted as
 * skipped otherwise. A stream-time punctuator every step closes the buckets of models that fell
 * silent while others kept stream time moving.
 */
final class DemandProcessor implements Processor<String, RequestEvent, String, DemandEstimate> {
    private final String pendingStoreName;
    private final String stateStoreName;
    private final ArrivalRateEstimator estimator;
    private final EmissionRule rule;
    private final long graceMillis;
    private final String sourceTopic;
    private final String outputTopic;
    private final IngestMetrics metrics;
    private final long stepMillis;
    private ProcessorContext<String, DemandEstimate> context;
    private KeyValueStore<String, DemandPending> pending;
    private KeyValueStore<String, DemandState> states;

    DemandProcessor(IngestTopology.Names names, IngestSettings settings, String sourceTopic, String outputTopic,
                    IngestMetrics metrics) {
        this.pendingStoreName = names.demandPendingStore();
        this.stateStoreName = names.demandStateStore();
        this.estimator = settings.arrivalRateEstimator();
        this.rule = settings.demandEmission();
        this.graceMillis = settings.graceMillis();
        this.sourceTopic = sourceTopic;
        this.outputTopic = outputTopic;
        this.metrics = metrics;
        this.stepMillis = settings.demand().stepMillis();
    }

    @Override
    public void init(ProcessorContext<String, DemandEstimate> context) {
        this.context = context;
        this.pending = context.getStateStore(pendingStoreName);
        this.states = context.getStateStore(stateStoreName);
        context.schedule(Duration.ofMillis(stepMillis), PunctuationType.STREAM_TIME, this::closeIdle);
    }

    @Override
    public void process(Record<String, RequestEvent> record) {
        RequestEvent e = record.value();
        BucketTotals delta = switch (e.getKind()) {
            case ARRIVED -> BucketTotals.EMPTY.withArrival(e.getInputTokens());
            case COMPLETED -> BucketTotals.EMPTY.withCompletion(e.getOutputTokens());
            case FAILED -> null;
        };
        if (delta == null) {
            return;
        }
        String model = record.key();
        long t = e.getTimestampMillis().toEpochMilli();
        DemandPending p = pending.get(model);
        if (p == null) {
            p = DemandPending.startingAt(t, stepMillis);
        }
        if (t < p.evaluatedUntilMillis()) {
            addLate(model, t, delta);
            return;
        }
        pending.put(model, closeReady(model, p.add(t, stepMillis, delta)));
    }

    private void addLate(String model, long t, BucketTotals delta) {
        DemandState s = states.get(model);
        if (s == null || !s.started() || !estimator.withinHorizon(s, t)) {
            metrics.skipped(sourceTopic, "older-than-horizon");
            return;
        }
        states.put(model, estimator.addLate(s, t, delta));
    }

    private DemandPending closeReady(String model, DemandPending p) {
        if (!p.readyToClose(stepMillis, graceMillis)) {
            return p;
        }
        DemandState s = states.get(model);
        s = s == null || !s.started() ? estimator.start(DemandState.EMPTY, p.evaluatedUntilMillis()) : s;
        long target = DemandPending.bucketStart(p.maxEventMillis() - graceMillis, stepMillis);
        long skipTarget = p.buckets().isEmpty() ? target : Math.min(target, p.buckets().get(0).startMillis());
        s = estimator.skipIdle(s, skipTarget);
        p = p.advanceTo(Math.max(p.evaluatedUntilMillis(), s.evaluatedUntilMillis()));
        while (s.evaluatedUntilMillis() < target) {
            ArrivalRateEstimator.Step step = estimator.close(s, p.atBoundary());
            s = step.state();
            p = p.advanceTo(s.evaluatedUntilMillis());
            if (rule.shouldEmitDemand(s.lastEmitted(), step.estimate(), estimator.settings().windowMillis() / 1000.0)) {
                context.forward(new Record<>(model, AvroMapping.demand(model, step.estimate()), step.estimate().atMillis()));
                metrics.estimateOut(outputTopic);
                s = s.withEmitted(step.estimate());
            }
        }
        states.put(model, s);
        return p;
    }

    private void closeIdle(long streamTimeMillis) {
        List<KeyValue<String, DemandPending>> all = new ArrayList<>();
        try (KeyValueIterator<String, DemandPending> it = pending.all()) {
            it.forEachRemaining(all::add);
        }
        for (KeyValue<String, DemandPending> kv : all) {
            DemandPending seen = kv.value.seen(streamTimeMillis);
            if (seen.readyToClose(stepMillis, graceMillis)) {
                pending.put(kv.key, closeReady(kv.key, seen));
            }
        }
    }
}
