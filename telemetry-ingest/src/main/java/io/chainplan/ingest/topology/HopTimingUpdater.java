package io.chainplan.ingest.topology;

import io.chainplan.ingest.estimate.HopTimingTracker;
import io.chainplan.ingest.estimate.ServerTiming;
import io.chainplan.ingest.estimate.TimingSummary;
import io.chainplan.schemas.avro.HopTiming;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.RequestEventKind;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Learns per-server timings from COMPLETED requests' hops ({@link HopTimingTracker}) inside the
 * request processor (keyed by model id: a server serves one model, so all its hops meet in one
 * task) and forwards a {@link ServerInput.Timing} keyed by server id when the tracker says so,
 * which keeps the repartition traffic to a trickle. A hop of a request without token counts is
 * still measured but left out of the per-token fits, counted as a timing fallback
 * ({@code missing-tokens}) for each fit it misses. A hop of a server that is not in the fleet (has
 * reported neither telemetry nor GPU memory) is skipped and counted ({@value #UNKNOWN_SERVER}): it adds
 * no state, so hops naming arbitrary servers cannot grow the stores.
 */
final class HopTimingUpdater {
    /** Skip reason of a hop whose server is not in the fleet. */
    static final String UNKNOWN_SERVER = "unknown-server";
    private final HopTimingTracker tracker;
    private final ProcessorContext<String, RequestOutput> context;
    private final KeyValueStore<String, ServerTiming> store;
    private final IngestMetrics metrics;
    private final String sourceTopic;
    private final Predicate<String> inFleet;

    HopTimingUpdater(HopTimingTracker tracker, ProcessorContext<String, RequestOutput> context,
                     KeyValueStore<String, ServerTiming> store, IngestMetrics metrics, String sourceTopic,
                     Predicate<String> inFleet) {
        this.tracker = tracker;
        this.context = context;
        this.store = store;
        this.metrics = metrics;
        this.sourceTopic = sourceTopic;
        this.inFleet = inFleet;
    }

    /**
     * @param e               a valid event (only COMPLETED ones with hops count)
     * @param recordTimestamp the record's timestamp, for the forwarded updates
     */
    void onEvent(RequestEvent e, long recordTimestamp) {
        if (e.getKind() != RequestEventKind.COMPLETED || e.getHops().isEmpty()) {
            return;
        }
        long t = e.getTimestampMillis().toEpochMilli();
        int inputTokens = e.getInputTokens();
        int outputTokens = e.getOutputTokens();
        boolean compute = HopTimingTracker.fitsCompute(inputTokens, outputTokens);
        boolean comm = HopTimingTracker.fitsComm(outputTokens);
        for (HopTiming h : e.getHops()) {
            String server = h.getServerId();
            if (!inFleet.test(server)) {
                metrics.skipped(sourceTopic, UNKNOWN_SERVER);
                continue;
            }
            if (!compute) {
                metrics.timingFallback(IngestMetrics.COMPUTE, IngestMetrics.MISSING_TOKENS);
            }
            if (!comm) {
                metrics.timingFallback(IngestMetrics.COMM, IngestMetrics.MISSING_TOKENS);
            }
            ServerTiming s = store.get(server);
            s = tracker.add(s == null ? ServerTiming.EMPTY : s, h.getEndBlock() - h.getStartBlock(), h.getComputeSeconds(),
                    h.getNetworkSeconds(), inputTokens, outputTokens, t);
            Optional<TimingSummary> out = tracker.toEmit(s);
            if (out.isPresent()) {
                context.forward(new Record<>(server, new RequestOutput.Timing(new ServerInput.Timing(out.get())), recordTimestamp));
                s = tracker.emitted(s, out.get());
            }
            store.put(server, s);
        }
    }
}
