package io.chainplan.local.faults;

import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.serde.FreshSchemaIds;

/**
 * A registry outage: the schema registry is stopped while the fault's model goes on sending arrivals under a
 * schema id registered just before (a producer of a newer build), which telemetry-ingest has not fetched yet;
 * then it starts again on its port. No good record may be dead-lettered or lost (issue 13, item 3: 35 of 35
 * were), none counted twice.
 */
final class RegistryOutageFault implements Fault {
    @Override
    public FaultKind kind() {
        return FaultKind.REGISTRY_OUTAGE;
    }

    @Override
    public FaultRow run(Suite suite) {
        OwnedStack stack = suite.owned().orElseThrow();
        FaultRun run = new FaultRun(suite, kind());
        int fresh = FreshSchemaIds.register(suite.registry(), suite.topics().requests(), RequestEvent.getClassSchema(),
                "chainplan faults " + suite.runId());
        Traffic traffic = run.subject().traffic();
        run.faultStarts();
        stack.stopRegistry();
        traffic.useSchemaId(fresh);
        long before = traffic.sent();
        Waits.hold(suite.settings().outage());
        long during = traffic.sent() - before;
        stack.startRegistry();
        run.faultEnds();
        run.note(during + " arrivals written under schema id " + fresh + " (not yet fetched by any reader) while the registry"
                + " was down; the registry came back on port " + stack.registryPort());
        return run.finish(1, "schema registry stopped for " + suite.settings().outage().toSeconds() + " s while records under a"
                + " new schema id arrive");
    }
}
