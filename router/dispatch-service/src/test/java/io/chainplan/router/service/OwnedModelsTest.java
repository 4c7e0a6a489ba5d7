package io.chainplan.router.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.router.client.ErrorBody;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.JffcDispatchPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What {@link OwnedModels#lookup} answers in each state of an instance and a model. */
class OwnedModelsTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Map<String, RoutingPlan> plans = new HashMap<>();
    private final Set<String> specs = new HashSet<>();
    private final AtomicBoolean caughtUp = new AtomicBoolean();
    private final OwnedModels models = new OwnedModels("a", new ModelDispatch.Context(new JffcDispatchPolicy(),
            (model, id, lease, change) -> new CompletableFuture<>(), InstantSource.system(), Duration.ofSeconds(30),
            timers, new DispatchMetrics(meters), meters), m -> Optional.ofNullable(plans.get(m)), specs::contains,
            caughtUp::get);

    @AfterEach
    void tearDown() {
        timers.shutdownNow();
    }

    private static RoutingPlan plan(String model) {
        return new RoutingPlan(model, 1, List.of(new Chain(List.of(new Hop("s0", 0, 8)), 2, 1.0)));
    }

    private String errorOf(String model) {
        try {
            models.lookup(model);
            return "served";
        } catch (DispatchFailure f) {
            return f.status() + " " + f.error();
        }
    }

    @Test
    void shouldCallAModelWithoutSpecOrPlanNotReadyUntilTheTopicsAreReadThenUnknown() {
        assertThat(errorOf("m")).as("just started").isEqualTo("503 " + ErrorBody.NOT_READY);
        caughtUp.set(true);
        assertThat(errorOf("m")).isEqualTo("404 " + ErrorBody.UNKNOWN_MODEL);
    }

    @Test
    void shouldTellJoiningRebuildingNotOwnerNoPlanAndServedApart() {
        caughtUp.set(true);
        specs.add("m");
        int p = OwnedModels.partitionOf("m", 2);
        assertThat(errorOf("m")).as("no session yet").isEqualTo("503 " + ErrorBody.NOT_READY);
        models.reset(2);
        assertThat(errorOf("m")).as("partition not assigned").isEqualTo("421 " + ErrorBody.NOT_OWNER);
        models.assigned(List.of(p));
        assertThatThrownBy(() -> models.lookup("m")).isInstanceOf(DispatchFailure.class)
                .hasMessageContaining("rebuilding the leases of partition " + p);
        models.restored(p, Map.of());
        assertThat(errorOf("m")).isEqualTo("503 " + ErrorBody.NO_PLAN);
        plans.put("m", plan("m"));
        assertThat(errorOf("m")).isEqualTo("served");
    }

    @Test
    void shouldServeAModelWithAPlanButNoSpecOnceItsPartitionIsReady() {
        plans.put("m", plan("m"));
        int p = OwnedModels.partitionOf("m", 2);
        models.reset(2);
        models.assigned(List.of(p));
        models.restored(p, Map.of());
        assertThat(errorOf("m")).isEqualTo("served");
    }
}
