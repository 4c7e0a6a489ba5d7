package io.chainplan.optimizer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.model.BlockRange;
import io.chainplan.optimizer.model.Bounds;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import io.chainplan.optimizer.model.SolverStats;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.optimizer.model.TokenTimings;
import io.chainplan.optimizer.replan.DemandView;
import io.chainplan.optimizer.replan.InputView;
import io.chainplan.optimizer.replan.PlacementDiff;
import io.chainplan.optimizer.replan.PlanBasis;
import io.chainplan.optimizer.replan.ReplanResult;
import io.chainplan.optimizer.replan.Trigger;
import io.chainplan.optimizer.replan.TriggerKind;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.PlanInputs;
import io.chainplan.schemas.registry.InMemorySchemaRegistry;
import io.chainplan.schemas.serde.AvroDeserializer;
import io.chainplan.schemas.serde.AvroSerializer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Domain plan -> Avro ChainPlan -> bytes (schema-registry wire format) -> ChainPlan -> domain plan,
 * for OK, INFEASIBLE and UNSTABLE plans, with and without a replaced plan and a kept placement.
 */
class AvroMappersTest {
    private static final ModelSpec MODEL = new ModelSpec("m", 8, 1_000_000_000L, 50_000_000L);
    private static final Server S1 = new Server("s1", 40_000_000_000L, 0.05, 0.1);
    private static final Server S2 = new Server("s2", 20_000_000_000L, 0.06, 0.17);
    private static final Placement PLACEMENT = new Placement(List.of(
            new ServerPlacement("s2", new BlockRange(4, 8), 2), new ServerPlacement("s1", new BlockRange(0, 4), 3)));
    private static final Chain CHAIN = new Chain(List.of(new Hop("s1", 0, 4), new Hop("s2", 4, 8)), 2, 1.5);
    private static final SolverStats STATS = new SolverStats(12.5, Objective.LOWER_BOUND, 7, 4);
    private static final Instant AT = Instant.parse("2026-02-03T04:05:06.789Z");

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    private static Plan ok() {
        return new Plan("m", PlanStatus.OK, "", 2, 0.5, PLACEMENT, List.of(CHAIN), 2 / 1.5, new Bounds(2.0, 3.0),
                STATS);
    }

    private static PlanInputs inputs(Placement fixed, double rate) {
        return PlanInputs.newBuilder()
                .setModel(io.chainplan.schemas.avro.ModelSpec.newBuilder().setId("m").setBlocks(8)
                        .setBlockBytes(1_000_000_000L).setCacheBytesPerBlockPerJob(50_000_000L).build())
                .setServers(List.of(AvroMappers.parameters(S1), AvroMappers.parameters(S2)))
                .setArrivalRatePerSecond(rate).setTargetLoad(0.7).setObjective("lower-bound")
                .setFixedPlacement(AvroMappers.assignments(fixed)).build();
    }

    private ChainPlan throughTheWire(ChainPlan p) {
        byte[] bytes = new AvroSerializer<ChainPlan>(registry, false).serialize("plans", p);
        return new AvroDeserializer<>(ChainPlan.class, registry).deserialize("plans", bytes);
    }

    private ChainPlan publish(long epoch, Plan plan, ReplanResult result, Placement fixed, Optional<ChainPlan> prev) {
        ChainPlan p = AvroMappers.chainPlan(epoch, AT, new Trigger(TriggerKind.DEMAND_SHIFT, "rate 0.25 -> 0.5"),
                inputs(fixed, plan.arrivalRatePerSecond()), result,
                prev.map(c -> OptionalLong.of(c.getEpoch())).orElse(OptionalLong.empty()));
        return throughTheWire(p);
    }

    @Test
    void shouldRoundTripAnOkPlanThroughAvroAndTheWire() {
        Plan plan = ok();
        ChainPlan p = publish(1, plan, ReplanResult.alone(plan), Placement.empty(), Optional.empty());

        assertThat(p.getEpoch()).isEqualTo(1);
        assertThat(p.getModelId()).isEqualTo("m");
        assertThat(p.getCreatedAtMillis()).isEqualTo(AT);
        assertThat(p.getTrigger().getKind()).isEqualTo(io.chainplan.schemas.avro.TriggerKind.DEMAND_SHIFT);
        assertThat(p.getTrigger().getDetail()).isEqualTo("rate 0.25 -> 0.5");
        assertThat(p.getStatus()).isEqualTo(io.chainplan.schemas.avro.PlanStatus.OK);
        assertThat(p.getReason()).isNull();
        assertThat(p.getBounds().getLowerSeconds()).isEqualTo(2.0);
        assertThat(p.getPlacements()).extracting(a -> a.getServerId()).containsExactly("s1", "s2");
        assertThat(p.getSolver().getObjective()).isEqualTo("lower-bound");
        assertThat(p.getReplaces()).isNull();
        assertThat(AvroMappers.plan(p)).isEqualTo(plan);
    }

