package io.chainplan.ingest.topology;

import io.chainplan.ingest.estimate.ArrivalRateEstimator;
import io.chainplan.ingest.estimate.BucketTotals;
import io.chainplan.ingest.estimate.DemandPending;
import io.chainplan.ingest.estimate.DemandState;
import io.chainplan.ingest.estimate.EmissionRule;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.RequestEventKind;
import io.chainplan.schemas.validate.RecordChecks;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-model demand, inside the request processor: adds each valid request event to the model's
 * open bucket (a small {@link DemandPending} value, the only per-event store update; a completion to the
 * bucket its request arrived in, for the token means, kept there until the next close if that bucket is
 * closed), and
 * whenever event time passes a bucket's end plus the grace, closes buckets through the
 * {@link ArrivalRateEstimator} and forwards the estimates the {@link EmissionRule} asks for.
 * Events older than the closed boundary are added to their closed bucket if it is still within
 * the horizon, and counted as skipped otherwise. {@link #closeIdle} (a stream-time punctuator
 * every step) closes the buckets of models that fell silent while others kept stream time moving.
 * <p>Event time is per model: a model's buckets close on its own events' times, and the partition closes
 * another model's buckets only up to the newest event it has processed that was not dated ahead of the
 * wall clock (the on-time frontier). An event dated ahead of the wall clock (within the allowed skew)
 * moves stream time for the whole partition; were it taken as the time every model has reached, every
 * other model's buckets would close up to it and their on-time events would arrive "older than the
 * horizon". Nor is the wall clock the bound: while the ingest works through a backlog (after a registry
 * outage, a restart, or simply behind under load) the events still to be read are older than the wall
 * clock, and closing their buckets first would publish estimates without them (and fire a false rate
 * change). So an event dated ahead affects only its own model, and a backlog closes buckets as it is read.
 * The frontier lives in memory: a restarted task closes idle buckets once it has read an on-time event.
 * An estimate the optimizer would reject ({@link RecordChecks#demandEstimate}) is not published: it is
 * counted as skipped ({@value ServerProcessor#IMPLAUSIBLE}) and logged when a model's estimates start
 * failing.
 */
final class DemandUpdater {
    /** Skip reason of a completion whose request arrived before the model's token history (or before its first event). */
    static final String ARRIVED_BEFORE_TOKEN_HISTORY = "arrived-before-token-history";
    private static final Logger LOG = LoggerFactory.getLogger(DemandUpdater.class);
    private final ArrivalRateEstimator estimator;
    private final EmissionRule rule;
    private final long graceMillis;
    private final long stepMillis;
    private final double windowSeconds;
    private final String sourceTopic;
    private final String outputTopic;
    private final IngestMetrics metrics;
    private final ProcessorContext<String, RequestOutput> context;
    private final KeyValueStore<String, DemandPending> pending;
    private final KeyValueStore<String, DemandState> states;
    private final Set<String> rejected = new HashSet<>();
    /** Newest event time of a valid event not dated ahead of the wall clock when processed; MIN_VALUE before any. */
    private long onTimeMillis = Long.MIN_VALUE;

    DemandUpdater(IngestSettings settings, String sourceTopic, String outputTopic, IngestMetrics metrics,
                  ProcessorContext<String, RequestOutput> context, KeyValueStore<String, DemandPending> pending,
                  KeyValueStore<String, DemandState> states) {
        this.estimator = settings.arrivalRateEstimator();
        this.rule = settings.demandEmission();
        this.graceMillis = settings.graceMillis();
        this.stepMillis = settings.demand().stepMillis();
        this.windowSeconds = settings.demand().windowMillis() / 1000.0;
        this.sourceTopic = sourceTopic;
        this.outputTopic = outputTopic;
        this.metrics = metrics;
        this.context = context;
        this.pending = pending;
        this.states = states;
    }

    /**
     * Adds a valid event: an arrival to its bucket, a completion to its request's arrival bucket (its time minus
     * its response time; {@code TokenMeans}), in either case a closed bucket if the event is late (a
     * completion for a closed bucket waits in the pending set until the next close, so the per-event update
     * stays small); a completion
     * without a response time counts at its own time (counted, {@link IngestMetrics#tokenFallback}). Every
     * event's own time moves the model's event time, which closes buckets.
     *
     * @param model the event's model id
     * @param e     a valid event
     */
    void onEvent(String model, RequestEvent e) {
        long t = e.getTimestampMillis().toEpochMilli();
        if (t > onTimeMillis && t <= context.currentSystemTimeMs()) {
            onTimeMillis = t;
        }
        if (e.getKind() == RequestEventKind.FAILED) {
            return;
        }
        boolean arrival = e.getKind() == RequestEventKind.ARRIVED;
        BucketTotals delta = arrival ? BucketTotals.EMPTY.withArrival(e.getInputTokens())
                : BucketTotals.EMPTY.withCompletion(e.getOutputTokens());
        long at = arrival ? t : arrivalOf(e, t);
        DemandPending p = pending.get(model);
        if (p == null) {
            p = DemandPending.startingAt(t, stepMillis);
        }
        if (at < p.evaluatedUntilMillis()) {
            if (arrival) {
                addLate(model, t, delta);
                return;
            }
            if (inTokenHistory(model, at)) {
                p = p.addLateCompletion(at, stepMillis, delta);
            } else {
                metrics.skipped(sourceTopic, ARRIVED_BEFORE_TOKEN_HISTORY);
            }
            pending.put(model, closeReady(model, p.seen(t)));
            return;
        }
        pending.put(model, closeReady(model, p.add(at, stepMillis, delta).seen(t)));
    }

    /** The arrival time of a completed request: its time minus its response time, or its time if it has none. */
    private long arrivalOf(RequestEvent e, long t) {
        Double response = e.getResponseSeconds();
        if (response == null) {
            metrics.tokenFallback(IngestMetrics.NO_RESPONSE_TIME);
            return t;
        }
        return t - Math.round(response * 1000);
    }

    private void addLate(String model, long t, BucketTotals delta) {
        DemandState s = states.get(model);
        if (s == null || !s.started() || !estimator.withinHorizon(s, t)) {
            metrics.skipped(sourceTopic, "older-than-horizon");
            return;
        }
        states.put(model, estimator.addLate(s, t, delta));
    }

    /** Whether a closed bucket is in the model's token history (else a completion of it cannot count). */
    private boolean inTokenHistory(String model, long arrivalMillis) {
        DemandState s = states.get(model);
        return s != null && s.started() && estimator.inTokenHistory(s, arrivalMillis);
    }

    /** The state with the pending set's late completions added to their arrival buckets (before a close). */
    private DemandState withLateCompletions(DemandState s, DemandPending p) {
        for (DemandPending.PendingBucket b : p.lateCompletions()) {
            DemandState added = s.started() ? estimator.addCompletion(s, b.startMillis(), b.totals()) : s;
            if (added == s) {
                // left the history since (only after a model's state was lost): counted, not added
                for (long i = 0; i < b.totals().completions(); i++) {
                    metrics.skipped(sourceTopic, ARRIVED_BEFORE_TOKEN_HISTORY);
                }
            }
            s = added;
        }
        return s;
    }

    private DemandPending closeReady(String model, DemandPending p) {
        if (!p.readyToClose(stepMillis, graceMillis)) {
            return p;
        }
        DemandState s = states.get(model);
        s = s == null || !s.started() ? estimator.start(DemandState.EMPTY, p.evaluatedUntilMillis())
                : withLateCompletions(s, p);
        p = p.withoutLateCompletions();
        long target = DemandPending.bucketStart(p.maxEventMillis() - graceMillis, stepMillis);
        long skipTarget = p.buckets().isEmpty() ? target : Math.min(target, p.buckets().get(0).startMillis());
        s = estimator.skipIdle(s, skipTarget);
        p = p.advanceTo(Math.max(p.evaluatedUntilMillis(), s.evaluatedUntilMillis()));
        while (s.evaluatedUntilMillis() < target) {
            ArrivalRateEstimator.Step step = estimator.close(s, p.atBoundary());
            s = step.state();
            p = p.advanceTo(s.evaluatedUntilMillis());
            if (rule.shouldEmitDemand(s.lastEmitted(), step.estimate(), windowSeconds) && publish(model, step)) {
                s = s.withEmitted(step.estimate());
            }
        }
        states.put(model, s);
        return p;
    }

    private boolean publish(String model, ArrivalRateEstimator.Step step) {
        DemandEstimate out = AvroMapping.demand(model, step.estimate());
        Optional<String> problem = RecordChecks.demandEstimate(model, out);
        if (problem.isPresent()) {
            metrics.skipped(outputTopic, ServerProcessor.IMPLAUSIBLE);
            if (rejected.add(model)) {
                LOG.warn("not publishing the demand estimate of model {}: {}", model, problem.get());
            }
            return false;
        }
        rejected.remove(model);
        context.forward(new Record<>(model, new RequestOutput.Demand(out), step.estimate().atMillis()));
        metrics.estimateOut(outputTopic);
        return true;
    }

    /**
     * @param streamTimeMillis current stream time; taken up to the on-time frontier only (the newest event of
     *                         the partition may be some other model's, dated ahead, and events of a backlog not
     *                         read yet are older than the wall clock)
     */
    void closeIdle(long streamTimeMillis) {
        if (onTimeMillis == Long.MIN_VALUE) {
            return;
        }
        long reached = Math.min(streamTimeMillis, onTimeMillis);
        List<KeyValue<String, DemandPending>> all = new ArrayList<>();
        try (KeyValueIterator<String, DemandPending> it = pending.all()) {
            it.forEachRemaining(all::add);
        }
        for (KeyValue<String, DemandPending> kv : all) {
            DemandPending seen = kv.value.seen(reached);
            if (seen.readyToClose(stepMillis, graceMillis)) {
                pending.put(kv.key, closeReady(kv.key, seen));
            }
        }
    }
}
