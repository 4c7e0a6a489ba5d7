package io.chainplan.ingest.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SymmetricSystemTest {
    private static final double TOLERANCE = 1e-9;
    private static final long PREDICT_SEED = 314159L;

    @Test
    void shouldSolveAndInvertAWellScaledAndABadlyScaledSystem() {
        // M = [[4, 2, 0.6], [2, 5, 1], [0.6, 1, 3]], theta = (1, -2, 0.5)
        double[] m = {4, 2, 0.6, 5, 1, 3};
        double[] v = {4 * 1 + 2 * -2 + 0.6 * 0.5, 2 * 1 + 5 * -2 + 0.5, 0.6 * 1 + 1 * -2 + 3 * 0.5};
        assertThat(SymmetricSystem.solve(3, m, v)).containsExactly(new double[] {1, -2, 0.5}, within(TOLERANCE));
        double det = 4 * (5 * 3 - 1) - 2 * (2 * 3 - 0.6) + 0.6 * (2 - 5 * 0.6);
        assertThat(SymmetricSystem.inverseDiagonal(3, m)).containsExactly(new double[] {14 / det, (12 - 0.36) / det,
                (20 - 4) / det}, within(TOLERANCE));
        // the same system with the second coefficient in units a million times smaller
        double[] scaled = {4, 2e6, 0.6, 5e12, 1e6, 3};
        double[] theta = SymmetricSystem.solve(3, scaled, new double[] {v[0], v[1] * 1e6, v[2]});
        assertThat(theta[1] * 1e6).isCloseTo(-2, within(1e-6));
    }

    @Test
    void shouldReportASingularSystem() {
        // x = (1, 2) every time: the two coefficients are not determined apart
        assertThat(SymmetricSystem.solve(2, new double[] {3, 6, 12}, new double[] {1, 2})).isNull();
        assertThat(SymmetricSystem.inverseDiagonal(2, new double[] {0, 0, 1})).isNull();
        assertThat(SymmetricSystem.solve(2, SymmetricSystem.withRidge(2, new double[] {3, 6, 12}, 1e-6), new double[] {3, 6}))
                .as("a ridge makes it solvable, fitting the data").satisfies(t -> assertThat(t[0] + 2 * t[1]).isCloseTo(1, within(1e-5)));
    }

    @Test
    void shouldPredictWithoutAllocatingWhatTheGeneralSolveGives() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(PREDICT_SEED);
        for (int run = 0; run < 1_000; run++) {
            int p = 2 + random.nextInt(2);
            double[] sums = new double[TokenFit.sumsLength(p)];
            double scale = Math.pow(10, random.nextInt(7) - 3);
            for (int k = 0; k < 5 + random.nextInt(20); k++) {
                double[] x = {1, scale * random.nextDouble(), random.nextInt(400)};
                TokenRegression.accumulate(sums, p, java.util.Arrays.copyOf(x, p), random.nextDouble(), 0.1 + random.nextDouble());
            }
            double x1 = scale * random.nextDouble();
            double x2 = random.nextInt(400);
            int a = SymmetricSystem.packedSize(p);
            double[] theta = SymmetricSystem.solve(p, sums, 1e-9, sums, a);
            double expected = theta[0] + x1 * theta[1] + (p == 3 ? x2 * theta[2] : 0);
            assertThat(SymmetricSystem.predict(p, sums, 1e-9, sums, a, x1, x2)).as("run %d", run)
                    .isCloseTo(expected, within(1e-6 * (1 + Math.abs(expected))));
        }
        assertThat(SymmetricSystem.predict(2, new double[] {0, 0, 0, 0, 0}, 1e-9, new double[] {0, 0}, 0, 1, 0)).isNaN();
    }

    @Test
    void shouldIndexThePackedUpperTriangle() {
        assertThat(SymmetricSystem.index(3, 0, 0)).isZero();
        assertThat(SymmetricSystem.index(3, 2, 0)).isEqualTo(2);
        assertThat(SymmetricSystem.index(3, 1, 1)).isEqualTo(3);
        assertThat(SymmetricSystem.index(3, 1, 2)).isEqualTo(4);
        assertThat(SymmetricSystem.index(3, 2, 2)).isEqualTo(5);
        assertThat(SymmetricSystem.index(2, 1, 1)).isEqualTo(2);
    }
}
