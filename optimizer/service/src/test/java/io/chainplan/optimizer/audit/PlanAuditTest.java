package io.chainplan.optimizer.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.optimizer.model.BlockRange;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.optimizer.model.TokenTimings;
import io.chainplan.optimizer.replan.DemandView;
import io.chainplan.optimizer.replan.InputView;
import io.chainplan.optimizer.service.ModelInput;
import io.chainplan.optimizer.replan.PaperSolver;
import io.chainplan.optimizer.replan.PlacementDiff;
import io.chainplan.optimizer.replan.ReplanResult;
import io.chainplan.optimizer.replan.Trigger;
import io.chainplan.optimizer.replan.TriggerKind;
import io.chainplan.optimizer.service.AvroMappers;
import io.chainplan.schemas.avro.BlockAssignment;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.PlanChain;
import io.chainplan.schemas.avro.PlanHop;
import io.chainplan.schemas.avro.PlanInputs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Audit operations on a hand-made history of one model (no broker): epoch 1 solved in full at
 * 0.2 req/s, epoch 2 re-placed at 0.6 req/s, epoch 3 kept epoch 2's placement at 0.5 req/s (cache
 * re-allocated only), epoch 4 INFEASIBLE after most servers left.
 */
class PlanAuditTest {
    private static final ModelSpec MODEL = new ModelSpec("m", 32, 437_500_000L, 33_600_000L);
    private static final List<Server> SERVERS = List.of(
            new Server("a", 40_000_000_000L, 0.05, 0.1), new Server("b", 20_000_000_000L, 0.06, 0.17),
            new Server("c", 20_000_000_000L, 0.07, 0.17), new Server("d", 10_000_000_000L, 0.08, 0.2));
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final PaperSolver SOLVER = new PaperSolver(1);
    private static List<ChainPlan> plans;

    @BeforeAll
    static void history() {
        List<ChainPlan> out = new ArrayList<>();
        Fleet f1 = new Fleet(MODEL, SERVERS, 0.2, 0.7);
        out.add(record(1, f1, SOLVER.solveFull(f1, Objective.LOWER_BOUND), Placement.empty(), Optional.empty()));
        Fleet f2 = new Fleet(MODEL, SERVERS, 0.6, 0.7);
        out.add(record(2, f2, SOLVER.solveFull(f2, Objective.LOWER_BOUND), Placement.empty(), Optional.of(out.get(0))));
        Fleet f3 = new Fleet(MODEL, SERVERS, 0.5, 0.7);
        Placement kept = AvroMappers.placement(out.get(1).getPlacements());
        out.add(record(3, f3, SOLVER.solveOnPlacement(f3, Objective.LOWER_BOUND, kept), kept, Optional.of(out.get(1))));
        Fleet f4 = new Fleet(MODEL, SERVERS.subList(3, 4), 0.5, 0.7);
        out.add(record(4, f4, SOLVER.solveFull(f4, Objective.LOWER_BOUND), Placement.empty(), Optional.of(out.get(2))));
        plans = List.copyOf(out);
    }

    private static ChainPlan record(long epoch, Fleet fleet, Plan plan, Placement fixed, Optional<ChainPlan> prev) {
        PlanInputs inputs = PlanInputs.newBuilder()
                .setModel(io.chainplan.schemas.avro.ModelSpec.newBuilder().setId(MODEL.id()).setBlocks(MODEL.blocks())
                        .setBlockBytes(MODEL.blockBytes()).setCacheBytesPerBlockPerJob(MODEL.cacheBytesPerBlockPerJob())
                        .build())
                .setServers(fleet.servers().stream().map(AvroMappers::parameters).toList())
                .setArrivalRatePerSecond(fleet.arrivalRatePerSecond()).setTargetLoad(fleet.targetLoad())
                .setObjective("lower-bound").setFixedPlacement(AvroMappers.assignments(fixed)).build();
        PlacementDiff diff = PlacementDiff.between(
                prev.map(p -> AvroMappers.placement(p.getPlacements()).servers()).orElse(List.of()),
                plan.placement().servers(), MODEL.blockBytes());
        ReplanResult r = new ReplanResult(plan, fixed, diff, Double.NaN, Double.NaN, "test");
        return AvroMappers.chainPlan(epoch, T0.plus(Duration.ofMinutes(epoch)),
                new Trigger(epoch == 1 ? TriggerKind.INITIAL : TriggerKind.DEMAND_SHIFT, "epoch " + epoch), inputs, r,
                prev.map(p -> java.util.OptionalLong.of(p.getEpoch())).orElse(java.util.OptionalLong.empty()));
    }

    @Test
    void shouldHaveBuiltTheIntendedHistory() {
        assertThat(plans).extracting(p -> p.getStatus().name()).containsExactly("OK", "OK", "OK", "INFEASIBLE");
        assertThat(plans.get(2).getC()).as("kept placement: c not searched").isZero();
        assertThat(plans.get(1).getC()).isPositive();
    }

