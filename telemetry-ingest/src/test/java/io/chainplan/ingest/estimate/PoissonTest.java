package io.chainplan.ingest.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PoissonTest {
    @Test
    void shouldMatchTheDirectSumForSmallMeans() {
        double mean = 3.5;
        double term = Math.exp(-mean);
        double sum = term;
        for (int k = 0; k < 15; k++) {
            assertThat(Poisson.cdf(k, mean)).as("k=%d", k).isCloseTo(sum, within(1e-12));
            term *= mean / (k + 1);
            sum += term;
        }
    }

    @Test
    void shouldFindTheSmallestKReachingTheProbability() {
        assertThat(Poisson.quantile(0.5, 10)).isEqualTo(10);
        long q = Poisson.quantile(0.999, 10);
        assertThat(Poisson.cdf(q, 10)).isGreaterThanOrEqualTo(0.999);
        assertThat(Poisson.cdf(q - 1, 10)).isLessThan(0.999);
        assertThat(Poisson.quantile(0.3, 0)).isZero();
    }
}
