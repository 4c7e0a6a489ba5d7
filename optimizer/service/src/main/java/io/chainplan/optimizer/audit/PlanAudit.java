package io.chainplan.optimizer.audit;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.optimizer.model.TokenTimings;
import io.chainplan.optimizer.replan.PlacementDiff;
import io.chainplan.optimizer.replan.ReplanResult;
import io.chainplan.optimizer.replan.Solver;
import io.chainplan.optimizer.replan.Trigger;
import io.chainplan.optimizer.replan.TriggerKind;
import io.chainplan.optimizer.service.AvroMappers;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.PlanChain;
import io.chainplan.schemas.avro.PlanHop;
import io.chainplan.schemas.avro.PlanInputs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The audit operations on the plans of one model, as read from the log by {@link PlanLog}
 * (issue 7 item 6): list, show, diff and replay. Pure functions of the plans given.
 */
public final class PlanAudit {
    private PlanAudit() {
    }

    /**
     * One line of {@code audit list}.
     *
     * @param epoch       plan epoch
     * @param createdAt   creation time
     * @param trigger     trigger kind
     * @param detail      trigger detail
     * @param status      OK, INFEASIBLE or UNSTABLE
     * @param rate        lambda, req/s
     * @param c           cache reservation (0 when the placement was kept)
     * @param chains      number of chains
     * @param lower       lower bound, s (NaN if none)
     * @param upper       upper bound, s (NaN if none)
     * @param blocksMoved blocks newly loaded versus the plan replaced (0 for the first)
     * @param kept        whether the placement was kept
     */
    public record Row(long epoch, Instant createdAt, String trigger, String detail, String status, double rate,
                      int c, int chains, double lower, double upper, int blocksMoved, boolean kept) {
    }

    /**
     * @param plans plans of one model
     * @param since keep plans created at or after this time, if given
     * @return one row per plan, by epoch
     */
    public static List<Row> list(List<ChainPlan> plans, Optional<Instant> since) {
        return plans.stream()
                .filter(p -> since.map(s -> !p.getCreatedAtMillis().isBefore(s)).orElse(true))
                .map(PlanAudit::row)
                .toList();
    }

    private static Row row(ChainPlan p) {
        return new Row(p.getEpoch(), p.getCreatedAtMillis(), p.getTrigger().getKind().name(),
                p.getTrigger().getDetail(), p.getStatus().name(), p.getArrivalRate(), p.getC(), p.getChains().size(),
                p.getBounds() == null ? Double.NaN : p.getBounds().getLowerSeconds(),
                p.getBounds() == null ? Double.NaN : p.getBounds().getUpperSeconds(),
                p.getReplaces() == null ? 0 : p.getReplaces().getBlocksMoved(),
                !p.getInputs().getFixedPlacement().isEmpty());
    }

