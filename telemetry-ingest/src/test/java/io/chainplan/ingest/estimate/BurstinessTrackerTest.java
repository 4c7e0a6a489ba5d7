package io.chainplan.ingest.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.arrival.Dispersion;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

class BurstinessTrackerTest {
    private static final long SHIFT_SEED = 20261201L;
    private static final long BURST_SEED = 8086L;
    private static final DemandEstimatorSettings SETTINGS = DemandEstimatorSettings.defaults();
    private static final ArrivalRateEstimator ESTIMATOR = new ArrivalRateEstimator(SETTINGS);
    private static final BurstinessTracker TRACKER = new BurstinessTracker(SETTINGS);
    private static final double BUCKET_SECONDS = SETTINGS.stepMillis() / 1000.0;

    static long poisson(SplittableRandom random, double mean) {
        long n = 0;
        double t = -Math.log(1 - random.nextDouble());
        while (t <= mean) {
            n++;
            t += -Math.log(1 - random.nextDouble());
        }
        return n;
    }

    /** The estimates of a run of Poisson buckets whose rate (req/s) is given per bucket. */
    private static List<DemandEstimateValue> run(SplittableRandom random, int buckets, IntToDoubleFunction ratePerSecond) {
        DemandState s = ESTIMATOR.start(DemandState.EMPTY, 0);
        List<DemandEstimateValue> out = new ArrayList<>();
        for (int b = 0; b < buckets; b++) {
            ArrivalRateEstimator.Step step = ESTIMATOR.close(s,
                    BucketTotals.ofArrivals(poisson(random, ratePerSecond.applyAsDouble(b) * BUCKET_SECONDS)));
            s = step.state();
            out.add(step.estimate());
        }
        return out;
    }

    private static boolean readsBursty(DemandEstimateValue e) {
        return e.burstiness().dispersions().stream().anyMatch(d -> (d.index() - 1) / d.poissonStandardError() > 3);
    }

    @Test
    void shouldNotReadADoublingOfTheRateAsBurstiness() {
        SplittableRandom random = new SplittableRandom(SHIFT_SEED);
        for (double rate : new double[] {0.5, 2, 10}) {
            int steps = 0;
            int bursty = 0;
            for (int run = 0; run < 40; run++) {
                // 10 min at the rate, then 5 min at twice it
                List<DemandEstimateValue> es = run(random, 180, b -> b < 120 ? rate : 2 * rate);
                for (DemandEstimateValue e : es.subList(120, 180)) {
                    steps++;
                    bursty += readsBursty(e) ? 1 : 0;
                }
            }
            // about 1% under a constant rate (the 3-sigma test on three windows); up to 69% without the span's own detector
            assertThat(bursty / (double) steps).as("share of steps reading bursty after a doubling at %s req/s", rate)
                    .isLessThan(0.05);
        }
    }

    @Test
    void shouldReadTenSecondBurstsEveryMinuteAsBursty() {
        SplittableRandom random = new SplittableRandom(BURST_SEED);
        for (int run = 0; run < 10; run++) {
            // 2 req/s, and every minute 10 s at 20 req/s: an interrupted burst the rate's detector ignores
            List<DemandEstimateValue> es = run(random, 160, b -> b % 12 < 2 ? 20 : 2);
            DemandEstimateValue last = es.get(es.size() - 1);
            assertThat(last.changePoint()).isFalse();
            BurstinessEstimate b = last.burstiness();
            assertThat(b.spanSeconds()).as("run %d: the bursts do not restart the span", run).isGreaterThanOrEqualTo(300);
            Dispersion ten = b.dispersions().stream().filter(d -> d.windowSeconds() == 10).findFirst().orElseThrow();
            assertThat(ten.index()).as("run %d", run).isGreaterThan(10);
            assertThat(b.peakRatePerSecond()).isGreaterThan(12);
        }
    }

    @Test
    void shouldKeepAtMostTheHistoryAndRestartAtAChangeOfTheRate() {
        BurstinessState s = BurstinessState.EMPTY;
        for (int b = 0; b < 200; b++) {
            s = TRACKER.close(s, 10, b * SETTINGS.stepMillis(), false);
        }
        assertThat(s.counts().size()).isEqualTo(SETTINGS.burstinessHistoryBuckets());
        long boundary = 200 * SETTINGS.stepMillis();
        assertThat(TRACKER.estimate(s, boundary).spanSeconds()).isEqualTo(600.0);
        assertThat(TRACKER.estimate(s, boundary).dispersions()).extracting(Dispersion::windows).containsExactly(120L, 60L, 10L);
        BurstinessState restarted = TRACKER.close(s, 10, boundary, true);
        assertThat(restarted.counts()).isEqualTo(ArrivalCounts.EMPTY);
        assertThat(restarted.history().size()).isEqualTo(SETTINGS.burstinessHistoryBuckets());
        assertThat(restarted.restartCount()).isEqualTo(1);
        assertThat(TRACKER.estimate(restarted, boundary + SETTINGS.stepMillis()).dispersions())
                .as("one restart: a step of the rate, not bursts").isEmpty();
    }

