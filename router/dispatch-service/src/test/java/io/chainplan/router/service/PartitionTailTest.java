package io.chainplan.router.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** A write is answered only once read back with no other owner's fence before it. */
class PartitionTailTest {
    private final PartitionTail tail = new PartitionTail(0, "a", 10);

    private CompletableFuture<Void> acked(long offset) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        tail.acked(offset, "m", System.nanoTime(), f);
        return f;
    }

    @Test
    void shouldConfirmAWriteOnceTheReaderIsPastIt() {
        CompletableFuture<Void> w = acked(11);
        assertThat(w).isNotDone();
        tail.readTo(11);
        assertThat(w).as("the reader has not read offset 11").isNotDone();
        tail.readTo(12);
        assertThat(w).isCompleted();
        assertThat(acked(11)).as("acknowledged after the reader passed it").isCompleted();
    }

    @Test
    void shouldRefuseWritesAtOrAfterAnotherOwnersFence() {
        CompletableFuture<Void> before = acked(11);
        CompletableFuture<Void> after = acked(13);
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
        tail.acked(11, "m", System.nanoTime() - 1_000, w);
        assertThat(tail.expireSentBefore(System.nanoTime())).isEqualTo(1);
        assertThat(w).isCompletedExceptionally();
        tail.close("revoked");
        assertThat(acked(12)).isCompletedExceptionally();
    }
}
