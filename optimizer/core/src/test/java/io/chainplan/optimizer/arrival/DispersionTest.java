package io.chainplan.optimizer.arrival;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DispersionTest {
    @Test
    void shouldSumBucketsIntoWindowsAndDivideTheVarianceByTheMean() {
        long[] counts = {1, 3, 2, 2, 0, 4, 9};
        // windows of two buckets: 4, 4, 4 -> no variance; the trailing 9 is left out
        Dispersion flat = Dispersion.ofCounts(counts, 5, 2).orElseThrow();
        assertThat(flat.windowSeconds()).isEqualTo(10);
        assertThat(flat.windows()).isEqualTo(3);
        assertThat(flat.index()).isZero();
        // single buckets: mean 3, squared deviations 52 over 6 degrees of freedom
        Dispersion single = Dispersion.ofCounts(counts, 5, 1).orElseThrow();
        assertThat(single.index()).isCloseTo(52.0 / 6 / 3, within(1e-12));
    }

    @Test
    void shouldNeedTwoWindowsAndCallAnEmptyStreamPoisson() {
        assertThat(Dispersion.ofCounts(new long[] {5, 6, 7}, 1, 2)).isEmpty();
        assertThat(Dispersion.ofCounts(new long[] {0, 0, 0}, 1, 1).orElseThrow().index()).isEqualTo(1);
        assertThatThrownBy(() -> Dispersion.ofCounts(new long[] {1, -1}, 1, 1)).hasMessageContaining("counts");
    }
}
