package io.chainplan.optimizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.model.Bounds;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.model.SolverStats;
import io.chainplan.optimizer.replan.PlanBasis;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LastPlansTest {
    private static PublishedPlan plan(String model, long epoch, PlanStatus status) {
        return new PublishedPlan(new PlanBasis(epoch, 0, new ModelSpec(model, 1, 1, 1), List.of(), 1, List.of()),
                new Plan(model, status, status == PlanStatus.OK ? "" : "no", 0, 1, Placement.empty(), List.of(), 0,
                        Bounds.UNBOUNDED, new SolverStats(0, Objective.LOWER_BOUND, 0, 0)));
    }

    private final LastPlans plans = new LastPlans();

    @Test
    void shouldKeepTheLastOkPlanWhenANewerPlanIsNotOk() {
        plans.recovered(List.of("x"), new PlanRecovery.Found(Map.of("x", plan("x", 3, PlanStatus.OK)),
                Map.of("x", plan("x", 3, PlanStatus.OK)), 2));
        plans.published(plan("x", 4, PlanStatus.INFEASIBLE));

        assertThat(plans.isRecovered("x")).isTrue();
        assertThat(plans.last("x")).map(PublishedPlan::epoch).contains(4L);
        assertThat(plans.lastOk("x")).map(PublishedPlan::epoch).contains(3L);
    }

    @Test
    void shouldForgetModelsSoTheyAreRecoveredAgain() {
        plans.recovered(List.of("x", "never-planned"), new PlanRecovery.Found(Map.of("x", plan("x", 1, PlanStatus.OK)),
                Map.of(), 1));
        plans.recovered(List.of("y"), new PlanRecovery.Found(Map.of("y", plan("y", 2, PlanStatus.OK)), Map.of(), 1));

        plans.forget(m -> !m.equals("y"));

        assertThat(plans.isRecovered("x")).isFalse();
        assertThat(plans.isRecovered("never-planned")).isFalse();
        assertThat(plans.last("x")).isEmpty();
        assertThat(plans.isRecovered("y")).isTrue();
        assertThat(plans.last("y")).isPresent();
    }
}
