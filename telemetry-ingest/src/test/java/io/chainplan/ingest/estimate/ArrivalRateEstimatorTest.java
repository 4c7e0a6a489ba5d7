package io.chainplan.ingest.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class ArrivalRateEstimatorTest {
    private static final long COVERAGE_SEED = 20260401L;
    private static final long STEP_SEED = 424242L;
    private static final long BURST_SEED = 777L;
    private static final DemandEstimatorSettings SETTINGS = DemandEstimatorSettings.defaults();
    private static final long STEP = SETTINGS.stepMillis();
    private static final ArrivalRateEstimator ESTIMATOR = new ArrivalRateEstimator(SETTINGS);

    /** Arrival counts per step bucket of a Poisson process with a time-varying rate (piecewise constant per bucket). */
    private static long[] poissonCounts(SplittableRandom random, int buckets, DoubleUnaryOperator ratePerSecondAt) {
        long[] counts = new long[buckets];
        for (int b = 0; b < buckets; b++) {
            double mean = ratePerSecondAt.applyAsDouble(b * STEP / 1000.0) * STEP / 1000.0;
            counts[b] = poisson(random, mean);
        }
        return counts;
    }

    private static long poisson(SplittableRandom random, double mean) {
        // Count unit-rate exponential gaps within `mean`: exact for any mean.
        long n = 0;
        double t = -Math.log(1 - random.nextDouble());
        while (t <= mean) {
            n++;
            t += -Math.log(1 - random.nextDouble());
        }
        return n;
    }

    private static List<DemandEstimateValue> run(long[] counts) {
        DemandState s = ESTIMATOR.start(DemandState.EMPTY, 0);
        List<DemandEstimateValue> out = new ArrayList<>();
        for (long c : counts) {
            ArrivalRateEstimator.Step step = ESTIMATOR.close(s, BucketTotals.ofArrivals(c));
            s = step.state();
            out.add(step.estimate());
        }
        return out;
    }

    @Test
    void shouldCoverTheTrueRateAbout95PercentOfTheTimeForPoissonArrivals() {
        SplittableRandom random = new SplittableRandom(COVERAGE_SEED);
        int runs = 1000;
        int covered = 0;
        for (int i = 0; i < runs; i++) {
            List<DemandEstimateValue> estimates = run(poissonCounts(random, 48, t -> 2.0));
            if (estimates.get(estimates.size() - 1).interval().contains(2.0)) {
                covered++;
            }
        }
        double coverage = covered / (double) runs;
        // Garwood is slightly conservative; 1000 runs give a binomial sd of 0.007.
        assertThat(coverage).isBetween(0.93, 0.975);
    }

    @Test
    void shouldUseThreeWindowsOfDataUnderAConstantRate() {
        List<DemandEstimateValue> estimates = run(poissonCounts(new SplittableRandom(STEP_SEED), 60, t -> 2.0));
        DemandEstimateValue last = estimates.get(estimates.size() - 1);
        assertThat(last.spanSeconds()).isEqualTo(180.0);
        assertThat(last.ratePerSecond()).isCloseTo(2.0, within(0.35));
        assertThat(last.atMillis()).isEqualTo(60 * STEP);
    }

    @Test
    void shouldCrossTheMidpointWithinOneWindowAfterAStepFromTwoToFour() {
        SplittableRandom random = new SplittableRandom(STEP_SEED);
        int stepBucket = 60; // 300 s at 2 req/s, then 4 req/s
        for (int run = 0; run < 50; run++) {
            List<DemandEstimateValue> estimates = run(poissonCounts(random, 90, t -> t < 300 ? 2.0 : 4.0));
            int crossed = -1;
            for (int b = stepBucket; b < estimates.size(); b++) {
                if (estimates.get(b).ratePerSecond() > 3.0) {
                    crossed = b;
                    break;
                }
            }
            assertThat(estimates.get(stepBucket - 1).ratePerSecond()).as("run %d before the step", run).isLessThan(3.0);
            assertThat(crossed).as("run %d: bucket where the estimate crossed 3 req/s", run)
                    .isBetween(stepBucket, stepBucket + SETTINGS.windowBuckets() - 1);
            assertThat(estimates.get(estimates.size() - 1).ratePerSecond()).isCloseTo(4.0, within(0.8));
        }
    }

    @Test
    void shouldFollowAStepDownWithinOneWindow() {
        SplittableRandom random = new SplittableRandom(STEP_SEED + 1);
        for (int run = 0; run < 20; run++) {
            List<DemandEstimateValue> estimates = run(poissonCounts(random, 90, t -> t < 300 ? 4.0 : 2.0));
            assertThat(estimates.get(60 + SETTINGS.windowBuckets() - 1).ratePerSecond()).as("run %d", run).isLessThan(3.0);
        }
    }

    @Test
    void shouldNotFlapOnATenSecondBurst() {
        SplittableRandom random = new SplittableRandom(BURST_SEED);
        for (int run = 0; run < 20; run++) {
            // 2 req/s, with 10 s at 20 req/s (ten times the rate) starting at 300 s.
            long[] counts = poissonCounts(random, 90, t -> t >= 300 && t < 310 ? 20.0 : 2.0);
            List<DemandEstimateValue> estimates = run(counts);
            double rawWindowPeak = 0;
            for (int b = 60; b < 75; b++) {
                long sum = 0;
                for (int i = b - SETTINGS.windowBuckets() + 1; i <= b; i++) {
                    sum += counts[i];
                }
                rawWindowPeak = Math.max(rawWindowPeak, sum / 60.0);
            }
            assertThat(rawWindowPeak).as("a raw 60 s window would jump").isGreaterThan(4.0);
            for (int b = 60; b < 90; b++) {
                assertThat(estimates.get(b).changePoint()).as("run %d bucket %d", run, b).isFalse();
                assertThat(estimates.get(b).ratePerSecond()).as("run %d bucket %d", run, b).isBetween(1.5, 2.6);
            }
        }
    }

    @Test
    void shouldReportMeanTokensOfABucketOnceAllItsRequestsCompleted() {
        DemandState s = ESTIMATOR.start(DemandState.EMPTY, 0);
        BucketTotals t = BucketTotals.EMPTY.withArrival(100).withArrival(300).withArrival(0).withCompletion(10).withCompletion(30);
        ArrivalRateEstimator.Step step = ESTIMATOR.close(s, t);
        assertThat(step.estimate().arrivals()).isEqualTo(3);
        assertThat(step.estimate().ratePerSecond()).isCloseTo(3 / 5.0, within(1e-12));
        // one of its three requests is still in flight: its lengths do not count yet, not even the prompts
        assertThat(step.estimate().meanInputTokens()).isZero();
        assertThat(step.estimate().meanOutputTokens()).isZero();
        // the third completes (without a generated length): the bucket holds all its requests
        DemandState done = ESTIMATOR.addCompletion(step.state(), 4_000, BucketTotals.EMPTY.withCompletion(0));
        DemandEstimateValue e = ESTIMATOR.estimate(done, false);
        assertThat(e.meanInputTokens()).isEqualTo(200.0);
        assertThat(e.meanOutputTokens()).isEqualTo(20.0);
        assertThat(e.ratePerSecond()).as("a completion is no arrival").isEqualTo(step.estimate().ratePerSecond());
        assertThat(done.burstiness()).isEqualTo(step.state().burstiness());
    }

    @Test
    void shouldCountALateEventWithinTheHorizonAndDropOneBeyondIt() {
        DemandState s1 = ESTIMATOR.close(ESTIMATOR.start(DemandState.EMPTY, 1_000), BucketTotals.ofArrivals(5)).state();
        DemandState s = ESTIMATOR.close(s1, BucketTotals.ofArrivals(5)).state();
        DemandState late = ESTIMATOR.addLate(s, 2_000, BucketTotals.EMPTY.withArrival(0));
        assertThat(ESTIMATOR.estimate(late, false).arrivals()).isEqualTo(11);
        assertThat(ESTIMATOR.withinHorizon(s, -1)).isFalse();
        assertThat(ESTIMATOR.addLate(s, -1, BucketTotals.EMPTY.withArrival(0))).isEqualTo(s);
        assertThatThrownBy(() -> ESTIMATOR.addLate(s, 10_000, BucketTotals.EMPTY)).hasMessageContaining("not late");
    }

    @Test
    void shouldSkipLongIdleStretchesToAtMostOneHorizonOfEmptyBuckets() {
        DemandState s = ESTIMATOR.start(DemandState.EMPTY, 0);
        s = ESTIMATOR.close(s, BucketTotals.ofArrivals(10)).state();
        long target = 3_600_000;
        DemandState skipped = ESTIMATOR.skipIdle(s, target);
        assertThat(target - skipped.evaluatedUntilMillis()).isEqualTo(SETTINGS.horizonBuckets() * STEP);
        assertThat(skipped.buckets()).isEmpty();
        int closes = 0;
        while (skipped.evaluatedUntilMillis() < target) {
            ArrivalRateEstimator.Step step = ESTIMATOR.close(skipped, BucketTotals.EMPTY);
            skipped = step.state();
            closes++;
            assertThat(step.estimate().ratePerSecond()).isZero();
        }
        assertThat(closes).isEqualTo(SETTINGS.horizonBuckets());
    }

    @Test
    void shouldDetectTrafficStartingAfterSilence() {
        long[] counts = new long[40];
        for (int b = 20; b < 40; b++) {
            counts[b] = 10;
        }
        List<DemandEstimateValue> estimates = run(counts);
        assertThat(estimates.get(25).ratePerSecond()).isGreaterThan(1.5);
    }

    @Test
    void shouldMeasureBurstinessOnTheRegimeAndRestartItAtAChangePoint() {
        long[] counts = poissonCounts(new SplittableRandom(STEP_SEED), 200, t -> t < 600 ? 2.0 : 8.0);
        List<DemandEstimateValue> estimates = run(counts);
        DemandEstimateValue before = estimates.get(119);
        assertThat(before.burstiness().spanSeconds()).isEqualTo(600.0);
        assertThat(before.burstiness().dispersions()).extracting(d -> d.windowSeconds()).containsExactly(5.0, 10.0, 60.0);
        long arrivals = 0;
        for (int b = 0; b < 120; b++) {
            arrivals += counts[b];
        }
        assertThat(before.burstiness().arrivals()).isEqualTo(arrivals);
        int change = -1;
        for (int b = 120; b < 200 && change < 0; b++) {
            change = estimates.get(b).changePoint() ? b : -1;
        }
        assertThat(change).as("the quadrupling is detected").isPositive();
        assertThat(estimates.get(change).burstiness()).as("the span restarts at the detection").isEqualTo(BurstinessEstimate.NONE);
        DemandEstimateValue after = estimates.get(199);
        // since the detection (less any buckets of a level change the span's own detector is deciding on)
        assertThat(after.burstiness().spanSeconds()).isBetween((199 - change) * 5.0 - 60, (199 - change) * 5.0);
        assertThat(after.burstiness().dispersions()).allSatisfy(d ->
                assertThat(d.index()).as("window %s", d.windowSeconds()).isLessThan(1 + 4 * d.poissonStandardError()));
    }

    @Test
    void shouldRestartTheBurstinessSpanAfterALongIdleStretch() {
        DemandState s = ESTIMATOR.start(DemandState.EMPTY, 0);
        for (int b = 0; b < 30; b++) {
            s = ESTIMATOR.close(s, BucketTotals.ofArrivals(10)).state();
        }
        assertThat(s.burstiness().counts().size()).isEqualTo(30);
        assertThat(ESTIMATOR.skipIdle(s, 3_600_000).burstiness()).isEqualTo(BurstinessState.EMPTY);
    }

    @Test
    void shouldRejectCloseBeforeStart() {
        assertThatThrownBy(() -> ESTIMATOR.close(DemandState.EMPTY, BucketTotals.EMPTY)).hasMessageContaining("has not started");
    }

    /**
     * Censoring: every bucket of 10 arrivals holds 8 short requests (50 generated tokens) that complete at once and
     * 2 long ones (1000 tokens) that complete a minute later, a mean of 240 by arrival. The newest minute of
     * buckets holds only their short requests; counted, it would look like a new mix of 50 tokens.
     */
    @Test
    void shouldNotLetRequestsStillInFlightBiasTheTokenMeans() {
        int lag = 12; // buckets of 5 s: the long requests complete a minute after they arrived
        DemandState s = ESTIMATOR.start(DemandState.EMPTY, 0);
        List<DemandEstimateValue> estimates = new ArrayList<>();
        for (int b = 0; b < 100; b++) {
            BucketTotals t = BucketTotals.EMPTY;
            for (int r = 0; r < 10; r++) {
                t = t.withArrival(1000);
            }
            for (int r = 0; r < 8; r++) {
                t = t.withCompletion(50);
            }
            s = ESTIMATOR.close(s, t).state();
            if (b >= lag) {
                long arrival = (b - lag) * STEP + 1_000;
                s = ESTIMATOR.addCompletion(s, arrival, BucketTotals.EMPTY.withCompletion(1000));
                s = ESTIMATOR.addCompletion(s, arrival + 2_000, BucketTotals.EMPTY.withCompletion(1000));
            }
            estimates.add(ESTIMATOR.estimate(s, false));
            if (b >= 20) {
                TokenMeans.Mean naive = TokenMeans.output(s.buckets());
                assertThat(naive.mean()).as("bucket %d: the mean of every bucket, censored ones too", b).isLessThan(0.5 * 240);
            }
        }
        for (int b = 0; b < lag; b++) {
            assertThat(estimates.get(b).meanOutputTokens()).as("no bucket has all its requests yet").isZero();
        }
        for (int b = lag; b < 100; b++) {
            assertThat(estimates.get(b).meanOutputTokens()).as("bucket %d", b).isEqualTo(240.0);
            assertThat(estimates.get(b).meanInputTokens()).isEqualTo(1000.0);
        }
    }

    @Test
    void shouldCountABucketWhoseRequestNeverCompletesOnceItWaitedTheLongestCompletionWait() {
        DemandState s = ESTIMATOR.start(DemandState.EMPTY, 0);
        int waitBuckets = (int) (SETTINGS.maxCompletionWaitMillis() / STEP);
        List<Integer> mature = new ArrayList<>();
        for (int b = 0; b < 80; b++) {
            // 5 requests of 100 generated tokens per bucket, completing at once; in bucket 30 one more that never does
            BucketTotals t = BucketTotals.EMPTY;
            for (int r = 0; r < 5; r++) {
                t = t.withArrival(500).withCompletion(100);
            }
            s = ESTIMATOR.close(s, b == 30 ? t.withArrival(500) : t).state();
            mature.add(TokenMeans.mature(s.buckets(), s.evaluatedUntilMillis(), STEP, SETTINGS.maxCompletionWaitMillis()).size());
            assertThat(ESTIMATOR.estimate(s, false).meanOutputTokens()).isEqualTo(100.0);
        }
        assertThat(mature.get(29)).isEqualTo(30);
        // from bucket 30 on the prefix waits for the request that never completes, until bucket 30 is that old
        assertThat(mature.subList(30, 30 + waitBuckets)).containsOnly(30);
        assertThat(mature.get(30 + waitBuckets)).isEqualTo(31 + waitBuckets);
    }

    @Test
    void shouldAddACompletionToItsArrivalBucketWithinTheTokenHistoryOnly() {
        DemandState s = ESTIMATOR.start(DemandState.EMPTY, 0);
        for (int b = 0; b < SETTINGS.tokenHistoryBuckets() + 10; b++) {
            s = ESTIMATOR.close(s, BucketTotals.EMPTY.withArrival(10)).state();
        }
        long oldest = s.buckets().get(0).startMillis();
        assertThat(ESTIMATOR.inTokenHistory(s, oldest)).isTrue();
        assertThat(ESTIMATOR.inTokenHistory(s, oldest - 1)).isFalse();
        assertThat(ESTIMATOR.addCompletion(s, oldest - 1, BucketTotals.EMPTY.withCompletion(5))).isSameAs(s);
        DemandState added = ESTIMATOR.addCompletion(s, oldest + 1, BucketTotals.EMPTY.withCompletion(5));
        assertThat(added.buckets().get(0).totals().completions()).isEqualTo(1);
        assertThat(added.buckets().get(0).totals().outputTokenSum()).isEqualTo(5);
        assertThat(added.buckets().get(0).clippedArrivals()).isEqualTo(s.buckets().get(0).clippedArrivals());
        DemandState state = s;
        assertThatThrownBy(() -> ESTIMATOR.addCompletion(state, state.evaluatedUntilMillis(), BucketTotals.EMPTY.withCompletion(5)))
                .hasMessageContaining("not in a closed bucket");
        assertThatThrownBy(() -> ESTIMATOR.addCompletion(state, oldest, BucketTotals.EMPTY.withArrival(5)))
                .hasMessageContaining("no arrival");
    }
}