    @Test
    void shouldListEveryPlanWithItsTriggerRateBoundsAndMoves() {
        List<PlanAudit.Row> rows = PlanAudit.list(plans, Optional.empty());

        assertThat(rows).extracting(PlanAudit.Row::epoch).containsExactly(1L, 2L, 3L, 4L);
        assertThat(rows).extracting(PlanAudit.Row::trigger)
                .containsExactly("INITIAL", "DEMAND_SHIFT", "DEMAND_SHIFT", "DEMAND_SHIFT");
        assertThat(rows).extracting(PlanAudit.Row::rate).containsExactly(0.2, 0.6, 0.5, 0.5);
        assertThat(rows).extracting(PlanAudit.Row::kept).containsExactly(false, false, true, false);
        assertThat(rows.get(0).blocksMoved()).as("first plan replaces nothing").isZero();
        assertThat(rows.get(2).blocksMoved()).as("kept placement moves nothing").isZero();
        assertThat(rows.get(1).chains()).isEqualTo(plans.get(1).getChains().size());
        assertThat(rows.get(1).lower()).isEqualTo(plans.get(1).getBounds().getLowerSeconds());
        assertThat(rows.get(3).lower()).as("infeasible: no bounds").isNaN();
        assertThat(rows.get(3).status()).isEqualTo("INFEASIBLE");
    }

    @Test
    void shouldListOnlyPlansCreatedAtOrAfterSince() {
        assertThat(PlanAudit.list(plans, Optional.of(T0.plus(Duration.ofMinutes(3)))))
                .extracting(PlanAudit.Row::epoch).containsExactly(3L, 4L);
    }

