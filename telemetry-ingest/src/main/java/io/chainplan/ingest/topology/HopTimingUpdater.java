package io.chainplan.ingest.topology;

import io.chainplan.ingest.estimate.HopTimingTracker;
import io.chainplan.ingest.estimate.ServerTiming;
import io.chainplan.ingest.estimate.TimingSummary;
import io.chainplan.schemas.avro.HopTiming;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.RequestEventKind;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Learns per-server timings from COMPLETED requests' hops ({@link HopTimingTracker}) inside the
 * request processor (keyed by model id: a server serves one model, so all its hops meet in one
 * task) and forwards a {@link ServerInput.Timing} keyed by server id when the tracker says so,
 * which keeps the repartition traffic to a trickle.
 */
final class HopTimingUpdater {
    private final HopTimingTracker tracker;
    private final ProcessorContext<String, RequestOutput> context;
    private final KeyValueStore<String, ServerTiming> store;

    HopTimingUpdater(HopTimingTracker tracker, ProcessorContext<String, RequestOutput> context,
                     KeyValueStore<String, ServerTiming> store) {
        this.tracker = tracker;
        this.context = context;
        this.store = store;
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
        for (HopTiming h : e.getHops()) {
            String server = h.getServerId();
            ServerTiming s = store.get(server);
            s = tracker.add(s == null ? ServerTiming.EMPTY : s, h.getEndBlock() - h.getStartBlock(), h.getComputeSeconds(),
                    h.getNetworkSeconds(), t);
            Optional<TimingSummary> out = tracker.toEmit(s);
            if (out.isPresent()) {
                context.forward(new Record<>(server, new RequestOutput.Timing(new ServerInput.Timing(out.get())), recordTimestamp));
                s = tracker.emitted(s, out.get());
            }
            store.put(server, s);
        }
    }
}
