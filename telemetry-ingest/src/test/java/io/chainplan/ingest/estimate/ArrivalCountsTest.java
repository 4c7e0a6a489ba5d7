package io.chainplan.ingest.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArrivalCountsTest {
    @Test
    void shouldKeepTheNewestBucketsUpToTheCapacity() {
        ArrivalCounts c = ArrivalCounts.EMPTY;
        for (long x = 1; x <= 5; x++) {
            c = c.append(x, 3);
        }
        assertThat(c).isEqualTo(ArrivalCounts.of(3, 4, 5));
        assertThat(c.size()).isEqualTo(3);
        assertThat(c.oldest(2)).containsExactly(3, 4);
        assertThat(c.append(6, 5)).isEqualTo(ArrivalCounts.of(3, 4, 5, 6));
    }

    @Test
    void shouldAddLateArrivalsToAHeldBucketOnly() {
        ArrivalCounts c = ArrivalCounts.of(1, 2, 3);
        assertThat(c.plusLate(0, 10)).isEqualTo(ArrivalCounts.of(1, 2, 13));
        assertThat(c.plusLate(2, 10)).isEqualTo(ArrivalCounts.of(11, 2, 3));
        assertThat(c.plusLate(3, 10)).isSameAs(c);
        assertThat(c).as("immutable").isEqualTo(ArrivalCounts.of(1, 2, 3));
    }

    @Test
    void shouldRejectNegativeCountsNamingTheBucket() {
        assertThatThrownBy(() -> ArrivalCounts.of(1, -2)).hasMessageContaining("bucket 1 was -2");
        assertThatThrownBy(() -> ArrivalCounts.EMPTY.append(-1, 3)).hasMessageContaining("was -1");
        assertThatThrownBy(() -> ArrivalCounts.EMPTY.append(1, 0)).hasMessageContaining("capacity");
        assertThatThrownBy(() -> ArrivalCounts.of(1).plusLate(0, -1)).hasMessageContaining("late arrivals");
        assertThatThrownBy(() -> ArrivalCounts.of(1).oldest(2)).hasMessageContaining("n must be in [0, 1]");
    }
}
