package io.chainplan.ingest.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenMeansTest {
    private static final long SEED = 17;
    private static final long STEP_MILLIS = 5_000;

    /** 36 buckets of 5 s (the default horizon) of completions at 5 per second, lengths uniform in 0.75..1.25 x mean. */
    private static List<ClosedBucket> buckets(double meanBefore, double meanAfter, int changeBucket, double cv,
            SplittableRandom random) {
        List<ClosedBucket> out = new ArrayList<>();
        for (int i = 0; i < 36; i++) {
            double mean = i < changeBucket ? meanBefore : meanAfter;
            BucketTotals t = BucketTotals.EMPTY;
            for (int r = 0; r < 25; r++) {
                double x = cv < 0.2 ? mean * (0.75 + 0.5 * random.nextDouble())
                        : -mean * Math.log(1 - random.nextDouble()); // exponential: cv 1, a heavy mix
                t = t.withArrival(1000).withCompletion((int) Math.max(1, Math.round(x)));
            }
            out.add(new ClosedBucket(i * STEP_MILLIS, t, t.arrivals()));
        }
        return out;
    }

    @Test
    void shouldJumpToTheNewMixInOneStepOnceEnoughRequestsOfItWereSeen() {
        SplittableRandom random = new SplittableRandom(SEED);
        // the change 3 buckets (75 completions) before the newest: the whole-horizon mean would be 35
        List<ClosedBucket> b = buckets(20, 200, 33, 0.14, random);
        assertThat(TokenMeans.output(b).mean()).isCloseTo(200, within(10.0));
        assertThat(TokenMeans.input(b).mean()).isEqualTo(1000);
        // one bucket of the new mix is not yet a regime (fewer than 30 requests), and a part holding the last old
        // bucket too is two mixes: the change is pending, and the estimate stays the old mix's, not the blend
        List<ClosedBucket> early = buckets(20, 200, 35, 0.14, random);
        double old = early.subList(0, 35).stream().mapToLong(x -> x.totals().outputTokenSum()).sum()
                / (double) early.subList(0, 35).stream().mapToLong(x -> x.totals().outputTokenCount()).sum();
        assertThat(TokenMeans.output(early).mean()).isEqualTo(old).isCloseTo(20, within(1.0));
        // two buckets of it: the new mix
        assertThat(TokenMeans.output(buckets(20, 200, 34, 0.14, random)).mean()).isCloseTo(200, within(12.0));
    }

    @Test
    void shouldKeepTheWholeRegimesMeanWithoutAChangeEvenForAHeavyTailedMix() {
        SplittableRandom random = new SplittableRandom(SEED);
        int splits = 0;
        for (int run = 0; run < 200; run++) {
            List<ClosedBucket> b = buckets(200, 200, 36, 1.0, random);
            double all = b.stream().mapToLong(x -> x.totals().outputTokenSum()).sum()
                    / (double) b.stream().mapToLong(x -> x.totals().outputTokenCount()).sum();
            if (TokenMeans.output(b).mean() != all) {
                splits++;
            }
        }
        assertThat(splits).as("false changes in 200 runs of a constant exponential mix").isLessThanOrEqualTo(2);
    }

    @Test
    void shouldReportZeroWithoutTokenCountsAndTheMeanOfAShortRegime() {
        assertThat(TokenMeans.output(List.of()).mean()).isZero();
        BucketTotals one = BucketTotals.EMPTY.withCompletion(30).withCompletion(10);
        TokenMeans.Mean single = TokenMeans.output(List.of(new ClosedBucket(0, one, 0)));
        assertThat(single.mean()).isEqualTo(20);
        assertThat(single.standardError()).as("one bucket: the spread is unknown").isZero();
    }

    @Test
    void shouldGiveTheStandardErrorOfTheMeanFromTheSpreadOfTheBucketMeans() {
        SplittableRandom random = new SplittableRandom(SEED);
        // exponential lengths (sd = mean = 200) over 36 x 25 = 900 completions: standard error 200 / 30 = 6.7
        double sum = 0;
        int covered = 0;
        int runs = 50;
        for (int run = 0; run < runs; run++) {
            TokenMeans.Mean m = TokenMeans.output(buckets(200, 200, 36, 1.0, random));
            sum += m.standardError();
            if (Math.abs(m.mean() - 200) <= 1.96 * m.standardError()) {
                covered++;
            }
        }
        assertThat(sum / runs).isCloseTo(200 / 30.0, within(0.7));
        assertThat(covered).as("95% intervals that contain the true mean, of 50").isBetween(42, 50);
        // after a change, the error is the new part's: fewer requests, a larger mean
        TokenMeans.Mean after = TokenMeans.output(buckets(20, 200, 24, 1.0, random));
        assertThat(after.mean()).isCloseTo(200, within(40.0));
        assertThat(after.standardError()).isCloseTo(200 / Math.sqrt(12 * 25), within(4.0));
    }
}
