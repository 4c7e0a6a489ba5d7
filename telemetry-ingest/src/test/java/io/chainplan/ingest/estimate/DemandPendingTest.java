package io.chainplan.ingest.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DemandPendingTest {
    private static final long STEP = 5_000;

    @Test
    void shouldKeepOpenBucketsInOrderAndCloseAfterTheGrace() {
        DemandPending p = DemandPending.startingAt(12_345, STEP);
        assertThat(p.evaluatedUntilMillis()).isEqualTo(10_000);
        p = p.add(16_000, STEP, BucketTotals.EMPTY.withArrival(5));
        p = p.add(12_500, STEP, BucketTotals.EMPTY.withArrival(7));
        p = p.add(13_000, STEP, BucketTotals.EMPTY.withArrival(0));
        assertThat(p.buckets()).extracting(DemandPending.PendingBucket::startMillis).containsExactly(10_000L, 15_000L);
        assertThat(p.atBoundary().arrivals()).isEqualTo(2);
        assertThat(p.readyToClose(STEP, 2_000)).isFalse();
        p = p.seen(17_000);
        assertThat(p.readyToClose(STEP, 2_000)).isTrue();
        p = p.advanceTo(15_000);
        assertThat(p.atBoundary().arrivals()).isEqualTo(1);
    }

    @Test
    void shouldRejectEventsInClosedBuckets() {
        DemandPending p = DemandPending.startingAt(10_000, STEP);
        assertThatThrownBy(() -> p.add(9_999, STEP, BucketTotals.EMPTY)).hasMessageContaining("closed bucket");
    }

    @Test
    void shouldFloorNegativeTimesToTheirBucket() {
        assertThat(DemandPending.bucketStart(-1, STEP)).isEqualTo(-5_000);
    }

    @Test
    void shouldKeepLateCompletionsByTheirClosedArrivalBucketUntilTaken() {
        DemandPending p = DemandPending.startingAt(12_345, STEP).advanceTo(20_000)
                .addLateCompletion(12_000, STEP, BucketTotals.EMPTY.withCompletion(30))
                .addLateCompletion(3_000, STEP, BucketTotals.EMPTY.withCompletion(0))
                .addLateCompletion(14_999, STEP, BucketTotals.EMPTY.withCompletion(10))
                .add(21_000, STEP, BucketTotals.EMPTY.withArrival(5));
        assertThat(p.lateCompletions()).extracting(DemandPending.PendingBucket::startMillis).containsExactly(0L, 10_000L);
        assertThat(p.lateCompletions().get(1).totals()).isEqualTo(BucketTotals.EMPTY.withCompletion(30).withCompletion(10));
        assertThat(p.seen(30_000).advanceTo(25_000).lateCompletions()).isEqualTo(p.lateCompletions());
        assertThat(p.withoutLateCompletions().lateCompletions()).isEmpty();
        assertThat(p.withoutLateCompletions().buckets()).isEqualTo(p.buckets());
        DemandPending q = p;
        assertThatThrownBy(() -> q.addLateCompletion(20_000, STEP, BucketTotals.EMPTY.withCompletion(1)))
                .hasMessageContaining("not in a closed bucket");
    }
}
