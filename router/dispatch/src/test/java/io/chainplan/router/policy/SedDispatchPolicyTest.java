package io.chainplan.router.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.router.dispatch.TestPlans;
import org.junit.jupiter.api.Test;

class SedDispatchPolicyTest extends DispatchPolicyContractTest {
    @Override
    DispatchPolicy policy() {
        return new SedDispatchPolicy();
    }

    @Test
    void shouldBeNamedSed() {
        assertThat(policy().name()).isEqualTo("sed");
        assertThat(DispatchPolicies.byName("sed")).isInstanceOf(SedDispatchPolicy.class);
    }

    @Test
    void shouldWaitOnAFastChainRatherThanStartOnAMuchSlowerOne() {
        DispatchState s = state(TestPlans.plan(1, new int[] {1, 1}, new double[] {1, 10}));
        assertThat(s.arrive(0)).isEqualTo(0);
        assertThat(s.arrive(1)).isEqualTo(DispatchState.NO_CHAIN);
        assertThat(s.inService(1)).isZero();
        assertThat(s.depart(0)).isEqualTo(1);
    }

    @Test
    void shouldUseASlowerFreeChainWhenTheExpectedDelayIsSmaller() {
        DispatchState s = state(TestPlans.plan(1, new int[] {1, 1}, new double[] {1, 1.5}));
        assertThat(s.arrive(0)).isEqualTo(0);
        assertThat(s.arrive(1)).isEqualTo(1);
    }
}
