package io.chainplan.router.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.router.dispatch.TestPlans;
import org.junit.jupiter.api.Test;

class JiqDispatchPolicyTest extends DispatchPolicyContractTest {
    @Override
    DispatchPolicy policy() {
        return new JiqDispatchPolicy();
    }

    @Test
    void shouldBeNamedJiq() {
        assertThat(policy().name()).isEqualTo("jiq");
        assertThat(DispatchPolicies.byName("jiq")).isInstanceOf(JiqDispatchPolicy.class);
    }

    @Test
    void shouldPreferIdleChains() {
        DispatchState s = state(TestPlans.uniform(1, 5, 3));
        java.util.Set<Integer> used = new java.util.TreeSet<>();
        for (long t = 0; t < 5; t++) {
            used.add(s.arrive(t));
        }
        assertThat(used).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void shouldBeDeterministicForASeed() {
        int[] a = new int[30];
        int[] b = new int[30];
        DispatchState s1 = state(TestPlans.uniform(1, 10, 3));
        DispatchState s2 = state(TestPlans.uniform(1, 10, 3));
        for (int t = 0; t < 30; t++) {
            a[t] = s1.arrive(t);
            b[t] = s2.arrive(t);
        }
        assertThat(a).containsExactly(b);
    }
}