    @Test
    void shouldMeasureTheWholeHistoryWhenTheLevelChangesRecur() {
        // the Azure code trace's pattern: the level changes every minute or so (2 and 12 req/s here)
        SplittableRandom random = new SplittableRandom(BURST_SEED);
        List<DemandEstimateValue> steps = run(random, 240, b -> (b / 12) % 2 == 0 ? 2.0 : 12.0);
        DemandEstimateValue last = steps.get(steps.size() - 1);
        assertThat(last.burstiness().spanSeconds()).as("the whole 10 min history").isEqualTo(600.0);
        assertThat(last.burstiness().dispersions()).isNotEmpty()
                .allSatisfy(d -> assertThat(d.index()).isGreaterThan(3.0));
        long bursty = steps.stream().skip(120).filter(e -> !e.burstiness().dispersions().isEmpty()
                && e.burstiness().dispersions().get(e.burstiness().dispersions().size() - 1).index() > 3.0).count();
        assertThat(bursty).as("steps of the second 10 minutes read bursty").isGreaterThanOrEqualTo(110);
    }

    @Test
    void shouldEstimateTheLongRunRateWhenTheLevelChangesRecur() {
        // 2 and 12 req/s by turns, a minute each: the long-run rate is 7 req/s
        SplittableRandom random = new SplittableRandom(BURST_SEED);
        List<DemandEstimateValue> steps = run(random, 240, b -> (b / 12) % 2 == 0 ? 2.0 : 12.0);
        List<DemandEstimateValue> settled = steps.subList(150, steps.size());
        assertThat(settled).as("once the changes recur, the rate is the long-run one, not the level of the moment")
                .allSatisfy(e -> {
                    assertThat(e.ratePerSecond()).isBetween(6.0, 8.0);
                    assertThat(e.interval().contains(7.0)).as("interval %s", e.interval()).isTrue();
                    assertThat(e.spanSeconds()).isEqualTo(600.0);
                });
        // the interval is wider than a Poisson one of the same count (bursty counts vary more)
        DemandEstimateValue last = steps.get(steps.size() - 1);
        io.chainplan.stats.PoissonInterval poisson = io.chainplan.stats.PoissonInterval.garwood(last.arrivals(), 600,
                SETTINGS.confidence());
        assertThat(last.interval().upperPerSecond() - last.interval().lowerPerSecond())
                .isGreaterThan(2 * (poisson.upperPerSecond() - poisson.lowerPerSecond()));
        // before they recur, the estimate follows the level (a step of the rate is one change)
        assertThat(steps.get(10).ratePerSecond()).as("the first minute, at 2 req/s").isLessThan(4.0);
        assertThat(steps.get(22).ratePerSecond()).as("the second, at 12 req/s").isGreaterThan(8.0);
    }

    @Test
    void shouldLeaveOutTheBucketsOfAChangeInTheMakingAndRestartWhenItIsDetected() {
        BurstinessState s = BurstinessState.EMPTY;
        long step = SETTINGS.stepMillis();
        int b = 0;
        for (; b < 60; b++) {
            s = TRACKER.close(s, 10, b * step, false);
        }
        s = TRACKER.close(s, 30, b * step, false);
        b++;
        BurstinessEstimate pending = TRACKER.estimate(s, b * step);
        assertThat(pending.spanSeconds()).as("the high bucket is left out").isEqualTo(300.0);
        assertThat(pending.dispersions()).allSatisfy(d -> assertThat(d.index()).isZero());
        for (int i = 0; i < 5 && s.counts().size() > 0; i++, b++) {
            s = TRACKER.close(s, 30, b * step, false);
        }
        assertThat(s.counts().size()).as("the span's detector fired on the sustained tripling").isLessThan(5);
    }

    @Test
    void shouldCountLateArrivalsInTheirBucket() {
        BurstinessState s = TRACKER.close(TRACKER.close(BurstinessState.EMPTY, 3, 0, false), 4, 5_000, false);
        assertThat(TRACKER.plusLate(s, 1, 2).counts()).isEqualTo(ArrivalCounts.of(5, 4));
        assertThat(TRACKER.plusLate(s, 7, 2)).isEqualTo(s);
    }
}