    @Test
    void shouldRoundTripAnInfeasiblePlanWithItsReasonAndNoBounds() {
        Plan plan = Plan.infeasible("m", "servers hold 12 GB, the model needs 16 GB", 0.5, STATS);
        ChainPlan p = publish(3, plan, ReplanResult.alone(plan), Placement.empty(), Optional.empty());

        assertThat(p.getStatus()).isEqualTo(io.chainplan.schemas.avro.PlanStatus.INFEASIBLE);
        assertThat(p.getReason()).isEqualTo("servers hold 12 GB, the model needs 16 GB");
        assertThat(p.getBounds()).isNull();
        assertThat(p.getChains()).isEmpty();
        assertThat(p.getPlacements()).isEmpty();
        assertThat(AvroMappers.plan(p)).isEqualTo(plan);
    }

    @Test
    void shouldRoundTripAnUnstablePlanKeepingItsChainsButNoBounds() {
        Plan plan = new Plan("m", PlanStatus.UNSTABLE, "nu 1.33 < lambda 5.0", 2, 5.0, PLACEMENT, List.of(CHAIN),
                2 / 1.5, Bounds.UNBOUNDED, STATS);
        ChainPlan p = publish(2, plan, ReplanResult.alone(plan), Placement.empty(), Optional.empty());

        assertThat(p.getStatus()).isEqualTo(io.chainplan.schemas.avro.PlanStatus.UNSTABLE);
        assertThat(p.getReason()).isEqualTo("nu 1.33 < lambda 5.0");
        assertThat(p.getBounds()).isNull();
        assertThat(p.getChains()).hasSize(1);
        assertThat(AvroMappers.plan(p)).isEqualTo(plan);
    }

    @Test
    void shouldRecordWhatAPlanReplacesWithBothPredictions() {
        ChainPlan previous = publish(4, ok(), ReplanResult.alone(ok()), Placement.empty(), Optional.empty());
        Placement moved = new Placement(List.of(new ServerPlacement("s1", new BlockRange(0, 6), 2),
                new ServerPlacement("s2", new BlockRange(6, 8), 1)));
        Plan plan = new Plan("m", PlanStatus.OK, "", 1, 0.5, moved, List.of(new Chain(List.of(new Hop("s1", 0, 6),
                new Hop("s2", 6, 8)), 1, 1.4)), 1 / 1.4, new Bounds(1.9, 2.5), STATS);
        PlacementDiff diff = PlacementDiff.between(PLACEMENT.servers(), moved.servers(), 1_000_000_000L);
        ReplanResult r = new ReplanResult(plan, Placement.empty(), diff, 2.4, 1.9, "moved: gain 21% > 5%");

        ChainPlan p = publish(5, plan, r, Placement.empty(), Optional.of(previous));

        assertThat(p.getReplaces().getPreviousEpoch()).isEqualTo(4);
        assertThat(p.getReplaces().getBlocksMoved()).isEqualTo(diff.blocksMoved()).isEqualTo(2);
        assertThat(p.getReplaces().getBytesMoved()).isEqualTo(2_000_000_000L);
        assertThat(p.getReplaces().getServersMoved()).isEqualTo(diff.serversMoved());
        assertThat(p.getReplaces().getKeepPlacementLowerSeconds()).isEqualTo(2.4);
        assertThat(p.getReplaces().getReplaceLowerSeconds()).isEqualTo(1.9);
        assertThat(p.getReplaces().getDecision()).isEqualTo("moved: gain 21% > 5%");
        assertThat(AvroMappers.plan(p)).isEqualTo(plan);
    }

