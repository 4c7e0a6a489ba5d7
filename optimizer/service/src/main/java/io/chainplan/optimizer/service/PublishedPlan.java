package io.chainplan.optimizer.service;

import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.replan.PlanBasis;
import java.util.Objects;

/**
 * A plan committed to the plans topic, as the optimizer keeps it: what it decided and what it was
 * solved from. The session holds the last one (and the last {@code OK} one) per model; it is made
 * from domain values when the session publishes and mapped from the Avro record once when
 * recovered from the log ({@link AvroMappers#published}), never decoded again.
 *
 * @param basis what the triggers compare the latest view against (epoch, creation time, inputs, placement)
 * @param plan  the solved plan (status, placement, chains, bounds)
 */
public record PublishedPlan(PlanBasis basis, Plan plan) {
    /** Validates the fields. */
    public PublishedPlan {
        Objects.requireNonNull(basis, "basis");
        Objects.requireNonNull(plan, "plan");
    }

    /** @return the plan's epoch */
    public long epoch() {
        return basis.epoch();
    }

    /** @return the plan's model id */
    public String modelId() {
        return plan.modelId();
    }

    /** @return whether the plan's status is {@code OK} */
    public boolean isOk() {
        return plan.status() == PlanStatus.OK;
    }
}
