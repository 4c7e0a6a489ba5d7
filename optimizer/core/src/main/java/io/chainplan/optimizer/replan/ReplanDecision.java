package io.chainplan.optimizer.replan;

import java.util.Objects;

/** What {@link ReplanPolicy} says to do for a model now. */
public sealed interface ReplanDecision {

    /** The plan still fits: do nothing. */
    record Hold() implements ReplanDecision {
    }

    /**
     * A trigger holds but the debounce interval has not passed since the last plan: evaluate again
     * at {@code notBeforeMillis} (the trigger is re-detected then if it still holds).
     *
     * @param trigger         the trigger that holds
     * @param notBeforeMillis the earliest time a new plan may be made, ms since the epoch
     */
    record Defer(Trigger trigger, long notBeforeMillis) implements ReplanDecision {
        /** Validates the fields. */
        public Defer {
            Objects.requireNonNull(trigger, "trigger");
        }
    }

    /**
     * Re-solve now.
     *
     * @param trigger why
     */
    record Solve(Trigger trigger) implements ReplanDecision {
        /** Validates the fields. */
        public Solve {
            Objects.requireNonNull(trigger, "trigger");
        }
    }
}
