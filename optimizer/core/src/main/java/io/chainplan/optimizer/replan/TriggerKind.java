package io.chainplan.optimizer.replan;

/**
 * Why a plan was made; mirrors the Avro {@code TriggerKind} of {@code ChainPlan} (DESIGN.md §2.3).
 * Listed in the order {@link TriggerDetector} checks them: the first that holds is reported.
 */
public enum TriggerKind {
    /** No plan exists yet for the model. */
    INITIAL,
    /** The model spec (L, s_m, s_c, ...) differs from the one the plan was solved for. */
    MODEL_CHANGED,
    /** The set of up servers differs from the plan's. */
    SERVERS_CHANGED,
    /**
     * The plan was made for the model spec's declared rate before any demand was measured; telemetry-ingest's
     * first demand estimate (rate, burstiness, token mix) replaces it.
     */
    FIRST_ESTIMATE,
    /**
     * The measured token mix (mean prompt or generated tokens per request) moved beyond the relative threshold
     * from the plan's: every server's tau_c and tau_p moves with it, so one plan answers it for the whole fleet.
     */
    MIX_SHIFT,
    /** A server's M_j, tau_c or tau_p (at the plan's token mix) moved beyond the relative threshold. */
    SERVER_ESTIMATE_MOVED,
    /** The arrival rate left the band around the plan's rate. */
    DEMAND_SHIFT,
    /** The measured burstiness of the arrivals moved away from what the plan was solved for. */
    BURSTINESS_SHIFT,
    /** The plan is older than the maximum age. */
    MAX_AGE,
    /** An operator asked for a new plan. */
    MANUAL
}
