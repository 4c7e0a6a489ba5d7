package io.chainplan.router.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.router.dispatch.TestPlans;
import org.junit.jupiter.api.Test;

class JffcDispatchPolicyTest extends DispatchPolicyContractTest {
    @Override
    DispatchPolicy policy() {
        return new JffcDispatchPolicy();
    }

    @Test
    void shouldBeNamedJffc() {
        assertThat(policy().name()).isEqualTo("jffc");
        assertThat(DispatchPolicies.byName("jffc")).isInstanceOf(JffcDispatchPolicy.class);
    }

    @Test
    void shouldPickTheFastestFreeChain() {
        DispatchState s = state(TestPlans.plan(1, new int[] {1, 1, 1}, new double[] {3, 1, 2}));
        assertThat(s.arrive(0)).isEqualTo(1);
        assertThat(s.arrive(1)).isEqualTo(2);
        assertThat(s.arrive(2)).isEqualTo(0);
        assertThat(s.depart(2)).isEqualTo(DispatchState.NO_TOKEN);
        assertThat(s.arrive(3)).isEqualTo(2);
    }

    @Test
    void shouldBreakServiceTimeTiesByChainIndex() {
        DispatchState s = state(TestPlans.plan(1, new int[] {1, 1, 1}, new double[] {2, 1, 1}));
        assertThat(s.arrive(0)).isEqualTo(1);
        assertThat(s.arrive(1)).isEqualTo(2);
    }

    @Test
    void shouldAlwaysPickTheFastestFreeChainAmongThousands() {
        int k = 3000;
        int[] caps = new int[k];
        double[] times = new double[k];
        java.util.SplittableRandom random = new java.util.SplittableRandom(SEED);
        for (int i = 0; i < k; i++) {
            caps[i] = 1 + random.nextInt(3);
            times[i] = 1 + random.nextInt(100);
        }
        io.chainplan.router.dispatch.RoutingPlan plan = TestPlans.plan(1, caps, times);
        DispatchState s = state(plan);
        for (int step = 0; step < 20_000; step++) {
            int c = random.nextInt(k);
            if (random.nextBoolean() && s.inService(c) > 0) {
                s.depart(c);
            } else {
                int chosen = s.arrive(step);
                assertThat(chosen).isEqualTo(bruteForceFastestFree(s, caps, times, chosen));
            }
        }
    }

    /** The fastest chain that had a free slot before {@code chosen} was taken (ties by index). */
    private static int bruteForceFastestFree(DispatchState s, int[] caps, double[] times, int chosen) {
        int best = -1;
        for (int i = 0; i < caps.length; i++) {
            int before = s.inService(i) - (i == chosen ? 1 : 0);
            if (before < caps[i] && (best < 0 || times[i] < times[best])) {
                best = i;
            }
        }
        return best;
    }
}
