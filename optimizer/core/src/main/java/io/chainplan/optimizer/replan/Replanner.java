package io.chainplan.optimizer.replan;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One re-plan that moves little (DESIGN.md §2.4, issue 7 item 3): solves both the full
 * re-placement (GBP-CR + GCA, §1.2) and the current placement with only GCA redone (valid for any
 * placement, Theorem 3), predicts both with the Theorem 4 lower bound, and lets
 * {@link KeepOrMove} choose. The kept placement is the previous one restricted to servers that are
 * still up and whose range still fits in their memory and in [0, L); cache slots are recomputed
 * from the current memory.
 * <p>Deterministic given a deterministic {@link Solver}. Immutable and thread-safe if the solver is.
 */
public final class Replanner {
    private final Solver solver;
    private final KeepOrMove rule;

    /**
     * @param solver            the solves
     * @param moveGainThreshold relative lower-bound gain needed to move blocks, in [0, 1)
     */
    public Replanner(Solver solver, double moveGainThreshold) {
        this.solver = Objects.requireNonNull(solver, "solver");
        this.rule = new KeepOrMove(moveGainThreshold);
    }

    /**
     * @param fleet     the inputs
     * @param objective objective of the full search
     * @param current   the placement of the current plan; empty if there is none
     * @return the chosen plan with both predictions and the diff
     */
    public ReplanResult replan(Fleet fleet, Objective objective, Optional<Placement> current) {
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(current, "current");
        Plan replace = solver.solveFull(fleet, objective);
        Placement previous = current.orElse(Placement.empty());
        Placement keepable = keepable(fleet, previous);
        Optional<Plan> keep = keepable.isEmpty() ? Optional.empty() : Optional.of(solver.solveOnPlacement(fleet, objective, keepable));
        KeepOrMove.Choice choice = rule.choose(keep.map(Replanner::candidate), candidate(replace));
        Plan chosen = choice.move() ? replace : keep.orElseThrow();
        PlacementDiff diff = PlacementDiff.between(previous.servers(), chosen.placement().servers(),
                fleet.model().blockBytes());
        return new ReplanResult(chosen, choice.move() ? Placement.empty() : keepable, diff,
                keep.map(Replanner::lower).orElse(Double.NaN), lower(replace), choice.reason());
    }

    /**
     * The part of a placement that can be kept on a fleet: servers still present whose range ends
     * within L and whose weights still fit, with cache slots recomputed (DESIGN.md §1.1).
     *
     * @param fleet     the current inputs
     * @param placement the previous placement
     * @return the keepable placement, possibly empty
     */
    public static Placement keepable(Fleet fleet, Placement placement) {
        Map<String, Server> servers = new TreeMap<>();
        fleet.servers().forEach(s -> servers.put(s.id(), s));
        List<ServerPlacement> kept = new ArrayList<>();
        for (ServerPlacement p : placement.servers()) {
            Server s = servers.get(p.serverId());
            boolean fits = s != null && p.range().end() <= fleet.model().blocks()
                    && (long) p.range().size() * fleet.model().blockBytes() <= s.memoryBytes();
            if (fits) {
                kept.add(ServerPlacement.of(fleet.model(), s, p.range()));
            }
        }
        return new Placement(kept);
    }

    private static KeepOrMove.Candidate candidate(Plan p) {
        KeepOrMove.Outcome o = switch (p.status()) {
            case OK -> Double.isNaN(lower(p)) ? KeepOrMove.Outcome.UNSTABLE : KeepOrMove.Outcome.OK;
            case UNSTABLE -> KeepOrMove.Outcome.UNSTABLE;
            case INFEASIBLE -> KeepOrMove.Outcome.INFEASIBLE;
        };
        return new KeepOrMove.Candidate(o, o == KeepOrMove.Outcome.OK ? lower(p) : Double.NaN,
                p.totalServiceRatePerSecond());
    }

    private static double lower(Plan p) {
        return p.status() == PlanStatus.OK && p.bounds().isFinite() ? p.bounds().lowerSeconds() : Double.NaN;
    }
}
