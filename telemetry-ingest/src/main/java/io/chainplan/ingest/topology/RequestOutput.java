package io.chainplan.ingest.topology;

import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.RequestEvent;
import java.util.Objects;

/** What the request processor emits: a bad record, a demand estimate, or a server timing update. */
sealed interface RequestOutput {
    /**
     * A request event that failed to deserialize or validate.
     *
     * @param checked the record with its bytes, stage and error
     */
    record Invalid(Checked<RequestEvent> checked) implements RequestOutput {
        public Invalid {
            Objects.requireNonNull(checked, "checked");
        }
    }

    /**
     * A demand estimate to publish (keyed by model id).
     *
     * @param estimate the estimate
     */
    record Demand(DemandEstimate estimate) implements RequestOutput {
        public Demand {
            Objects.requireNonNull(estimate, "estimate");
        }
    }

    /**
     * Learned timings of a server (keyed by server id), for the server processor.
     *
     * @param input the update
     */
    record Timing(ServerInput input) implements RequestOutput {
        public Timing {
            Objects.requireNonNull(input, "input");
        }
    }
}