    @Test
    void shouldRecordMissingPredictionsAsNull() {
        ChainPlan previous = publish(1, ok(), ReplanResult.alone(ok()), Placement.empty(), Optional.empty());
        ReplanResult r = new ReplanResult(ok(), PLACEMENT, PlacementDiff.between(PLACEMENT.servers(),
                PLACEMENT.servers(), 1), Double.NaN, 2.0, "kept: the kept placement is unstable");

        ChainPlan p = publish(2, ok(), r, PLACEMENT, Optional.of(previous));

        assertThat(p.getReplaces().getKeepPlacementLowerSeconds()).isNull();
        assertThat(p.getReplaces().getBlocksMoved()).isZero();
    }

    @Test
    void shouldRoundTripAKeptPlacementThroughTheRecordedInputs() {
        ChainPlan p = publish(2, ok(), ReplanResult.alone(ok()), PLACEMENT, Optional.empty());

        assertThat(p.getInputs().getFixedPlacement()).extracting(a -> a.getServerId()).containsExactly("s1", "s2");
        assertThat(AvroMappers.placement(p.getInputs().getFixedPlacement())).isEqualTo(PLACEMENT);
        assertThat(AvroMappers.placement(p.getPlacements())).isEqualTo(PLACEMENT);
    }

    @Test
    void shouldRebuildTheFleetAndBasisFromTheRecordedInputs() {
        ChainPlan p = publish(6, ok(), ReplanResult.alone(ok()), Placement.empty(), Optional.empty());

        Fleet fleet = AvroMappers.fleet(p.getInputs());
        assertThat(fleet).isEqualTo(new Fleet(MODEL, List.of(S1, S2), 0.5, 0.7));
        assertThat(AvroMappers.objective(p.getInputs())).isEqualTo(Objective.LOWER_BOUND);
        PlanBasis b = AvroMappers.basis(p);
        assertThat(b).isEqualTo(new PlanBasis(6, AT.toEpochMilli(), MODEL, List.of(S1, S2), 0.5,
                PLACEMENT.servers()));
    }

    @Test
    void shouldRecordTheArrivalProcessSoThatReplayRebuildsTheSameFleet() {
        ArrivalModel.Mmpp2 bursty = new ArrivalModel.Mmpp2(2.0, 0, 1 / 30.0, 1 / 90.0);
        PlanInputs in = inputs(Placement.empty(), bursty.ratePerSecond());
        in.setArrivals(AvroMappers.process(bursty, "bursty: index of dispersion 40 at 60 s"));
        ChainPlan p = throughTheWire(AvroMappers.chainPlan(1, AT, new Trigger(TriggerKind.BURSTINESS_SHIFT, "x"), in,
                ReplanResult.alone(ok()), OptionalLong.empty()));
        assertThat(p.getTrigger().getKind()).isEqualTo(io.chainplan.schemas.avro.TriggerKind.BURSTINESS_SHIFT);
        assertThat(AvroMappers.fleet(p.getInputs()).arrivals()).isEqualTo(bursty);
        assertThat(AvroMappers.basis(p).arrivals()).isEqualTo(bursty);
        assertThat(p.getInputs().getArrivals().getFitReason()).startsWith("bursty");
        // plans written before the field: Poisson at the recorded rate
        assertThat(AvroMappers.arrivals(inputs(Placement.empty(), 0.5))).isEqualTo(new ArrivalModel.Poisson(0.5));
        PlanInputs unknown = inputs(Placement.empty(), 0.5);
        unknown.setArrivals(io.chainplan.schemas.avro.ArrivalProcess.newBuilder().setKind("pareto").build());
        assertThatThrownBy(() -> AvroMappers.arrivals(unknown)).hasMessageContaining("inputs.arrivals.kind");
    }

    @Test
    void shouldMapModelSpecsAndServerParametersBothWays() {
        assertThat(AvroMappers.model(inputs(Placement.empty(), 0.5).getModel())).isEqualTo(MODEL);
        assertThat(AvroMappers.server(AvroMappers.parameters(S2))).isEqualTo(S2);
    }

