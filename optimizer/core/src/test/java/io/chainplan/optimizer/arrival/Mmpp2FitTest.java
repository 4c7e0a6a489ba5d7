package io.chainplan.optimizer.arrival;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Mmpp2FitTest {
    private static final long SEED = 11L;
    private static final double[] WINDOWS = {1, 10, 60};

    /** Arrival times of an MMPP2 over {@code seconds}, by exact phase-by-phase simulation. */
    static double[] simulate(ArrivalModel.Mmpp2 m, double seconds, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Double> out = new ArrayList<>();
        double t = 0;
        boolean burst = rnd.nextDouble() < m.burstFraction();
        while (t < seconds) {
            double rate = burst ? m.burstRatePerSecond() : m.calmRatePerSecond();
            double phaseEnd = t - Math.log(1 - rnd.nextDouble()) / (burst ? m.burstEndsPerSecond() : m.burstStartsPerSecond());
            double a = t;
            while (rate > 0) {
                a -= Math.log(1 - rnd.nextDouble()) / rate;
                if (a >= phaseEnd || a >= seconds) {
                    break;
                }
                out.add(a);
            }
            t = phaseEnd;
            burst = !burst;
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void shouldFindPoissonInPoissonArrivals() {
        ArrivalModel.Mmpp2 flat = new ArrivalModel.Mmpp2(2.0, 2.0, 0.1, 0.1);
        double[] t = simulate(flat, 20_000, SEED);
        Mmpp2Fit.Result r = Mmpp2Fit.fit(Burstiness.ofArrivalTimes(t, 2.0, WINDOWS));
        assertThat(r.model()).isInstanceOf(ArrivalModel.Poisson.class);
        assertThat(r.model().ratePerSecond()).isEqualTo(2.0);
        assertThat(r.reason()).startsWith("consistent with Poisson");
    }

    @Test
    void shouldRecoverTheDispersionCurveOfABurstyProcess() {
        ArrivalModel.Mmpp2 truth = new ArrivalModel.Mmpp2(10.0, 0.5, 1 / 20.0, 1 / 100.0);
        double[] t = simulate(truth, 200_000, SEED);
        Burstiness b = Burstiness.ofArrivalTimes(t, truth.ratePerSecond(), WINDOWS);
        for (Dispersion d : b.dispersions()) {
            assertThat(d.index()).as("measured at %s s", d.windowSeconds())
                    .isCloseTo(truth.indexOfDispersion(d.windowSeconds()), within(0.25 * truth.indexOfDispersion(d.windowSeconds())));
        }
        Mmpp2Fit.Result r = Mmpp2Fit.fit(b);
        assertThat(r.model()).isInstanceOf(ArrivalModel.Mmpp2.class);
        ArrivalModel.Mmpp2 fit = (ArrivalModel.Mmpp2) r.model();
        assertThat(fit.ratePerSecond()).isCloseTo(truth.ratePerSecond(), within(1e-9));
        for (double w : WINDOWS) {
            assertThat(fit.indexOfDispersion(w)).as("fitted I(%s)", w)
                    .isCloseTo(truth.indexOfDispersion(w), within(0.3 * truth.indexOfDispersion(w)));
        }
        assertThat(r.reason()).startsWith("bursty");
    }

    @Test
    void shouldFallBackToPoissonWithAReasonWhenThereIsTooLittleData() {
        Burstiness few = new Burstiness(1.0, 50, List.of(new Dispersion(1, 40, 50)));
        assertThat(Mmpp2Fit.fit(few).model()).isEqualTo(new ArrivalModel.Poisson(1.0));
        assertThat(Mmpp2Fit.fit(few).reason()).contains("too few arrivals");
        assertThat(Mmpp2Fit.fit(new Burstiness(1.0, 5000, List.of())).reason()).contains("no index of dispersion");
        assertThat(Mmpp2Fit.fit(new Burstiness(0, 0, List.of())).model()).isEqualTo(new ArrivalModel.Poisson(0));
    }

    @Test
    void shouldFitASingleWindow() {
        Mmpp2Fit.Result r = Mmpp2Fit.fit(new Burstiness(2.0, 10_000, List.of(new Dispersion(10, 30, 1000))));
        ArrivalModel.Mmpp2 m = (ArrivalModel.Mmpp2) r.model();
        assertThat(m.indexOfDispersion(10)).isCloseTo(30, within(1e-6));
        assertThat(m.ratePerSecond()).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void shouldNameTheFieldOfABadMeasurement() {
        assertThatThrownBy(() -> new Dispersion(10, Double.NaN, 5)).hasMessageContaining("index of dispersion");
        assertThatThrownBy(() -> new Dispersion(10, -1, 5)).hasMessageContaining("index of dispersion");
        assertThatThrownBy(() -> new Dispersion(0, 1, 5)).hasMessageContaining("windowSeconds");
        assertThatThrownBy(() -> new ArrivalModel.Mmpp2(1, 2, 1, 1)).hasMessageContaining("calmRatePerSecond");
        assertThatThrownBy(() -> new ArrivalModel.Poisson(-1)).hasMessageContaining("ratePerSecond");
        assertThatThrownBy(() -> Burstiness.ofArrivalTimes(new double[] {1, 1}, 1, 1)).hasMessageContaining("positive");
        assertThatThrownBy(() -> Burstiness.ofArrivalTimes(new double[] {2, 1}, 1, 1)).hasMessageContaining("non-decreasing");
    }

    @Test
    void shouldScaleTheRateAndKeepThePhases() {
        ArrivalModel.Mmpp2 m = new ArrivalModel.Mmpp2(10, 1, 0.1, 0.02);
        ArrivalModel.Mmpp2 half = (ArrivalModel.Mmpp2) m.withRate(m.ratePerSecond() / 2);
        assertThat(half.burstRatePerSecond()).isCloseTo(5, within(1e-12));
        assertThat(half.burstEndsPerSecond()).isEqualTo(0.1);
        assertThat(m.withRate(0)).isEqualTo(new ArrivalModel.Poisson(0));
    }
}
