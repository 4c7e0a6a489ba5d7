package io.chainplan.optimizer.experiment;

import io.chainplan.optimizer.baseline.BaselinePlacement;
import io.chainplan.optimizer.baseline.BprrBlockPlacement;
import io.chainplan.optimizer.baseline.CachePool;
import io.chainplan.optimizer.baseline.HopCostRule;
import io.chainplan.optimizer.baseline.PetalsBlockPlacement;
import io.chainplan.optimizer.baseline.PooledRoutingModel;
import io.chainplan.optimizer.baseline.WholeModelPlacement;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.model.ServerPlacement;
import io.chainplan.optimizer.sim.PolicyRoutingModel;
import io.chainplan.optimizer.sim.RoutingModel;
import io.chainplan.optimizer.tuning.CapacitySearch;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.JffcDispatchPolicy;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Builds the routing model of each {@link ServingMethod} for a fleet, ready for the
 * {@link io.chainplan.optimizer.sim.Simulator}. Stateless apart from its settings; thread-safe.
 */
public final class ServingMethods {
    private final Settings settings;
    private final CapacitySearch search;

    /** @param settings baseline and solver settings */
    public ServingMethods(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.search = new CapacitySearch(io.chainplan.optimizer.model.Objective.LOWER_BOUND, settings.solverThreads());
    }

    /**
     * Builds a method.
     *
     * @param method the method
     * @param fleet the fleet (lambda is the design demand)
     * @param joinSeed seed of PETALS' random join order
     * @return the routing model with a description, or empty if the method cannot serve the fleet
     *     (no chain covers all blocks)
     */
    public Optional<Built> build(ServingMethod method, Fleet fleet, long joinSeed) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(fleet, "fleet");
        return switch (method) {
            case CHAINPLAN -> chainplan(fleet);
            case PETALS -> pooled(method, fleet, new PetalsBlockPlacement(PetalsBlockPlacement.DEFAULT_RESERVED_REQUESTS_PER_BLOCK,
                    settings.pool()).place(fleet, new SplittableRandom(joinSeed)), HopCostRule.petals(settings.petalsPenaltySeconds()));
            case BPRR -> pooled(method, fleet, new BprrBlockPlacement(settings.pool()).place(fleet), HopCostRule.bprr());
            case WHOLE_MODEL -> wholeModel(fleet);
        };
    }

    private Optional<Built> chainplan(Fleet fleet) {
        Plan plan = search.solve(fleet);
        if (plan.status() == PlanStatus.INFEASIBLE || plan.chains().isEmpty()) {
            return Optional.empty();
        }
        String detail = String.format(Locale.ROOT, "%s c=%d, %d chains, C=%d, nu=%.4f/s, bounds [%.3f, %.3f] s",
                plan.status(), plan.c(), plan.chains().size(), plan.totalCapacity(), plan.totalServiceRatePerSecond(),
                plan.bounds().lowerSeconds(), plan.bounds().upperSeconds());
        return Optional.of(jffc(ServingMethod.CHAINPLAN, fleet, plan.chains(), detail));
    }

    private Optional<Built> wholeModel(Fleet fleet) {
        WholeModelPlacement.Result r = new WholeModelPlacement().place(fleet);
        List<Chain> chains = r.allocation().chains();
        if (chains.isEmpty()) {
            return Optional.empty();
        }
        String detail = String.format(Locale.ROOT, "%d single-server chains, C=%d, nu=%.4f/s", chains.size(),
                r.allocation().totalCapacity(), r.allocation().totalServiceRatePerSecond());
        return Optional.of(jffc(ServingMethod.WHOLE_MODEL, fleet, chains, detail));
    }

    private static Built jffc(ServingMethod method, Fleet fleet, List<Chain> chains, String detail) {
        PolicyRoutingModel model = new PolicyRoutingModel(new JffcDispatchPolicy(),
                new RoutingPlan(fleet.model().id(), 1, chains));
        return new Built(method, model, detail);
    }

    private static Optional<Built> pooled(ServingMethod method, Fleet fleet, BaselinePlacement p, HopCostRule rule) {
        if (!p.coversAllBlocks()) {
            return Optional.empty();
        }
        long slots = p.placement().servers().stream().mapToLong(ServerPlacement::cacheSlots).sum();
        String detail = String.format(Locale.ROOT, "%d servers placed, %d requests/block reserved%s, %d pool slots",
                p.placement().servers().size(), p.reservedRequestsPerBlock(),
                method == ServingMethod.BPRR ? String.format(Locale.ROOT, " (T=%.3f s)", p.referenceServiceSeconds()) : "",
                slots);
        return Optional.of(new Built(method, new PooledRoutingModel(method.cliName(), fleet, p.placement(), rule), detail));
    }

    /**
     * A method ready to simulate.
     *
     * @param method the method
     * @param routing its routing model
     * @param detail what it decided (c, R, chains, capacities)
     */
    public record Built(ServingMethod method, RoutingModel routing, String detail) {
        /** Validates the fields. */
        public Built {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(routing, "routing");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * Settings of the methods.
     *
     * @param pool cache pool of PETALS and BPRR servers
     * @param petalsPenaltySeconds PETALS' routing penalty for a server believed to lack cache
     * @param solverThreads threads of chainplan's search over c
     */
    public record Settings(CachePool pool, double petalsPenaltySeconds, int solverThreads) {
        /** PETALS' {@code alloc_delay}. */
        public static final double PETALS_PENALTY_SECONDS = 10.0;

        /** Validates the fields. */
        public Settings {
            Objects.requireNonNull(pool, "pool");
            if (!(petalsPenaltySeconds >= 0)) {
                throw new IllegalArgumentException("petalsPenaltySeconds must be >= 0, was " + petalsPenaltySeconds);
            }
            if (solverThreads < 1) {
                throw new IllegalArgumentException("solverThreads must be >= 1, was " + solverThreads);
            }
        }

        /**
         * @param solverThreads solver threads
         * @return the defaults: reserved pools, 10 s penalty
         */
        public static Settings defaults(int solverThreads) {
            return new Settings(CachePool.RESERVED, PETALS_PENALTY_SECONDS, solverThreads);
        }
    }
}