    @Test
    void shouldKeepTheSameBasisWhenPublishingAsWhenRecoveringFromTheLog() {
        ModelInput model = AvroMappers.modelInput(io.chainplan.schemas.avro.ModelSpec.newBuilder().setId("m")
                .setBlocks(8).setBlockBytes(1_000_000_000L).setCacheBytesPerBlockPerJob(50_000_000L)
                .setContextTokens(4096).setMeanInputTokens(1500).setMeanOutputTokens(30)
                .setUpdatedAtMillis(AT).build());
        InputView view = new InputView(model.spec(), List.of(S2, S1), new DemandView(0.5, 0.4, 0.6));
        PlanInputs in = AvroMappers.inputs(model, view, 0.7, "lower-bound", Placement.empty());
        ChainPlan p = throughTheWire(AvroMappers.chainPlan(6, AT, new Trigger(TriggerKind.INITIAL, "first"), in,
                ReplanResult.alone(ok()), OptionalLong.empty()));

        PublishedPlan recovered = AvroMappers.published(p);
        PlanBasis published = new PlanBasis(6, AT.toEpochMilli(), view.model(), view.upServers(),
                view.demand().ratePerSecond(), ok().placement().servers());
        assertThat(recovered.basis()).isEqualTo(published);
        assertThat(recovered.plan()).isEqualTo(ok());
        assertThat(recovered.epoch()).isEqualTo(6);
        assertThat(recovered.isOk()).isTrue();
        assertThat(p.getInputs().getModel().getContextTokens()).as("recorded as read").isEqualTo(4096);
        assertThat(AvroMappers.modelInput(p.getInputs().getModel())).isEqualTo(model);
    }

    @Test
    void shouldRecordADeclaredRateAndAPlanOfItSoThatRecoveryKnowsTheFirstEstimateIsDue() {
        ModelInput model = AvroMappers.modelInput(io.chainplan.schemas.avro.ModelSpec.newBuilder().setId("m")
                .setBlocks(8).setBlockBytes(1_000_000_000L).setCacheBytesPerBlockPerJob(50_000_000L)
                .setDeclaredRatePerSecond(2.5).setUpdatedAtMillis(AT).build());
        assertThat(model.declaredRatePerSecond()).hasValue(2.5);
        InputView view = new InputView(model.spec(), List.of(S1), DemandView.declared(2.5, TokenMix.UNKNOWN));
        PlanInputs in = AvroMappers.inputs(model, view, 0.7, "lower-bound", Placement.empty());
        ChainPlan p = throughTheWire(AvroMappers.chainPlan(1, AT, new Trigger(TriggerKind.INITIAL, "first"), in,
                ReplanResult.alone(ok()), OptionalLong.empty()));

        assertThat(p.getInputs().getDeclaredDemand()).isTrue();
        assertThat(p.getInputs().getModel().getDeclaredRatePerSecond()).isEqualTo(2.5);
        assertThat(AvroMappers.basis(p).declaredDemand()).isTrue();
        assertThat(AvroMappers.basis(p).arrivalRatePerSecond()).isEqualTo(2.5);
        assertThat(AvroMappers.modelInput(p.getInputs().getModel())).isEqualTo(model);
        PlanInputs estimated = AvroMappers.inputs(model, new InputView(model.spec(), List.of(S1),
                new DemandView(2, 1.5, 2.5)), 0.7, "lower-bound", Placement.empty());
        assertThat(estimated.getDeclaredDemand()).isFalse();
    }

    @Test
    void shouldMapAServerEstimateWithItsStatusAndModel() {
        io.chainplan.schemas.avro.ServerEstimate e = io.chainplan.schemas.avro.ServerEstimate.newBuilder()
                .setServerId("s2").setModelId(null).setTimestampMillis(AT).setMemoryBytes(S2.memoryBytes())
                .setCommSeconds(S2.commSeconds()).setPerBlockComputeSeconds(S2.perBlockComputeSeconds())
                .setStatus(io.chainplan.schemas.avro.ServerStatus.DRAINING).setLastSeenMillis(AT).build();

        assertThat(AvroMappers.serverInput(e)).isEqualTo(new ServerInput(S2, false, ""));
        e.setModelId("m");
        e.setStatus(io.chainplan.schemas.avro.ServerStatus.UP);
        assertThat(AvroMappers.serverInput(e).model()).contains("m");
        assertThat(AvroMappers.serverInput(e).up()).isTrue();
    }

