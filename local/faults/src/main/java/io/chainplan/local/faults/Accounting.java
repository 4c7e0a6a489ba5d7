package io.chainplan.local.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The suite's arithmetic, pure: how many good records an estimate should have counted, how long a model was
 * without a plan, and what an epoch sequence lacks or repeats. The definitions are the report's
 * (README, "Fault injection").
 */
public final class Accounting {
    private Accounting() {
    }

    /**
     * Good records against one demand estimate.
     *
     * @param expected   acknowledged good records whose event time lies in the estimate's window
     * @param counted    the arrivals the estimate counted
     * @param lost       {@code max(0, expected - counted)}
     * @param duplicated {@code max(0, counted - expected)}
     */
    public record Count(long expected, long counted, long lost, long duplicated) {
    }

    /**
     * Compares a demand estimate with the records sent. The estimate at boundary {@code T} with window
     * {@code w} counts the arrivals with event time in {@code [T - w, T)}; the acknowledged good records in
     * that interval are what it should count. (Counts are compared, not identities: a loss and a duplicate in
     * the same window would cancel; the suite's traffic is one arrival per period, so either shows.)
     *
     * @param ackedEventMillis event times of the acknowledged good records of the model
     * @param boundaryMillis   the estimate's timestamp {@code T}
     * @param windowSeconds    its window {@code w}
     * @param arrivals         its arrivals
     * @return the comparison
     */
    public static Count count(Collection<Long> ackedEventMillis, long boundaryMillis, double windowSeconds, long arrivals) {
        long from = boundaryMillis - Math.round(windowSeconds * 1000);
        long expected = ackedEventMillis.stream().filter(t -> t >= from && t < boundaryMillis).count();
        return new Count(expected, arrivals, Math.max(0, expected - arrivals), Math.max(0, arrivals - expected));
    }

    /**
     * A plan of a model as the suite saw it arrive.
     *
     * @param receivedMillis wall clock when the suite read it
     * @param ok             whether its status is {@code OK} (a router follows it; otherwise it keeps the previous
     *                       plan, or has none)
     */
    public record PlanSeen(long receivedMillis, boolean ok) {
    }

    /**
     * How long, within {@code [from, to)}, the model's latest plan was not {@code OK} (or there was none):
     * the time a router following the plans topic had no plan to apply for it.
     *
     * @param plans  the model's plans, in the order they arrived
     * @param from   start of the interval, wall-clock ms
     * @param to     end of the interval, wall-clock ms
     * @return the time without an OK plan in the interval
     */
    public static Duration planGap(List<PlanSeen> plans, long from, long to) {
        long gap = 0;
        boolean ok = false;
        long since = from;
        for (PlanSeen p : plans) {
            long at = Math.min(Math.max(p.receivedMillis(), from), to);
            if (!ok) {
                gap += at - since;
            }
            since = at;
            ok = p.ok();
        }
        if (!ok) {
            gap += to - since;
        }
        return Duration.ofMillis(Math.max(0, gap));
    }

    /**
     * What an epoch sequence lacks or repeats.
     *
     * @param missing    epochs of {@code 1 .. max} that are absent
     * @param duplicated epochs that occur more than once (each extra occurrence counts once)
     */
    public record Epochs(List<Long> missing, long duplicated) {
        /** Copies the list. */
        public Epochs {
            missing = List.copyOf(missing);
        }
    }

    /**
     * @param epochs the plan epochs of one model, in log order
     * @return the epochs of {@code 1 .. max} that are missing and how many occurrences repeat an epoch
     */
    public static Epochs epochs(List<Long> epochs) {
        Map<Long, Integer> seen = new HashMap<>();
        epochs.forEach(e -> seen.merge(Objects.requireNonNull(e, "epoch"), 1, Integer::sum));
        long max = new TreeSet<>(seen.keySet()).stream().mapToLong(Long::longValue).max().orElse(0);
        List<Long> missing = new ArrayList<>();
        for (long e = 1; e <= max; e++) {
            if (!seen.containsKey(e)) {
                missing.add(e);
            }
        }
        long duplicated = seen.values().stream().mapToLong(n -> n - 1).sum();
        return new Epochs(missing, duplicated);
    }
}
