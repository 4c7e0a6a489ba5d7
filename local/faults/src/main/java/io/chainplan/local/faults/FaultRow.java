package io.chainplan.local.faults;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of the report: what one fault kind did to the records sent while it was injected.
 * <p>Definitions (README, "Fault injection"): <b>sent</b> every record the fault's run produced (its model's
 * good traffic and the injected records); <b>acknowledged</b> those the broker acknowledged; <b>counted</b>
 * the good records telemetry-ingest counted in its demand estimates (for the optimizer kill: demand steps that
 * got their plan); <b>dead-lettered</b> injected records found on the dead-letter topic (by original topic,
 * partition and offset); <b>lost</b> acknowledged good records not counted, plus acknowledged records that
 * must be dead-lettered and are not (for the optimizer kill: steps without a plan and missing epochs);
 * <b>duplicated</b> counts beyond the acknowledged good records (for the kill: repeated epochs and second plans
 * of one step); <b>plan gap</b> the time a model the fault does not affect had no {@code OK} plan while the
 * fault and its recovery lasted; <b>recovery</b> the time from the fault's end until the services' outputs
 * reflected it (the first estimate covering records sent after it, every expected dead letter, every plan).
 *
 * @param kind         the fault kind
 * @param injected     how many faults were injected (records, outages, kills, processes)
 * @param what         what was injected, in words
 * @param sent         records sent
 * @param acknowledged records acknowledged
 * @param counted      good records counted
 * @param deadLettered injected records dead-lettered
 * @param lost         records lost
 * @param duplicated   records duplicated
 * @param planGap      time without a plan for unaffected models, empty if not measured
 * @param recovery     recovery time, empty if nothing had to recover
 * @param notes        details
 * @param problems     what went wrong beyond loss and duplicates (a fault not injected, an audit mismatch, ...)
 * @param skipped      why the kind did not run, if it did not
 */
public record FaultRow(FaultKind kind, long injected, String what, long sent, long acknowledged, long counted,
                       long deadLettered, long lost, long duplicated, Optional<Duration> planGap,
                       Optional<Duration> recovery, List<String> notes, List<String> problems, Optional<String> skipped) {
    /** Validates and copies. */
    public FaultRow {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(planGap, "planGap");
        Objects.requireNonNull(recovery, "recovery");
        notes = List.copyOf(notes);
        problems = List.copyOf(problems);
        Objects.requireNonNull(skipped, "skipped");
    }

    /**
     * @param kind   the kind
     * @param reason why it did not run
     * @return a row for a kind that was not run
     */
    public static FaultRow skipped(FaultKind kind, String reason) {
        return new FaultRow(kind, 0, "-", 0, 0, 0, 0, 0, 0, Optional.empty(), Optional.empty(), List.of(), List.of(),
                Optional.of(reason));
    }

    /** @return whether the kind ran with nothing lost, nothing duplicated and no problem (a skipped kind passes) */
    public boolean passed() {
        return lost == 0 && duplicated == 0 && problems.isEmpty();
    }
}
