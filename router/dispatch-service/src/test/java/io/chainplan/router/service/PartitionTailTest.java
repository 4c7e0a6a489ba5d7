package io.chainplan.router.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** A write is answered only once no other owner's fence can lie before it. */
class PartitionTailTest {
    private final PartitionTail tail = new PartitionTail(0, "a", 10);

    private CompletableFuture<Void> acked(long offset) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        tail.acked(offset, "m", System.nanoTime(), f);
        return f;
    }

    @Test
    void shouldConfirmOwnConsecutiveWritesAsTheyAreAcknowledged() {
        assertThat(acked(11)).as("right after the fence at 10").isCompleted();
        CompletableFuture<Void> third = acked(13);
        assertThat(third).as("offset 12 is not known yet").isNotDone();
        assertThat(acked(12)).isCompleted();
        assertThat(third).as("12 was this owner's").isCompleted();
        assertThat(acked(14)).isCompleted();
    }

    @Test
    void shouldConfirmAWriteAfterAGapOnceTheReaderIsPastIt() {
        CompletableFuture<Void> w = acked(12);
        assertThat(w).as("offset 11 (a lost acknowledgement, or another writer's record) is not known").isNotDone();
        tail.readTo(11);
        assertThat(w).as("the reader has not read offset 11").isNotDone();
        tail.readTo(12);
        assertThat(w).as("11 held no fence, and 12 is this owner's").isCompleted();
        assertThat(acked(11)).as("acknowledged after the reader passed it").isCompleted();
        CompletableFuture<Void> later = acked(14);
        tail.readTo(15);
        assertThat(later).as("confirmed by the reader alone").isCompleted();
    }

    @Test
    void shouldRefuseWritesAtOrAfterAnotherOwnersFence() {
        CompletableFuture<Void> before = acked(11);
        CompletableFuture<Void> after = acked(13);
        assertThat(after).as("offset 12 is another writer's").isNotDone();
        tail.fencedAt(12, "b");
        assertThat(before).isCompleted();
        assertThat(after).isCompletedExceptionally();
        assertThat(acked(14)).isCompletedExceptionally();
        assertThat(acked(11)).as("a write before the fence was recorded in time").isCompleted();
        tail.readTo(20);
        Assertions.assertThatThrownBy(after::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(DispatchFailure.class).hasMessageContaining("owner b took partition 0");
    }

    @Test
    void shouldRefuseWhatIsNotConfirmedInTime() {
        CompletableFuture<Void> w = new CompletableFuture<>();
        tail.acked(12, "m", System.nanoTime() - 1_000, w);
        assertThat(tail.expireSentBefore(System.nanoTime())).isEqualTo(1);
        assertThat(w).isCompletedExceptionally();
        tail.close("revoked");
        assertThat(acked(13)).isCompletedExceptionally();
    }
}