    @Test
    void shouldRecordTheTokenMixAndCoefficientsAndRecoverTheBasisThePlanWasSolvedFor() {
        ModelInput model = new ModelInput(MODEL, 2048, 2000, 20, AT.toEpochMilli());
        TokenTimings s1 = new TokenTimings(0.001, 2e-5, 1e-3, 0.02, 0.01);
        DemandView demand = new DemandView(0.5, 0.4, 0.6, new ArrivalModel.Poisson(0.5), "", new TokenMix(1000, 101));
        InputView view = InputView.atDemandMix(MODEL, List.of(S1, S2), Map.of("s1", s1), demand);
        PlanInputs in = AvroMappers.inputs(model, view, 0.7, "lower-bound", Placement.empty());
        ChainPlan p = throughTheWire(AvroMappers.chainPlan(7, AT, new Trigger(TriggerKind.MIX_SHIFT, "mix"), in,
                ReplanResult.alone(ok()), OptionalLong.empty()));

        assertThat(p.getTrigger().getKind()).isEqualTo(io.chainplan.schemas.avro.TriggerKind.MIX_SHIFT);
        assertThat(p.getInputs().getServers().get(0).getCommSeconds()).isEqualTo(0.02 + 0.01 * 100);
        assertThat(p.getInputs().getServers().get(0).getPerBlockComputeSeconds()).isEqualTo(0.001 + 0.02 + 0.1);
        assertThat(p.getInputs().getServers().get(1).getTokenTimings()).isNull();
        assertThat(AvroMappers.tokens(p.getInputs())).isEqualTo(new TokenMix(1000, 101));
        assertThat(AvroMappers.tokenTimings(p.getInputs())).isEqualTo(Map.of("s1", s1));
        PlanBasis b = AvroMappers.basis(p);
        assertThat(b.tokens()).isEqualTo(new TokenMix(1000, 101));
        assertThat(b.tokenTimings()).isEqualTo(Map.of("s1", s1));
        assertThat(b.servers()).isEqualTo(view.upServers());
        // no usable mix: nothing is evaluated, and nothing but the per-request timings is recorded
        InputView noMix = InputView.atDemandMix(MODEL, List.of(S1, S2), Map.of("s1", s1), new DemandView(0.5, 0.4, 0.6));
        PlanInputs plain = AvroMappers.inputs(model, noMix, 0.7, "lower-bound", Placement.empty());
        assertThat(plain.getTokens()).isNull();
        assertThat(plain.getServers()).allSatisfy(x -> assertThat(x.getTokenTimings()).isNull());
        assertThat(AvroMappers.tokens(plain)).isEqualTo(TokenMix.UNKNOWN);
    }

    @Test
    void shouldMapAServerEstimatesTokenTimings() {
        io.chainplan.schemas.avro.ServerEstimate e = io.chainplan.schemas.avro.ServerEstimate.newBuilder()
                .setServerId("s1").setModelId("m").setTimestampMillis(AT).setMemoryBytes(S1.memoryBytes())
                .setCommSeconds(S1.commSeconds()).setPerBlockComputeSeconds(S1.perBlockComputeSeconds())
                .setLastSeenMillis(AT).setTokenTimings(io.chainplan.schemas.avro.TokenTimingEstimate.newBuilder()
                        .setBlockOverheadSeconds(0.001).setPrefillSecondsPerToken(2e-5).setDecodeSecondsPerToken(1e-3)
                        .setCommSecondsPerRequest(0.02).setCommSecondsPerToken(0.01).setBlockOverheadStdErr(0)
                        .setPrefillPerTokenStdErr(0).setDecodePerTokenStdErr(0).setCommPerRequestStdErr(0)
                        .setCommPerTokenStdErr(0).setComputeSamples(60).setCommSamples(60)
                        .setReferenceInputTokens(2000).setReferenceOutputTokens(20).build())
                .build();

        assertThat(AvroMappers.serverInput(e).tokenTimings()).contains(new TokenTimings(0.001, 2e-5, 1e-3, 0.02, 0.01));
        e.setTokenTimings(null);
        assertThat(AvroMappers.serverInput(e).tokenTimings()).isEmpty();
    }

    @Test
    void shouldMapTheMeasuredBurstinessOfADemandEstimate() {
        io.chainplan.schemas.avro.DemandEstimate e = io.chainplan.schemas.avro.DemandEstimate.newBuilder().setModelId("m")
                .setTimestampMillis(java.time.Instant.EPOCH).setArrivalRatePerSecond(1).setLowerPerSecond(0.9)
                .setUpperPerSecond(1.1).setWindowSeconds(60).setArrivals(60)
                .setDispersions(List.of(new io.chainplan.schemas.avro.IndexOfDispersion(60.0, 40.0, 10L)))
                .setBurstinessArrivals(600L).build();
        assertThat(AvroMappers.burstiness(e).dispersions()).singleElement()
                .satisfies(d -> assertThat(d.index()).isEqualTo(40.0));
    }
}
