package io.chainplan.local.loop;

import io.chainplan.optimizer.model.Bounds;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.optimizer.model.TokenTimings;
import io.chainplan.optimizer.queueing.JffcResponseTimeBounds;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.PlanChain;
import io.chainplan.schemas.avro.PlanHop;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * What a plan's Theorem 4 bounds would be with the simulated fleet's true mean timings instead of the
 * estimates the plan was solved from: the same chains and capacities, each chain's service time
 * recomputed from the true {@code tau_c} and {@code tau_p} (DESIGN.md §1.1) at a given token mix (the
 * servers' true per-token coefficients, {@link io.chainplan.optimizer.model.TokenTimings}, at the mean
 * prompt and generated tokens of the requests that actually arrived: the cost model is linear in the
 * tokens, so this is the mean true service time of those requests), at a given arrival rate.
 * Only a simulation knows these; the summary uses them to tell estimation error from a wrong model.
 */
public final class TrueTimings {
    private final SimFleet fleet;

    /**
     * @param fleet the simulated fleet
     */
    public TrueTimings(SimFleet fleet) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
    }

    /**
     * True mean service time of a chain for requests of the model's declared mix.
     *
     * @param chain the chain
     * @return seconds, NaN if a hop names an unknown server
     */
    public double serviceSeconds(PlanChain chain) {
        return serviceSeconds(chain, declaredMix());
    }

    /**
     * True mean service time of a chain for requests of a token mix.
     *
     * @param chain the chain
     * @param mix   mean prompt and generated tokens per request
     * @return seconds, NaN if a hop names an unknown server
     */
    public double serviceSeconds(PlanChain chain, TokenMix mix) {
        double t = 0;
        for (PlanHop h : chain.getHops()) {
            int j = fleet.indexOf(h.getServerId());
            if (j < 0) {
                return Double.NaN;
            }
            TokenTimings timings = fleet.servers().get(j).timings();
            t += timings.commSeconds(mix.outputTokens())
                    + timings.perBlockSeconds(mix.inputTokens(), mix.outputTokens()) * (h.getEndBlock() - h.getStartBlock());
        }
        return t;
    }

    /** @return the model's declared token means */
    public TokenMix declaredMix() {
        return new TokenMix(fleet.model().meanInputTokens(), fleet.model().meanOutputTokens());
    }

    /**
     * Theorem 4 bounds of the plan's chains with true service times for the declared mix.
     *
     * @param plan          the plan
     * @param ratePerSecond the arrival rate
     * @return the bounds (infinite if unstable), or empty bounds of NaN if the plan has no chains
     */
    public double[] bounds(ChainPlan plan, double ratePerSecond) {
        return bounds(plan, ratePerSecond, declaredMix());
    }

    /**
     * Theorem 4 bounds of the plan's chains with true service times for a token mix.
     *
     * @param plan          the plan
     * @param ratePerSecond the arrival rate
     * @param mix           mean prompt and generated tokens per request
     * @return the bounds (infinite if unstable), or empty bounds of NaN if the plan has no chains
     */
    public double[] bounds(ChainPlan plan, double ratePerSecond, TokenMix mix) {
        int k = plan.getChains().size();
        if (k == 0 || !(ratePerSecond > 0)) {
            return new double[] {Double.NaN, Double.NaN};
        }
        Integer[] order = new Integer[k];
        double[] mu = new double[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
            mu[i] = 1.0 / serviceSeconds(plan.getChains().get(i), mix);
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -mu[i]).thenComparingInt(i -> i));
        double[] rates = new double[k];
        long[] caps = new long[k];
        for (int r = 0; r < k; r++) {
            rates[r] = mu[order[r]];
            caps[r] = plan.getChains().get(order[r]).getCapacity();
        }
        Bounds b = JffcResponseTimeBounds.bounds(rates, caps, ratePerSecond);
        return new double[] {b.lowerSeconds(), b.upperSeconds()};
    }
}
