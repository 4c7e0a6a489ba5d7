package io.chainplan.bench;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.tuning.CapacitySearch;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.Objects;

/**
 * Times the full search over c ({@link CapacitySearch#solve(Fleet)}) on one fleet: warm-up runs,
 * then timed runs; reports the median and the peak heap seen by the JVM's heap pools.
 */
public final class SolveBenchmark {
    private final CapacitySearch search;

    /**
     * @param objective objective of the search
     * @param parallelism threads for candidates
     */
    public SolveBenchmark(Objective objective, int parallelism) {
        this.search = new CapacitySearch(objective, parallelism);
    }

    /**
     * One benchmark row.
     *
     * @param servers J
     * @param candidatesTried values of c tried
     * @param placementsEvaluated distinct placements evaluated
     * @param c chosen c
     * @param chains chains in the plan
     * @param status plan status
     * @param medianMillis median solve time of the timed runs
     * @param minMillis fastest timed run
     * @param peakHeapBytes peak heap use over the runs (sum of heap pools' peaks)
     * @param plan the plan of the last run
     */
    public record Row(int servers, int candidatesTried, int placementsEvaluated, int c, int chains, String status,
            double medianMillis, double minMillis, long peakHeapBytes, Plan plan) {
    }

    /**
     * @param fleet the fleet
     * @param warmups untimed runs first
     * @param runs timed runs, {@code >= 1}
     * @return the row
     */
    public Row run(Fleet fleet, int warmups, int runs) {
        Objects.requireNonNull(fleet, "fleet");
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be >= 1, was " + runs);
        }
        for (int i = 0; i < warmups; i++) {
            search.solve(fleet);
        }
        System.gc();
        resetPeaks();
        double[] millis = new double[runs];
        Plan plan = null;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            plan = search.solve(fleet);
            millis[i] = (System.nanoTime() - t0) / 1e6;
        }
        long peak = peakHeap();
        Arrays.sort(millis);
        double median = runs % 2 == 1 ? millis[runs / 2] : (millis[runs / 2 - 1] + millis[runs / 2]) / 2;
        return new Row(fleet.servers().size(), plan.solver().candidatesTried(), plan.solver().placementsEvaluated(),
                plan.c(), plan.chains().size(), plan.status().name(), median, millis[0], peak,
                plan.withSolverMillis(median));
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
