package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PaperPlanComparisonTest {
    private static final long SEED = 5L;
    private static final SimFleet FLEET = SimFleet.paperMig();
    /** LLaMA-2-7B (14 GB of weights) on eight 8 GB GPUs: chains of two or three, which GBP-CR stops adding early. */
    private static final SimFleet SMALL_GPUS = new SimFleet(SimModel.LLAMA_2_7B, java.util.stream.IntStream.rangeClosed(1, 8)
            .mapToObj(i -> SimFleet.fromMeans(SimModel.LLAMA_2_7B, "gpu-" + i, 8_000_000_000L, 0.1, 0.02 + 0.002 * i))
            .toList());

    @Test
    void shouldGiveThePapersPlanItselfForPoissonArrivals() {
        List<Arrival> arrivals = poisson(5.0, 3000, new SplittableRandom(SEED));

        PaperPlanComparison.Result r = PaperPlanComparison.run(FLEET, FleetSimulation.Settings.DEFAULTS, arrivals, SEED);

        assertThat(r.fit().model().kind()).isEqualTo("poisson");
        assertThat(r.chainplan().plan().chains()).isEqualTo(r.paper().plan().chains());
        assertThat(r.meanReduction()).isZero();
        assertThat(r.paper().result().measuredRequests()).isEqualTo(arrivals.size());
    }

    @Test
    void shouldPlanForBurstsAndServeThemFasterThanThePapersPlan() {
        // a minute of calm at 2 req/s, then 20 s of bursts at 14 req/s, repeated: 5 req/s on average
        SplittableRandom random = new SplittableRandom(SEED);
        List<Arrival> arrivals = new ArrayList<>();
        double t = 0;
        for (int cycle = 0; cycle < 12; cycle++) {
            t = append(arrivals, t, t + 60, 2.0, random);
            t = append(arrivals, t, t + 20, 14.0, random);
        }

        PaperPlanComparison.Result r = PaperPlanComparison.run(SMALL_GPUS, FleetSimulation.Settings.DEFAULTS, arrivals, SEED);
        StringWriter text = new StringWriter();
        PaperPlanComparison.print(r, Stats.of(new double[] {1, 2, 3}), 0, arrivals.size(), new PrintWriter(text, true));

        System.out.print(text);
        assertThat(r.fit().model().kind()).isEqualTo("mmpp2");
        assertThat(r.chainplan().plan().totalServiceRatePerSecond())
                .isGreaterThan(r.paper().plan().totalServiceRatePerSecond());
        assertThat(r.meanReduction()).as(text.toString()).isGreaterThan(0.10);
        assertThat(text.toString()).contains("the paper's plan, for Poisson (simulated)").contains("lower than with the paper's");
    }

    @Test
    void shouldRefuseTooFewArrivals() {
        assertThatThrownBy(() -> PaperPlanComparison.run(FLEET, FleetSimulation.Settings.DEFAULTS,
                List.of(new Arrival(1, 10, 10)), SEED)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2 arrivals");
        assertThatThrownBy(() -> PaperPlanComparison.run(FLEET, FleetSimulation.Settings.DEFAULTS,
                List.of(new Arrival(1, 10, 10), new Arrival(1, 10, 10)), SEED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("span no time");
    }

    private static List<Arrival> poisson(double rate, int n, SplittableRandom random) {
        List<Arrival> out = new ArrayList<>();
        append(out, 0, n / rate, rate, random);
        return out;
    }

    /** Poisson arrivals at {@code rate} in [from, to) with the model's typical tokens; returns {@code to}. */
    private static double append(List<Arrival> out, double from, double to, double rate, SplittableRandom random) {
        double t = from;
        while (true) {
            t += -Math.log(1 - random.nextDouble()) / rate;
            if (t >= to) {
                return to;
            }
            out.add(new Arrival(t, (int) FLEET.model().meanInputTokens(), (int) FLEET.model().meanOutputTokens()));
        }
    }
}
