package io.chainplan.ingest.topology;

import io.chainplan.ingest.estimate.HopTimingTracker;
import io.chainplan.ingest.estimate.ServerTiming;
import io.chainplan.ingest.estimate.TimingSummary;
import io.chainplan.schemas.avro.HopTiming;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.RequestEventKind;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Learns per-server timings from COMPLETED requests' hops ({@link HopTimingTracker}) where the
 * requests are (keyed by model id: a server serves one model, so all its hops meet in one task)
 * and forwards a {@link ServerInput.Timing} keyed by server id when the tracker says so, which
 * keeps the repartition traffic to a trickle.
 */
final class HopTimingProcessor implements Processor<String, RequestEvent, String, ServerInput> {
    private final String storeName;
    private final HopTimingTracker tracker;
    private ProcessorContext<String, ServerInput> context;
    private KeyValueStore<String, ServerTiming> store;

    HopTimingProcessor(String storeName, HopTimingTracker tracker) {
        this.storeName = storeName;
        this.tracker = tracker;
    }

    @Override
    public void init(ProcessorContext<String, ServerInput> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, RequestEvent> record) {
        RequestEvent e = record.value();
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
                context.forward(new Record<>(server, new ServerInput.Timing(out.get()), record.timestamp()));
                s = tracker.emitted(s, out.get());
            }
            store.put(server, s);
        }
    }
}
