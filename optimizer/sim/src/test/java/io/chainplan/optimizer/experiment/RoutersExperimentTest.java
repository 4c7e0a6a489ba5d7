package io.chainplan.optimizer.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.sim.RequestTrace;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RoutersExperimentTest {
    private static final long BASE_SEED = 3L;
    private static final List<Double> RTT = List.of(0.012, 0.020);

    private static RoutersExperiment.Settings quick() {
        return new RoutersExperiment.Settings(List.of(10), List.of(0.4), 0.2, List.of(0.8), List.of(1, 2, 4), 2,
                BASE_SEED, 2_000);
    }

    /** A bursty toy trace: bursts of 20 requests 1 ms apart, every 10 s. */
    private static RequestTrace bursts() {
        double[] t = new double[4_000];
        int[] in = new int[t.length];
        int[] out = new int[t.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = 10.0 * (i / 20) + 0.001 * (i % 20);
            in[i] = 2000;
            out[i] = 20;
        }
        return new RequestTrace(t, in, out);
    }

    @Test
    void shouldCompareStaticSharesWithTheCentralQueueUnderBothArrivalProcesses() {
        RoutersExperiment.Result r = RoutersExperiment.run(quick(), RTT, Optional.of(bursts()), line -> { });
        assertThat(r.rows()).hasSize(2 * 3);
        for (RoutersExperiment.Row row : r.rows()) {
            assertThat(row.runs()).as("%s", row).isEqualTo(2);
            assertThat(row.meanSeconds()).isPositive();
            assertThat(row.p99Seconds()).isGreaterThanOrEqualTo(row.meanSeconds() * 0.5);
            assertThat(r.central(row)).isPresent();
        }
        RoutersExperiment.Row fourUnderTrace = r.rows().stream().filter(x -> x.arrivals().equals(RoutersExperiment.AZURE_CODE)
                && x.frontends() == 4).findFirst().orElseThrow();
        assertThat(r.ratio(fourUnderTrace, RoutersExperiment.Row::meanSeconds))
                .as("four static shares wait longer than one queue under bursts").isGreaterThan(1);
        assertThat(r.toCsv().lines()).hasSize(1 + 6).first().asString().startsWith("arrivals,servers,eta,load,frontends");
        assertThat(r.toMarkdown()).contains("Arrivals: poisson").contains("Arrivals: azure-code").contains("N=1 (central)");
    }

    @Test
    void shouldGiveTheSameNumbersForTheSameSeeds() {
        String a = RoutersExperiment.run(quick(), RTT, Optional.empty(), line -> { }).toCsv();
        String b = RoutersExperiment.run(quick(), RTT, Optional.empty(), line -> { }).toCsv();
        assertThat(b).isEqualTo(a).contains("poisson").doesNotContain("azure-code");
    }
}
