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

    @Test
    void shouldTakeTheMaturePrefixOnlyNotEveryCompleteBucket() {
        BucketTotals complete = BucketTotals.EMPTY.withArrival(10).withCompletion(20);
        BucketTotals inFlight = BucketTotals.EMPTY.withArrival(10).withArrival(10).withCompletion(20);
        List<ClosedBucket> b = List.of(new ClosedBucket(0, complete, 1), new ClosedBucket(STEP_MILLIS, inFlight, 2),
                new ClosedBucket(2 * STEP_MILLIS, complete, 1), new ClosedBucket(3 * STEP_MILLIS, BucketTotals.EMPTY, 0));
        long boundary = 4 * STEP_MILLIS;
        // the complete bucket after the one in flight does not count: its requests were the quick ones
        assertThat(TokenMeans.mature(b, boundary, STEP_MILLIS, 60_000)).containsExactly(b.get(0));
        // once the bucket in flight has waited long enough, it counts, and the prefix runs on
        assertThat(TokenMeans.mature(b, 2 * STEP_MILLIS + 60_000, STEP_MILLIS, 60_000)).isEqualTo(b);
        assertThat(TokenMeans.mature(b, 2 * STEP_MILLIS + 60_000 - 1, STEP_MILLIS, 60_000)).containsExactly(b.get(0));
        assertThat(TokenMeans.mature(List.of(), boundary, STEP_MILLIS, 60_000)).isEmpty();
    }

    @Test
    void shouldCallTheMixPendingUntilABucketOfRequestsIsMature() {
        BucketTotals quiet = BucketTotals.EMPTY;
        BucketTotals inFlight = BucketTotals.EMPTY.withArrival(10).withArrival(10).withCompletion(20);
        BucketTotals complete = BucketTotals.EMPTY.withArrival(10).withCompletion(20);
        List<ClosedBucket> b = List.of(new ClosedBucket(0, quiet, 0), new ClosedBucket(STEP_MILLIS, inFlight, 2),
                new ClosedBucket(2 * STEP_MILLIS, complete, 1));
        long boundary = 3 * STEP_MILLIS;
        // the quiet bucket is mature but holds no request: the mix of the two in flight is still to come
        List<ClosedBucket> early = TokenMeans.mature(b, boundary, STEP_MILLIS, 60_000);
        assertThat(early).containsExactly(b.get(0));
        assertThat(TokenMeans.pending(b, early)).isTrue();
        assertThat(TokenMeans.output(early)).isEqualTo(TokenMeans.Mean.NONE);
        // the bucket in flight matures once it has waited long enough, with or without its last completion
        List<ClosedBucket> late = TokenMeans.mature(b, 2 * STEP_MILLIS + 60_000, STEP_MILLIS, 60_000);
        assertThat(TokenMeans.pending(b, late)).isFalse();
        // nothing arrived: nothing is pending (a model without traffic is no mix to wait for)
        List<ClosedBucket> none = List.of(new ClosedBucket(0, quiet, 0));
        assertThat(TokenMeans.pending(none, TokenMeans.mature(none, boundary, STEP_MILLIS, 60_000))).isFalse();
        // a mature bucket of requests without token counts: not pending (unmeasurable, not yet to come)
        List<ClosedBucket> uncounted = List.of(new ClosedBucket(0, BucketTotals.EMPTY.withArrival(0).withCompletion(0), 1));
        assertThat(TokenMeans.pending(uncounted, TokenMeans.mature(uncounted, boundary, STEP_MILLIS, 60_000))).isFalse();
    }

    @Test
    void shouldNotReportTheBlendWhenTheSplitBeforeTheLastOldBucketHasEnoughRequestsFirst() {
        // 10 requests a bucket (2 req/s): two buckets of the new mix are 20 requests, too few for a regime, but the
        // split one bucket earlier has 30; it puts an old bucket into the new regime
        List<ClosedBucket> out = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            BucketTotals t = BucketTotals.EMPTY;
            for (int r = 0; r < 10; r++) {
                t = t.withArrival(1000).withCompletion(i < 38 ? 20 + r % 3 : 200 + 10 * (r % 3));
            }
            out.add(new ClosedBucket(i * STEP_MILLIS, t, t.arrivals()));
        }
        assertThat(TokenMeans.output(out).mean()).as("pending: the old mix").isCloseTo(21, within(1.0));
        BucketTotals t = BucketTotals.EMPTY;
        for (int r = 0; r < 10; r++) {
            t = t.withArrival(1000).withCompletion(200 + 10 * (r % 3));
        }
        out.add(new ClosedBucket(40 * STEP_MILLIS, t, t.arrivals()));
        assertThat(TokenMeans.output(out).mean()).as("three buckets: the new mix").isCloseTo(209, within(1.0));
    }
}
