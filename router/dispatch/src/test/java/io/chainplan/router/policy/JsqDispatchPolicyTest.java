package io.chainplan.router.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.router.dispatch.TestPlans;
import org.junit.jupiter.api.Test;

class JsqDispatchPolicyTest extends DispatchPolicyContractTest {
    @Override
    DispatchPolicy policy() {
        return new JsqDispatchPolicy();
    }

    @Test
    void shouldBeNamedJsq() {
        assertThat(policy().name()).isEqualTo("jsq");
        assertThat(DispatchPolicies.byName("jsq")).isInstanceOf(JsqDispatchPolicy.class);
    }

    @Test
    void shouldJoinTheShortestChainAndServeItsOwnQueue() {
        DispatchState s = state(TestPlans.plan(1, new int[] {1, 1}, new double[] {1, 2}));
        assertThat(s.arrive(0)).isEqualTo(0);
        assertThat(s.arrive(1)).isEqualTo(1);
        assertThat(s.arrive(2)).isEqualTo(DispatchState.NO_CHAIN);
        assertThat(s.arrive(3)).isEqualTo(DispatchState.NO_CHAIN);
        assertThat(s.depart(1)).isEqualTo(3);
        assertThat(s.depart(0)).isEqualTo(2);
    }

    @Test
    void shouldPreferAChainWithAFreeSlotAmongEquallyLongOnes() {
        DispatchState s = state(TestPlans.plan(1, new int[] {1, 2}, new double[] {1, 2}));
        assertThat(s.arrive(0)).isEqualTo(0);
        assertThat(s.arrive(1)).isEqualTo(1);
        assertThat(s.arrive(2)).isEqualTo(1);
    }
}
