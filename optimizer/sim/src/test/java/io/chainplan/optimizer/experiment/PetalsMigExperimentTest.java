package io.chainplan.optimizer.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.baseline.BaselinePlacement;
import io.chainplan.optimizer.baseline.BprrBlockPlacement;
import io.chainplan.optimizer.baseline.PetalsBlockPlacement;
import io.chainplan.optimizer.baseline.WholeModelPlacement;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import io.chainplan.optimizer.sim.RequestTrace;
import io.chainplan.optimizer.sim.TokenServiceModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PetalsMigExperimentTest {
    private static final long TRACE_SEED = 3L;
    private static final PetalsMigExperiment.Settings SETTINGS = new PetalsMigExperiment.Settings(80, 120, 0.018, 0, 1, 1,
            ServingMethods.Settings.defaults(1));

    /** 80 requests: a burst of 40 in two seconds, then a trickle. */
    private static RequestTrace burstyTrace() {
        SplittableRandom r = new SplittableRandom(TRACE_SEED);
        double[] t = new double[80];
        int[] in = new int[80];
        int[] out = new int[80];
        for (int i = 0; i < 80; i++) {
            t[i] = i < 40 ? i * 0.05 : 2 + (i - 40) * 3.0;
            in[i] = 500 + r.nextInt(3000);
            out[i] = 1 + r.nextInt(60);
        }
        return new RequestTrace(t, in, out);
    }

    @Test
    void shouldBuildTheMigFleetWithTheStatedTimings() {
        TokenServiceModel service = PetalsMigExperiment.serviceModel(SETTINGS, List.of(0.010));
        Fleet f = PetalsMigExperiment.fleet(service, burstyTrace());
        assertThat(f.servers()).hasSize(9);
        assertThat(f.servers().stream().filter(s -> s.memoryBytes() == 40_000_000_000L)).hasSize(3);
        Server big = f.server("mig3g-1").orElseThrow();
        Server small = f.server("mig2g-1").orElseThrow();
        // prefill of a 2g slice is 3/2 as long, decode twice as long: tau_p is between 1.5x and 2x
        double ratio = (small.perBlockComputeSeconds() - 0.001) / (big.perBlockComputeSeconds() - 0.001);
        assertThat(ratio).isBetween(1.5, 2.0);
        assertThat(big.commSeconds()).isEqualTo(small.commSeconds());
    }

    @Test
    void shouldGiveEveryPetalsServerTheWholeModelButCacheForOnlyTwoRequests() {
        Fleet f = PetalsMigExperiment.fleet(PetalsMigExperiment.serviceModel(SETTINGS, List.of(0.010)), burstyTrace());
        BaselinePlacement p = new PetalsBlockPlacement().place(f, new SplittableRandom(1));
        assertThat(p.placement().servers()).allSatisfy(sp -> {
            assertThat(sp.range().size()).isEqualTo(32);
            assertThat(sp.cacheSlots()).isEqualTo(64);
        });
        List<Integer> capacities = new WholeModelPlacement().place(f).allocation().chains().stream().map(Chain::capacity).toList();
        assertThat(capacities).containsExactlyInAnyOrder(24, 24, 24, 5, 5, 5, 5, 5, 5);
        BaselinePlacement bprr = new BprrBlockPlacement().place(f);
        for (ServerPlacement sp : bprr.placement().servers()) {
            assertThat(sp.cacheSlots()).isEqualTo(bprr.reservedRequestsPerBlock() * sp.range().size());
        }
    }

    @Test
    void shouldServeEveryRequestWithEveryMethodInThePapersOrder() {
        PetalsMigExperiment.Result r = PetalsMigExperiment.run(burstyTrace(), List.of(0.010, 0.020), SETTINGS, line -> { });
        assertThat(r.rows()).extracting(PetalsMigExperiment.Row::method).containsExactlyElementsOf(PetalsMigExperiment.METHODS);
        List<Double> means = new ArrayList<>();
        for (PetalsMigExperiment.Row row : r.rows()) {
            assertThat(row.result().measuredRequests()).isEqualTo(80);
            means.add(row.result().responseTime().meanSeconds());
        }
        // with its two-request pools PETALS waits longest; chainplan is never worse than the whole-model baseline
        assertThat(means.get(0)).isGreaterThan(means.get(2));
        assertThat(means.get(3)).isLessThanOrEqualTo(means.get(2) * 1.0001);
        assertThat(r.toMarkdown()).contains("| petals |").contains("| chainplan |");
        assertThat(r.toCsv().lines()).hasSize(1 + 12);
    }
}
