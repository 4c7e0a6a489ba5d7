package io.chainplan.ingest.topology;

import io.chainplan.schemas.avro.FleetMember;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Announces the fleet: the first time this task sees a server's telemetry or GPU memory reading, it
 * forwards a {@code FleetMember} to the fleet topic (so once per server and start of the task: the
 * compacted topic keeps one record per server). Request events' hops are checked against what the
 * fleet topic holds ({@link FleetStoreUpdater}); timing inputs (learned from hops) announce nobody.
 * The set of announced servers grows with the fleet, one id per server.
 */
final class ServerAnnouncer implements Processor<String, ServerInput, String, FleetMember> {
    private final Set<String> announced = new HashSet<>();
    private ProcessorContext<String, FleetMember> context;

    @Override
    public void init(ProcessorContext<String, FleetMember> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, ServerInput> record) {
        ServerInput in = record.value();
        String model;
        if (in instanceof ServerInput.Telemetry t) {
            model = t.report().modelId().isEmpty() ? null : t.report().modelId();
        } else if (in instanceof ServerInput.Gpu) {
            model = null;
        } else {
            return;
        }
        if (announced.add(record.key())) {
            FleetMember m = new FleetMember(record.key(), model, Instant.ofEpochMilli(record.timestamp()));
            context.forward(record.withValue(m));
        }
    }
}
