package io.chainplan.optimizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.arrival.Burstiness;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.optimizer.model.TokenTimings;
import io.chainplan.optimizer.replan.DemandView;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ModelViewsTest {
    private static final ModelSpec MODEL = new ModelSpec("m", 8, 1_000_000_000L, 50_000_000L);
    private static final Server S1 = new Server("s1", 20_000_000_000L, 0.06, 0.17);

    private static ModelViews withModelAndDemand() {
        ModelViews views = new ModelViews(Optional.empty(), 0.01);
        views.put(new ModelInput(MODEL, 2048, 2000, 20, 0));
        views.putDemand("m", 1.0, 0.5, 1.5, new Burstiness(1.0, 0, List.of()));
        return views;
    }

    @Test
    void shouldHaveNoViewBeforeAnyServerEstimateArrives() {
        assertThat(withModelAndDemand().view("m")).isEmpty();
    }

    @Test
    void shouldHaveAViewOnceAServerIsKnown() {
        ModelViews views = withModelAndDemand();
        views.put(new ServerInput(S1, true, ""));

        assertThat(views.view("m")).hasValueSatisfying(v -> assertThat(v.upServers()).containsExactly(S1));
    }

    @Test
    void shouldPlanFromTheDeclaredRateUntilTheFirstDemandEstimate() {
        ModelViews views = new ModelViews(Optional.empty(), 0.01);
        views.put(new ModelInput(MODEL, 2048, 2000, 20, 0));
        views.put(new ServerInput(S1, true, ""));
        assertThat(views.view("m")).as("no estimate, no declared rate: no plan yet").isEmpty();

        views.put(new ModelInput(MODEL, 2048, 2000, 20, 0, OptionalDouble.of(3)));
        assertThat(views.view("m")).hasValueSatisfying(v -> {
            assertThat(v.demand().declared()).isTrue();
            assertThat(v.demand().ratePerSecond()).isEqualTo(3);
            assertThat(v.demand().tokens()).isEqualTo(new TokenMix(2000, 20));
        });

        views.putDemand("m", 1.0, 0.5, 1.5, new Burstiness(1.0, 0, List.of()));
        assertThat(views.view("m")).hasValueSatisfying(v -> {
            assertThat(v.demand().declared()).as("the estimate replaces the declaration").isFalse();
            assertThat(v.demand().ratePerSecond()).isEqualTo(1);
        });
    }

    @Test
    void shouldKeepAViewWithoutUpServersWhenEveryKnownServerIsDown() {
        ModelViews views = withModelAndDemand();
        views.put(new ServerInput(S1, false, ""));

        assertThat(views.view("m")).hasValueSatisfying(v -> assertThat(v.upServers()).isEmpty());
    }

    @Test
    void shouldIgnoreServersOfAnotherModel() {
        ModelViews views = withModelAndDemand();
        views.put(new ServerInput(S1, true, "other"));

        assertThat(views.view("m")).isEmpty();
    }

    @Test
    void shouldSeeAServerWithCoefficientsAtTheMeasuredMixAndKeepTheLastUsableMix() {
        ModelViews views = withModelAndDemand();
        TokenTimings t = new TokenTimings(0.001, 2e-5, 1e-3, 0.02, 0.01);
        views.put(new ServerInput(S1, true, "", Optional.of(t), new TokenMix(1000, 200)));
        views.putDemand("m", 1.0, 0.5, 1.5, new Burstiness(1.0, 0, List.of()), new TokenMix(1000, 201),
                DemandView.TokenErrors.UNKNOWN, false);
        Server at = t.server("s1", S1.memoryBytes(), 1000, 201);
        assertThat(views.view("m")).hasValueSatisfying(v -> {
            assertThat(v.upServers()).containsExactly(at);
            assertThat(v.evaluatedTimings()).containsEntry("s1", t);
        });
        // a window without completions (0 generated tokens) does not forget the mix; before any was measured, the
        // spec's declared means (2000 / 20) stand for it
        ModelViews fresh = withModelAndDemand();
        fresh.put(new ServerInput(S1, true, "", Optional.of(t), new TokenMix(2000, 20)));
        assertThat(fresh.view("m")).hasValueSatisfying(v -> {
            assertThat(v.demand().tokens()).isEqualTo(new TokenMix(2000, 20));
            assertThat(v.upServers()).containsExactly(t.server("s1", S1.memoryBytes(), 2000, 20));
        });
        // an estimate whose mix is still to come: pending only while no mix was measured
        fresh.putDemand("m", 1.1, 0.5, 1.5, new Burstiness(1.1, 0, List.of()), TokenMix.UNKNOWN,
                DemandView.TokenErrors.UNKNOWN, true);
        assertThat(fresh.view("m")).hasValueSatisfying(v -> assertThat(v.demand().mixPending()).isTrue());
        views.putDemand("m", 1.1, 0.5, 1.5, new Burstiness(1.1, 0, List.of()), new TokenMix(1000, 0),
                DemandView.TokenErrors.UNKNOWN, true);
        assertThat(views.view("m")).hasValueSatisfying(v -> {
            assertThat(v.demand().mixPending()).isFalse();
            assertThat(v.demand().tokens()).isEqualTo(new TokenMix(1000, 201));
            assertThat(v.upServers()).containsExactly(at);
        });
    }
}
