package io.chainplan.router.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.router.dispatch.TestPlans;
import org.junit.jupiter.api.Test;

class SaJsqDispatchPolicyTest extends DispatchPolicyContractTest {
    @Override
    DispatchPolicy policy() {
        return new SaJsqDispatchPolicy();
    }

    @Test
    void shouldBeNamedSaJsq() {
        assertThat(policy().name()).isEqualTo("sa-jsq");
        assertThat(DispatchPolicies.byName("sa-jsq")).isInstanceOf(SaJsqDispatchPolicy.class);
    }

    @Test
    void shouldPickTheFastestAmongTheLeastLoadedNonFullChains() {
        DispatchState s = state(TestPlans.plan(1, new int[] {2, 2, 2}, new double[] {2, 1, 3}));
        assertThat(s.arrive(0)).isEqualTo(1);
        assertThat(s.arrive(1)).isEqualTo(0);
        assertThat(s.arrive(2)).isEqualTo(2);
        assertThat(s.arrive(3)).isEqualTo(1);
        assertThat(s.arrive(4)).isEqualTo(0);
    }
}
