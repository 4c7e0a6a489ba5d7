package io.chainplan.optimizer.validate;

import io.chainplan.optimizer.model.Bounds;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a plan against its fleet, independently of the algorithms that made it
 * (DESIGN.md §1.1, §4.2): every chain's hops are contiguous and cover {@code [0, L)}; each hop
 * lies inside its server's placement and ends where that placement ends; each server's weights
 * plus its cache slots fit in its memory, and the chains through it use at most those slots;
 * capacities are at least 1; service times, the total service rate and the status match a
 * recomputation; chains are listed fastest first; bounds are ordered.
 * <p>Stateless and thread-safe. The solver calls {@link #requireValid} on every plan it returns.
 */
public final class PlanValidator {
    /** Relative tolerance for recomputed times and rates. */
    public static final double RELATIVE_TOLERANCE = 1e-9;

    private PlanValidator() {
    }

    /**
     * @param fleet the fleet the plan was solved for
     * @param plan the plan
     * @throws IllegalStateException listing every violation, if there is any
     */
    public static void requireValid(Fleet fleet, Plan plan) {
        List<String> problems = violations(fleet, plan);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid plan for model " + plan.modelId() + ": "
                    + String.join("; ", problems));
        }
    }

    /**
     * @param fleet the fleet the plan was solved for
     * @param plan the plan
     * @return human-readable violations, empty if the plan is valid
     */
    public static List<String> violations(Fleet fleet, Plan plan) {
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(plan, "plan");
        List<String> out = new ArrayList<>();
        if (!plan.modelId().equals(fleet.model().id())) {
            out.add("plan is for model " + plan.modelId() + " but the fleet serves " + fleet.model().id());
        }
        Map<String, ServerPlacement> placed = checkPlacements(fleet, plan, out);
        Map<String, Long> used = new HashMap<>();
        for (int k = 0; k < plan.chains().size(); k++) {
            checkChain(fleet, placed, plan.chains().get(k), k, used, out);
            if (k > 0 && plan.chains().get(k).serviceSeconds() < plan.chains().get(k - 1).serviceSeconds()) {
                out.add("chain " + k + " is faster than chain " + (k - 1) + ": chains must be listed fastest first");
            }
        }
        for (ServerPlacement sp : placed.values().stream().sorted((a, b) -> a.serverId().compareTo(b.serverId())).toList()) {
            long u = used.getOrDefault(sp.serverId(), 0L);
            if (u > sp.cacheSlots()) {
                out.add("server " + sp.serverId() + ": chains use " + u + " cache slots but it has " + sp.cacheSlots());
            }
        }
        checkTotals(fleet, plan, out);
        return out;
    }

    private static Map<String, ServerPlacement> checkPlacements(Fleet fleet, Plan plan, List<String> out) {
        ModelSpec model = fleet.model();
        Map<String, ServerPlacement> placed = new HashMap<>();
        for (ServerPlacement sp : plan.placement().servers()) {
            placed.put(sp.serverId(), sp);
            Server s = fleet.server(sp.serverId()).orElse(null);
            if (s == null) {
                out.add("server " + sp.serverId() + " is placed but not in the fleet");
                continue;
            }
            if (sp.range().end() > model.blocks()) {
                out.add("server " + sp.serverId() + " hosts " + sp.range() + " beyond the model's " + model.blocks() + " blocks");
            }
            BigInteger need = BigInteger.valueOf(model.blockBytes()).multiply(BigInteger.valueOf(sp.range().size()))
                    .add(BigInteger.valueOf(model.cacheBytesPerBlockPerJob()).multiply(BigInteger.valueOf(sp.cacheSlots())));
            if (need.compareTo(BigInteger.valueOf(s.memoryBytes())) > 0) {
                out.add("server " + sp.serverId() + ": weights of " + sp.range().size() + " blocks plus " + sp.cacheSlots()
                        + " cache slots need " + need + " bytes, more than its " + s.memoryBytes());
            }
        }
        if (plan.status() == PlanStatus.INFEASIBLE && !plan.chains().isEmpty()) {
            out.add("an INFEASIBLE plan must have no chains, has " + plan.chains().size());
        }
        if (plan.status() != PlanStatus.INFEASIBLE && plan.chains().isEmpty()) {
            out.add("a " + plan.status() + " plan must have at least one chain");
        }
        return placed;
    }

    private static void checkChain(Fleet fleet, Map<String, ServerPlacement> placed, Chain chain, int k,
            Map<String, Long> used, List<String> out) {
        double seconds = 0;
        for (Hop h : chain.hops()) {
            ServerPlacement sp = placed.get(h.serverId());
            Server s = fleet.server(h.serverId()).orElse(null);
            if (sp == null || s == null) {
                out.add("chain " + k + ": hop on server " + h.serverId() + " which hosts no blocks");
                continue;
            }
            if (!sp.range().contains(h.range()) || h.endBlock() != sp.range().end()) {
                out.add("chain " + k + ": hop " + h.range() + " on server " + h.serverId()
                        + " must lie inside and end with its hosted range " + sp.range());
            }
            used.merge(h.serverId(), (long) chain.capacity() * h.blocks(), Long::sum);
            seconds += s.hopSeconds(h.blocks());
        }
        if (chain.blocks() != fleet.model().blocks()) {
            out.add("chain " + k + " ends at block " + chain.blocks() + ", not at " + fleet.model().blocks());
        }
        if (!close(seconds, chain.serviceSeconds())) {
            out.add("chain " + k + " reports service time " + chain.serviceSeconds() + " s, recomputed " + seconds + " s");
        }
    }

    private static void checkTotals(Fleet fleet, Plan plan, List<String> out) {
        double nu = 0;
        for (Chain k : plan.chains()) {
            nu += k.capacity() / k.serviceSeconds();
        }
        if (!close(nu, plan.totalServiceRatePerSecond())) {
            out.add("total service rate reported " + plan.totalServiceRatePerSecond() + " /s, recomputed " + nu + " /s");
        }
        if (plan.arrivalRatePerSecond() != fleet.arrivalRatePerSecond()) {
            out.add("plan arrival rate " + plan.arrivalRatePerSecond() + " differs from the fleet's "
                    + fleet.arrivalRatePerSecond());
        }
        boolean stable = !plan.chains().isEmpty() && plan.arrivalRatePerSecond() < nu;
        Bounds b = plan.bounds();
        if (plan.status() == PlanStatus.OK && !stable) {
            out.add("status OK but arrival rate " + plan.arrivalRatePerSecond() + " >= total service rate " + nu);
        }
        if (plan.status() == PlanStatus.UNSTABLE && stable) {
            out.add("status UNSTABLE but arrival rate " + plan.arrivalRatePerSecond() + " < total service rate " + nu);
        }
        if (plan.status() == PlanStatus.OK && !b.isFinite()) {
            out.add("status OK needs finite bounds, has " + b);
        }
        if (plan.status() != PlanStatus.OK && b.isFinite()) {
            out.add("status " + plan.status() + " must not predict finite bounds " + b);
        }
        if (b.isFinite() && b.lowerSeconds() > b.upperSeconds() * (1 + RELATIVE_TOLERANCE)) {
            out.add("lower bound " + b.lowerSeconds() + " s exceeds upper bound " + b.upperSeconds() + " s");
        }
        if (plan.status() != PlanStatus.OK && plan.reason().isEmpty()) {
            out.add("status " + plan.status() + " needs a reason");
        }
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
    }
}