    /**
     * @param plans plans of one model
     * @param epoch an epoch
     * @return the plan with that epoch
     * @throws IllegalArgumentException if there is none
     */
    public static ChainPlan find(List<ChainPlan> plans, long epoch) {
        return plans.stream().filter(p -> p.getEpoch() == epoch).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no plan with epoch " + epoch + " (epochs "
                        + plans.stream().map(p -> Long.toString(p.getEpoch())).collect(Collectors.joining(",")) + ")"));
    }

    /**
     * What changed between two plans.
     *
     * @param from           the older plan's epoch
     * @param to             the newer plan's epoch
     * @param servers        per server old and new range (sorted by id)
     * @param chainsAdded    chains of {@code to} not in {@code from} ("s1[0,10) s2[10,32) x5")
     * @param chainsRemoved  chains of {@code from} not in {@code to}
     * @param blocksMoved    blocks newly loaded going from {@code from} to {@code to}
     */
    public record Diff(long from, long to, List<PlacementDiff.ServerChange> servers, List<String> chainsAdded,
                       List<String> chainsRemoved, int blocksMoved) {
    }

    /**
     * @param a the older plan
     * @param b the newer plan
     * @return per-server ranges and added/removed chains (a chain is its hops and capacity)
     */
    public static Diff diff(ChainPlan a, ChainPlan b) {
        PlacementDiff d = PlacementDiff.between(AvroMappers.placement(a.getPlacements()).servers(),
                AvroMappers.placement(b.getPlacements()).servers(), b.getInputs().getModel().getBlockBytes());
        List<String> before = a.getChains().stream().map(PlanAudit::chain).toList();
        List<String> after = b.getChains().stream().map(PlanAudit::chain).toList();
        List<String> added = after.stream().filter(c -> !before.contains(c)).toList();
        List<String> removed = before.stream().filter(c -> !after.contains(c)).toList();
        return new Diff(a.getEpoch(), b.getEpoch(), d.servers(), added, removed, d.blocksMoved());
    }

    /**
     * @param c a chain
     * @return its hops and capacity, e.g. {@code s1[0,10) s2[10,32) x5}
     */
    public static String chain(PlanChain c) {
        return c.getHops().stream().map(PlanAudit::hop).collect(Collectors.joining(" ")) + " x" + c.getCapacity();
    }

    private static String hop(PlanHop h) {
        return h.getServerId() + "[" + h.getStartBlock() + "," + h.getEndBlock() + ")";
    }

    /**
     * The outcome of replaying one plan.
     *
     * @param epoch       the plan's epoch
     * @param identical   whether the solve reproduced the plan
     * @param differences what differs, field by field ("chains[2].capacity: recorded 5, replayed 4")
     */
    public record Replay(long epoch, boolean identical, List<String> differences) {
        /** Copies the list. */
        public Replay {
            differences = List.copyOf(differences);
        }
    }

    /**
     * Solves a plan's recorded inputs again: GCA on {@code inputs.fixedPlacement} if it is not
     * empty, else the full search with {@code inputs.objective}; then compares every solved field
     * (status, reason, c, placements, chains, nu, bounds, objective, candidates tried) exactly.
     * A server recorded with per-token coefficients (issue 17) is checked first: its coefficients at the
     * recorded token mix must give exactly its recorded {@code tau_c} and {@code tau_p}. Plans without
     * coefficients or mix (older ones) replay from their recorded timings alone.
     * The solve time and the {@code replaces} summary (which depends on the previous plan) are not
     * compared.
     *
     * @param plan   a recorded plan
     * @param solver the solver
     * @return identical, or the differences
     */
    public static Replay replay(ChainPlan plan, Solver solver) {
        Objects.requireNonNull(solver, "solver");
        PlanInputs in = plan.getInputs();
        Fleet fleet = AvroMappers.fleet(in);
        Plan solved = in.getFixedPlacement().isEmpty()
                ? solver.solveFull(fleet, AvroMappers.objective(in))
                : solver.solveOnPlacement(fleet, AvroMappers.objective(in),
                        AvroMappers.placement(in.getFixedPlacement()));
        ChainPlan again = AvroMappers.chainPlan(plan.getEpoch(), plan.getCreatedAtMillis(),
                new Trigger(TriggerKind.MANUAL, "replay"), in, ReplanResult.alone(solved), OptionalLong.empty());
        List<String> diffs = new ArrayList<>(timingsAtMix(in));
        diffs.addAll(compare(recorded(plan), recorded(again)));
        return new Replay(plan.getEpoch(), diffs.isEmpty(), diffs);
    }

    /** Each server with coefficients, evaluated at the recorded mix, against its recorded timings. */
    private static List<String> timingsAtMix(PlanInputs in) {
        Map<String, TokenTimings> timings = AvroMappers.tokenTimings(in);
        TokenMix mix = AvroMappers.tokens(in);
        List<String> out = new ArrayList<>();
        if (!timings.isEmpty() && !mix.usable()) {
            out.add("inputs.tokens: servers carry tokenTimings but the recorded mix " + in.getTokens()
                    + " is not usable");
            return out;
        }
        for (Server s : AvroMappers.fleet(in).servers()) {
            TokenTimings t = timings.get(s.id());
            if (t == null) {
                continue;
            }
            double comm = t.commSeconds(mix.outputTokens());
            double compute = t.perBlockSeconds(mix.inputTokens(), mix.outputTokens());
            if (comm != s.commSeconds() || compute != s.perBlockComputeSeconds()) {
                out.add(String.format(Locale.ROOT, "inputs.servers[%s]: recorded tau_c %s tau_p %s, its tokenTimings"
                        + " at the recorded mix give %s, %s", s.id(), s.commSeconds(), s.perBlockComputeSeconds(),
                        comm, compute));
            }
        }
        return out;
    }

    private static Map<String, Object> recorded(ChainPlan p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", p.getStatus());
        m.put("reason", p.getReason());
        m.put("c", p.getC());
        m.put("placements", p.getPlacements().stream().map(a -> a.getServerId() + "[" + a.getStartBlock() + ","
                + a.getEndBlock() + ") slots " + a.getCacheSlots()).toList());
        List<String> chains = new ArrayList<>();
        for (PlanChain c : p.getChains()) {
            chains.add(chain(c) + " T=" + Double.toString(c.getServiceSeconds()));
        }
        m.put("chains", chains);
        m.put("totalServiceRatePerSecond", p.getTotalServiceRatePerSecond());
        m.put("bounds", p.getBounds() == null ? null
                : List.of(p.getBounds().getLowerSeconds(), p.getBounds().getUpperSeconds()));
        m.put("solver.objective", p.getSolver().getObjective());
        m.put("solver.candidatesTried", p.getSolver().getCandidatesTried());
        return m;
    }

    private static List<String> compare(Map<String, Object> recorded, Map<String, Object> replayed) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : recorded.entrySet()) {
            Object a = e.getValue();
            Object b = replayed.get(e.getKey());
            if (a instanceof List<?> la && b instanceof List<?> lb && e.getKey().matches("placements|chains")) {
                compareLists(e.getKey(), la, lb, out);
            } else if (!Objects.equals(a, b)) {
                out.add(String.format(Locale.ROOT, "%s: recorded %s, replayed %s", e.getKey(), a, b));
            }
        }
        return out;
    }

    private static void compareLists(String name, List<?> a, List<?> b, List<String> out) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            Object x = i < a.size() ? a.get(i) : "(none)";
            Object y = i < b.size() ? b.get(i) : "(none)";
            if (!x.equals(y)) {
                out.add(String.format(Locale.ROOT, "%s[%d]: recorded %s, replayed %s", name, i, x, y));
            }
        }
    }
}
