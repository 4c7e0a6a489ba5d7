package io.chainplan.optimizer.replan;

import java.util.Objects;

/**
 * A reason to re-solve, with a human-readable detail such as {@code "rate 2.1 -> 4.3 req/s"}.
 *
 * @param kind   what changed
 * @param detail what exactly changed, never null (may be empty)
 */
public record Trigger(TriggerKind kind, String detail) {
    /** Validates the fields. */
    public Trigger {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }
}
