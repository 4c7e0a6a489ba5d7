package io.chainplan.optimizer.tuning;

import io.chainplan.optimizer.allocation.Allocation;
import io.chainplan.optimizer.allocation.CacheAllocation;
import io.chainplan.optimizer.allocation.GcaCacheAllocation;
import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.model.Bounds;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import io.chainplan.optimizer.model.SolverStats;
import io.chainplan.optimizer.placement.GbpCrBlockPlacement;
import io.chainplan.optimizer.placement.PlacementResult;
import io.chainplan.optimizer.queueing.MmppJffcResponseTime;
import io.chainplan.optimizer.validate.PlanValidator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * The full solve: search over the cache reservation {@code c} (the paper, arXiv 2604.14993, §3,
 * "choosing c"; DESIGN.md §1.2). For {@code c = 1 .. floor((max_j M_j - s_m) / s_c)}: GBP-CR
 * ({@link GbpCrBlockPlacement}), then GCA ({@link GcaCacheAllocation}), then the Theorem 4 bounds
 * ({@link io.chainplan.optimizer.queueing.JffcResponseTimeBounds}); candidates that are infeasible or unstable are skipped and the
 * rest scored by the {@link Objective} (lowest wins, ties to the smaller c).
 * <ul>
 *   <li>{@code lower-bound} / {@code upper-bound}: the Theorem 4 bound on the mean response time.
 *   <li>{@code surrogate}: {@code c * K(c)}, the total capacity of the K(c) complete GBP-CR chains,
 *       which reach rate {@code lambda / rho_bar}; a c whose GBP-CR chains do not reach that rate
 *       scores +infinity (chosen only if no c does, then the smallest stable c).
 * </ul>
 * <p>Bursty arrivals (chainplan beyond the paper): when the fleet's {@link ArrivalModel} is an
 * {@link ArrivalModel.Mmpp2}, the bounds are {@link MmppJffcResponseTime}'s (Theorem 4 under the fitted
 * burst process) and every c has a second candidate, GBP-CR over all servers
 * ({@link GbpCrBlockPlacement.Extent#ALL_SERVERS}: no server left idle), kept only when it scores
 * better. Under Poisson arrivals the search is exactly the paper's.
 * If no candidate is stable the plan is {@link PlanStatus#UNSTABLE} and carries the candidate with
 * the largest total service rate nu; if no c lets the servers host all blocks it is
 * {@link PlanStatus#INFEASIBLE} with the reason.
 * <p>Speed: GBP-CR runs once per run of c values with the same result
 * ({@link GbpCrBlockPlacement#placeRun}; within a run every score is the first c's or, for the
 * surrogate, grows with c, so the run's first c stands for all of it and the choice is the one a
 * walk over every c makes). Placements that equal an earlier one are not re-evaluated (GCA and the
 * bounds depend only on the placement); distinct placements are evaluated in parallel on a private
 * fork-join pool. Only scores are kept per candidate; the winner's chains are recomputed.
 * <p>Bounded work: at most {@code J * L + J + 1} runs per placement variant (plus one per parallel
 * chunk of the c range) and, per distinct placement, GCA ({@code O(L^2)} per chain) and bounds whose
 * cost follows the load, not the cache a server offers. One server reporting absurd memory (a
 * petabyte, {@link Long#MAX_VALUE} bytes) makes the range of c huge but adds only its own
 * {@code L} runs.
 * <p>Deterministic: the result does not depend on the parallelism nor the order of the fleet's
 * servers. Every returned plan has passed {@link PlanValidator}. Pure: reads no clock, so
 * {@link SolverStats#millis()} is 0 and callers set it with {@link Plan#withSolverMillis}.
 * Immutable and thread-safe.
 */
public final class CapacitySearch {
    private final Objective objective;
    private final int parallelism;
    private final CacheAllocation allocation;
    private final GbpCrBlockPlacement placement = new GbpCrBlockPlacement();
    private final GbpCrBlockPlacement everyServer = new GbpCrBlockPlacement(GbpCrBlockPlacement.Extent.ALL_SERVERS);

    /** Lower-bound objective, fast GCA, one thread per available processor. */
    public CapacitySearch() {
        this(Objective.LOWER_BOUND, Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param objective how candidates are scored
     * @param parallelism threads for evaluating candidates, {@code >= 1}
     */
    public CapacitySearch(Objective objective, int parallelism) {
        this(objective, parallelism, new GcaCacheAllocation());
    }

    /**
     * @param objective how candidates are scored
     * @param parallelism threads for evaluating candidates, {@code >= 1}
     * @param allocation the cache allocation (e.g. the plain Dijkstra oracle in tests)
     */
    public CapacitySearch(Objective objective, int parallelism, CacheAllocation allocation) {
        this.objective = Objects.requireNonNull(objective, "objective");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
        }
        this.parallelism = parallelism;
        this.allocation = Objects.requireNonNull(allocation, "allocation");
    }

    /** @return the objective */
    public Objective objective() {
        return objective;
    }

    /**
     * The largest useful cache reservation, {@code floor((max_j M_j - s_m) / s_c)} (DESIGN.md §1.2).
     *
     * @param fleet the fleet
     * @return the largest c, 0 if no server can hold one block and one cache slot
     */
    public static int maxCacheReservation(Fleet fleet) {
        ModelSpec m = fleet.model();
        long maxMemory = fleet.servers().stream().mapToLong(Server::memoryBytes).max().orElse(0);
        long c = (maxMemory - m.blockBytes()) / m.cacheBytesPerBlockPerJob();
        return maxMemory < m.blockBytes() ? 0 : (int) Math.min(c, Integer.MAX_VALUE);
    }

    /**
     * Searches every c from 1 to {@link #maxCacheReservation}.
     *
     * @param fleet the fleet
     * @return the best plan (OK, UNSTABLE or INFEASIBLE)
     */
    public Plan solve(Fleet fleet) {
        Objects.requireNonNull(fleet, "fleet");
        return search(fleet, 1, maxCacheReservation(fleet));
    }

    /**
     * Solves for one fixed cache reservation (no search).
     *
     * @param fleet the fleet
     * @param c the cache reservation, {@code >= 1}
     * @return the plan of GBP-CR with this c followed by GCA
     */
    public Plan solve(Fleet fleet, int c) {
        Objects.requireNonNull(fleet, "fleet");
        if (c < 1) {
            throw new IllegalArgumentException("c must be >= 1, was " + c);
        }
        return search(fleet, c, c);
    }

    /**
     * Keeps a given placement and redoes only the cache allocation (GCA) on it, with cache slots
     * recomputed from the fleet's current memory. Servers no longer in the fleet, and servers
     * whose memory no longer holds their blocks' weights, are dropped from the placement.
     *
     * @param fleet the current fleet
     * @param kept the placement to keep (its cache slots are ignored)
     * @return a plan with {@code c = 0}: OK, UNSTABLE, or INFEASIBLE if no chain covers all blocks
     */
    public Plan allocateOnPlacement(Fleet fleet, Placement kept) {
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(kept, "kept");
        ModelSpec model = fleet.model();
        List<ServerPlacement> servers = new ArrayList<>();
        for (ServerPlacement sp : kept.servers()) {
            Server s = fleet.server(sp.serverId()).orElse(null);
            if (s != null && sp.range().end() <= model.blocks()
                    && model.blockBytes() * (long) sp.range().size() <= s.memoryBytes()) {
                servers.add(ServerPlacement.of(model, s, sp.range()));
            }
        }
        Placement p = new Placement(servers);
        SolverStats stats = new SolverStats(0, objective, 1, 1);
        Plan plan = toPlan(fleet, 0, p, allocation.allocate(fleet, p), stats,
                "the kept placement has no chain covering blocks [0, " + model.blocks() + ")");
        PlanValidator.requireValid(fleet, plan);
        return plan;
    }

    private Plan search(Fleet fleet, int from, int to) {
        ModelSpec model = fleet.model();
        int tried = Math.max(0, to - from + 1);
        if (fleet.servers().isEmpty()) {
            return checked(fleet, Plan.infeasible(model.id(), "the fleet has no servers", fleet.arrivals(),
                    new SolverStats(0, objective, 0, 0)));
        }
        if (to < from) {
            return checked(fleet, Plan.infeasible(model.id(), "no server can hold one block plus one cache slot ("
                    + (model.blockBytes() + model.cacheBytesPerBlockPerJob()) + " bytes)", fleet.arrivals(),
                    new SolverStats(0, objective, 0, 0)));
        }
        List<GbpCrBlockPlacement> placements = fleet.arrivals() instanceof ArrivalModel.Mmpp2
                ? List.of(placement, everyServer) : List.of(placement);
        Candidate[] candidates = candidates(fleet, from, to, placements);
        if (Arrays.stream(candidates).noneMatch(Candidate::feasible)) {
            return checked(fleet, Plan.infeasible(model.id(), "the servers can host at most "
                    + candidates[0].coverableBlocks + " of " + model.blocks() + " blocks with c = " + from,
                    fleet.arrivals(), new SolverStats(0, objective, tried, 0)));
        }
        int distinct = evaluateDistinct(fleet, candidates);
        Candidate winner = choose(fleet, candidates);
        Placement p = winner.algorithm.place(fleet, winner.c).placement();
        Plan plan = toPlan(fleet, winner.c, p, allocation.allocate(fleet, p),
                new SolverStats(0, objective, tried, distinct), "");
        if (plan.status() == PlanStatus.UNSTABLE) {
            plan = withReason(plan, unstableReason(fleet, from, to, plan));
        }
        return checked(fleet, plan);
    }

    /**
     * Phase 1: GBP-CR over every c in [from, to], once per run of c with the same result; the range is
     * cut into chunks walked in parallel. Candidates come in order of c, then of placement variant.
     */
    private Candidate[] candidates(Fleet fleet, int from, int to, List<GbpCrBlockPlacement> algorithms) {
        long span = (long) to - from + 1;
        int chunks = (int) Math.min(span, parallelism == 1 ? 1 : 4L * parallelism);
        int variants = algorithms.size();
        @SuppressWarnings("unchecked")
        List<Candidate>[] walks = parallel(chunks * variants, i -> {
            long first = from + span * (i / variants) / chunks;
            long last = from + span * (i / variants + 1) / chunks - 1;
            return runs(fleet, (int) first, (int) last, algorithms.get(i % variants), i % variants);
        }, List[]::new);
        return Arrays.stream(walks).flatMap(List::stream)
                .sorted(Comparator.comparingInt((Candidate k) -> k.c).thenComparingInt(k -> k.variant))
                .toArray(Candidate[]::new);
    }

    /** The runs of c in [first, last] of one placement variant, each kept as a compact candidate. */
    private static List<Candidate> runs(Fleet fleet, int first, int last, GbpCrBlockPlacement algorithm, int variant) {
        List<Candidate> out = new ArrayList<>();
        int c = first;
        while (true) {
            GbpCrBlockPlacement.Run run = algorithm.placeRun(fleet, c, last);
            PlacementResult r = run.result();
            out.add(new Candidate(c, variant, algorithm, r, PlacementKey.of(r.placement())));
            if (run.lastCacheReservation() >= last) {
                return out;
            }
            c = run.lastCacheReservation() + 1;
        }
    }

    /** Phase 2: GCA and bounds once per distinct placement, in parallel; copies results to duplicates. */
    private int evaluateDistinct(Fleet fleet, Candidate[] candidates) {
        Map<PlacementKey, Candidate> first = new HashMap<>();
        List<Candidate> unique = new ArrayList<>();
        for (Candidate k : candidates) {
            if (k.feasible() && first.putIfAbsent(k.key, k) == null) {
                unique.add(k);
            }
        }
        Evaluation[] evals = parallel(unique.size(), i -> evaluate(fleet, unique.get(i)), Evaluation[]::new);
        for (int i = 0; i < unique.size(); i++) {
            unique.get(i).evaluation = evals[i];
        }
        for (Candidate k : candidates) {
            if (k.feasible()) {
                k.evaluation = first.get(k.key).evaluation;
            }
        }
        return unique.size();
    }

    private Evaluation evaluate(Fleet fleet, Candidate k) {
        Allocation a = allocation.allocate(fleet, k.algorithm.place(fleet, k.c).placement());
        return new Evaluation(a.totalServiceRatePerSecond(), MmppJffcResponseTime.bounds(a.chains(), fleet.arrivals()));
    }

    /** Phase 3: lowest score among stable candidates, ties to smaller c; else the largest nu. */
    private Candidate choose(Fleet fleet, Candidate[] candidates) {
        Candidate best = null;
        for (Candidate k : candidates) {
            if (k.feasible() && k.evaluation.bounds.isFinite()
                    && (best == null || score(k) < score(best))) {
                best = k;
            }
        }
        if (best != null) {
            return best;
        }
        for (Candidate k : candidates) {
            if (k.feasible() && (best == null || k.evaluation.nu > best.evaluation.nu)) {
                best = k;
            }
        }
        return best;
    }

    private double score(Candidate k) {
        return switch (objective) {
            case LOWER_BOUND -> k.evaluation.bounds.lowerSeconds();
            case UPPER_BOUND -> k.evaluation.bounds.upperSeconds();
            case SURROGATE -> k.result.reachedTarget() ? (double) k.result.surrogate() : Double.POSITIVE_INFINITY;
        };
    }

    private static Plan toPlan(Fleet fleet, int c, Placement p, Allocation a, SolverStats stats, String emptyReason) {
        double lambda = fleet.arrivalRatePerSecond();
        if (a.chains().isEmpty()) {
            return Plan.infeasible(fleet.model().id(), emptyReason, fleet.arrivals(), stats);
        }
        double nu = a.totalServiceRatePerSecond();
        Bounds b = MmppJffcResponseTime.bounds(a.chains(), fleet.arrivals());
        PlanStatus status = b.isFinite() ? PlanStatus.OK : PlanStatus.UNSTABLE;
        String reason = status == PlanStatus.OK ? ""
                : "arrival rate " + lambda + " req/s is not below the total service rate " + nu + " req/s";
        return new Plan(fleet.model().id(), status, reason, c, fleet.arrivals(), p, a.chains(), nu, b, stats);
    }

    private static String unstableReason(Fleet fleet, int from, int to, Plan plan) {
        String range = from == to ? "c = " + from : "any c in [" + from + ", " + to + "]";
        return "no plan with " + range + " carries arrival rate " + fleet.arrivalRatePerSecond()
                + " req/s; best total service rate " + plan.totalServiceRatePerSecond() + " req/s at c = " + plan.c();
    }

    private static Plan withReason(Plan p, String reason) {
        return new Plan(p.modelId(), p.status(), reason, p.c(), p.arrivals(), p.placement(), p.chains(),
                p.totalServiceRatePerSecond(), p.bounds(), p.solver());
    }

    private static Plan checked(Fleet fleet, Plan plan) {
        PlanValidator.requireValid(fleet, plan);
        return plan;
    }

    /** Maps {@code 0..n-1} through {@code f}, in parallel when it helps; results in index order. */
    private <T> T[] parallel(int n, IntFunction<T> f, IntFunction<T[]> array) {
        if (parallelism == 1 || n < 2) {
            return IntStream.range(0, n).mapToObj(f).toArray(array);
        }
        ForkJoinPool pool = new ForkJoinPool(Math.min(parallelism, n));
        try {
            return pool.submit(() -> IntStream.range(0, n).parallel().mapToObj(f).toArray(array)).join();
        } finally {
            pool.shutdown();
        }
    }

    /**
     * A run of c values starting at {@code c} (one placement variant): its GBP-CR summary and, once
     * evaluated, its GCA rate and bounds.
     */
    private static final class Candidate {
        final int c;
        final int variant;
        final GbpCrBlockPlacement algorithm;
        final PlacementResult result;
        final PlacementKey key;
        final long coverableBlocks;
        Evaluation evaluation;

        Candidate(int c, int variant, GbpCrBlockPlacement algorithm, PlacementResult r, PlacementKey key) {
            this.c = c;
            this.variant = variant;
            this.algorithm = algorithm;
            this.result = new PlacementResult(c, r.feasible(), Placement.empty(), r.feasible() ? r.completeChains() : 0,
                    r.rateReached(), r.reachedTarget(), r.coverableBlocks());
            this.key = key;
            this.coverableBlocks = r.coverableBlocks();
        }

        boolean feasible() {
            return result.feasible();
        }
    }

    /** Total service rate and bounds of GCA on one placement. */
    private record Evaluation(double nu, Bounds bounds) {
    }
}