    @Test
    void shouldFindAPlanByEpochAndNameTheEpochsOtherwise() {
        assertThat(PlanAudit.find(plans, 3)).isSameAs(plans.get(2));
        assertThatThrownBy(() -> PlanAudit.find(plans, 9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epoch 9").hasMessageContaining("1,2,3,4");
    }

    private static ChainPlan handMade(long epoch, List<BlockAssignment> placements, List<PlanChain> chains) {
        return ChainPlan.newBuilder(plans.get(0)).setEpoch(epoch).setPlacements(placements).setChains(chains).build();
    }

    private static PlanChain chain(int capacity, PlanHop... hops) {
        return new PlanChain(List.of(hops), capacity, 1.0);
    }

    @Test
    void shouldDiffPerServerRangesAndChainsOfHandMadePlans() {
        PlanChain whole = chain(1, new PlanHop("d", 0, 32));
        ChainPlan a = handMade(7, List.of(new BlockAssignment("a", 0, 16, 3), new BlockAssignment("b", 16, 32, 3),
                new BlockAssignment("d", 0, 32, 1)), List.of(chain(3, new PlanHop("a", 0, 16), new PlanHop("b", 16, 32)),
                whole));
        ChainPlan b = handMade(8, List.of(new BlockAssignment("a", 0, 20, 2), new BlockAssignment("c", 20, 32, 2),
                new BlockAssignment("d", 0, 32, 1)), List.of(chain(2, new PlanHop("a", 0, 20), new PlanHop("c", 20, 32)),
                whole));

        PlanAudit.Diff d = PlanAudit.diff(a, b);

        assertThat(d.from()).isEqualTo(7);
        assertThat(d.to()).isEqualTo(8);
        assertThat(d.servers()).extracting(PlacementDiff.ServerChange::serverId).containsExactly("a", "b", "c", "d");
        assertThat(d.servers()).extracting(c -> c.oldRange().map(Object::toString).orElse("-") + " -> "
                + c.newRange().map(Object::toString).orElse("-")).containsExactly(
                new BlockRange(0, 16) + " -> " + new BlockRange(0, 20),
                new BlockRange(16, 32) + " -> -",
                "- -> " + new BlockRange(20, 32),
                new BlockRange(0, 32) + " -> " + new BlockRange(0, 32));
        assertThat(d.blocksMoved()).as("a loads [16,20), c loads [20,32)").isEqualTo(4 + 12);
        assertThat(d.chainsAdded()).containsExactly("a[0,20) c[20,32) x2");
        assertThat(d.chainsRemoved()).containsExactly("a[0,16) b[16,32) x3");
    }

    @Test
    void shouldDiffAKeptPlacementAsNoServerMovingAndNoBlocksMoved() {
        PlanAudit.Diff d = PlanAudit.diff(plans.get(1), plans.get(2));

        assertThat(d.blocksMoved()).isZero();
        assertThat(d.servers()).allSatisfy(c -> assertThat(c.oldRange()).isEqualTo(c.newRange()));
    }

    @Test
    void shouldDiffToAnInfeasiblePlanAsEveryChainRemoved() {
        PlanAudit.Diff d = PlanAudit.diff(plans.get(2), plans.get(3));

        assertThat(d.chainsAdded()).isEmpty();
        assertThat(d.chainsRemoved()).hasSize(plans.get(2).getChains().size());
        assertThat(d.servers()).allSatisfy(c -> assertThat(c.newRange()).isEmpty());
    }

    @Test
    void shouldWriteAChainAsHopsAndCapacity() {
        PlanChain c = new PlanChain(List.of(new PlanHop("s1", 0, 10), new PlanHop("s2", 10, 32)), 5, 1.0);
        assertThat(PlanAudit.chain(c)).isEqualTo("s1[0,10) s2[10,32) x5");
    }

    @Test
    void shouldReplayEveryPlanIdenticallyIncludingTheKeptPlacementAndTheInfeasibleOne() {
        for (ChainPlan p : plans) {
            PlanAudit.Replay r = PlanAudit.replay(p, SOLVER);
            assertThat(r.differences()).as("epoch " + p.getEpoch()).isEmpty();
            assertThat(r.identical()).isTrue();
            assertThat(r.epoch()).isEqualTo(p.getEpoch());
        }
    }

    @Test
    void shouldReportEachFieldThatDiffersOnReplay() {
        ChainPlan tampered = ChainPlan.newBuilder(plans.get(1)).build();
        tampered.setC(tampered.getC() + 1);
        PlanChain first = tampered.getChains().get(0);
        List<PlanChain> chains = new ArrayList<>(tampered.getChains());
        chains.set(0, new PlanChain(first.getHops(), first.getCapacity() + 1, first.getServiceSeconds()));
        tampered.setChains(chains);

        PlanAudit.Replay r = PlanAudit.replay(tampered, SOLVER);

        assertThat(r.identical()).isFalse();
        assertThat(r.differences()).anySatisfy(d -> assertThat(d).startsWith("c: recorded " + tampered.getC()))
                .anySatisfy(d -> assertThat(d).startsWith("chains[0]: recorded"));
    }

    @Test
    void shouldReplayAKeptPlanOnItsRecordedPlacementNotAFullSearch() {
        ChainPlan kept = plans.get(2);
        ChainPlan asIfFull = ChainPlan.newBuilder(kept).build();
        asIfFull.getInputs().setFixedPlacement(List.of());

        assertThat(PlanAudit.replay(kept, SOLVER).identical()).isTrue();
        assertThat(PlanAudit.replay(asIfFull, SOLVER).differences()).anySatisfy(d -> assertThat(d).startsWith("c:"));
    }

    /**
     * A plan solved for a measured mix (issue 17) as the optimizer records it: servers a and b evaluated from
     * their coefficients at 1155 in / 211 out tokens, c and d from their per-request estimates.
     */
    private static ChainPlan atMix() {
        Map<String, TokenTimings> coefficients = Map.of(
                "a", new TokenTimings(0.001, 7.3e-6, 4.4e-4, 0.02, 0.002),
                "b", new TokenTimings(0.001, 1.1e-5, 8.8e-4, 0.02, 0.002));
        DemandView demand = new DemandView(0.3, 0.25, 0.35, new io.chainplan.optimizer.arrival.ArrivalModel.Poisson(0.3),
                "", new TokenMix(1155, 211));
        InputView view = InputView.atDemandMix(MODEL, SERVERS, coefficients, demand);
        ModelInput model = new ModelInput(MODEL, 2048, 2000, 20, T0.toEpochMilli());
        PlanInputs in = AvroMappers.inputs(model, view, 0.7, "lower-bound", Placement.empty());
        Plan solved = SOLVER.solveFull(AvroMappers.fleet(in), Objective.LOWER_BOUND);
        return AvroMappers.chainPlan(5, T0, new Trigger(TriggerKind.MIX_SHIFT, "mix"), in, ReplanResult.alone(solved),
                OptionalLong.empty());
    }

    @Test
    void shouldReplayAPlanWithTokenMeansAndCoefficientsExactly() {
        ChainPlan p = atMix();
        assertThat(p.getInputs().getTokens().getMeanOutputTokens()).isEqualTo(211);
        assertThat(p.getInputs().getServers()).extracting(s -> s.getTokenTimings() != null)
                .containsExactly(true, true, false, false);
        assertThat(p.getInputs().getServers().get(0).getCommSeconds()).isEqualTo(0.02 + 0.002 * 210);

        PlanAudit.Replay r = PlanAudit.replay(p, SOLVER);

        assertThat(r.differences()).isEmpty();
        assertThat(r.identical()).isTrue();
    }

    @Test
    void shouldReportRecordedTimingsThatTheRecordedCoefficientsDoNotGive() {
        ChainPlan p = atMix();
        p.getInputs().getTokens().setMeanOutputTokens(200.0);

        PlanAudit.Replay r = PlanAudit.replay(p, SOLVER);

        assertThat(r.identical()).isFalse();
        assertThat(r.differences()).anySatisfy(d -> assertThat(d).startsWith("inputs.servers[a]: recorded tau_c"))
                .anySatisfy(d -> assertThat(d).startsWith("inputs.servers[b]: recorded tau_c"))
                .allSatisfy(d -> assertThat(d).startsWith("inputs.servers["));
    }

    @Test
    void shouldReplayAPlanWrittenBeforeTokenMeansFromItsRecordedTimings() {
        ChainPlan old = plans.get(1);
        assertThat(old.getInputs().getTokens()).isNull();
        assertThat(old.getInputs().getServers()).allSatisfy(s -> assertThat(s.getTokenTimings()).isNull());
        assertThat(PlanAudit.replay(old, SOLVER).identical()).isTrue();
    }
}
