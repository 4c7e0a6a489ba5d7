package io.chainplan.optimizer.replan;

import static io.chainplan.optimizer.replan.Fixtures.A;
import static io.chainplan.optimizer.replan.Fixtures.B;
import static io.chainplan.optimizer.replan.Fixtures.T0;
import static io.chainplan.optimizer.replan.Fixtures.basis;
import static io.chainplan.optimizer.replan.Fixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.optimizer.model.TokenTimings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TriggerDetectorTest {
    private final TriggerDetector detector = new TriggerDetector(new ReplanSettings(0, 3_600_000, 0.10, 0.20, 0.05));

    private Optional<TriggerKind> kind(Optional<PlanBasis> b, InputView v, long now) {
        return detector.detect(b, v, now).map(Trigger::kind);
    }

    @Test
    void shouldReportInitialWithoutPlan() {
        assertThat(kind(Optional.empty(), view(1, 0.9, 1.1, A), T0)).contains(TriggerKind.INITIAL);
    }

    @Test
    void shouldReplanAPlanOfTheDeclaredRateOnceAtTheFirstEstimate() {
        InputView declared = new InputView(Fixtures.MODEL, List.of(A), DemandView.declared(1.0, DECLARED));
        PlanBasis planOfDeclared = new PlanBasis(1, T0, Fixtures.MODEL, List.of(A), declared.demand().arrivals(), List.of(),
                TokenMix.UNKNOWN, Map.of(), true);
        assertThat(kind(Optional.of(planOfDeclared), declared, T0 + 10)).as("still no estimate").isEmpty();

        // the estimate agrees with the declaration: it is still the first measurement, and the plan rests on it
        assertThat(detector.detect(Optional.of(planOfDeclared), view(1.02, 0.8, 1.3, A), T0 + 10)).hasValueSatisfying(t -> {
            assertThat(t.kind()).isEqualTo(TriggerKind.FIRST_ESTIMATE);
            assertThat(t.detail()).isEqualTo("first demand estimate 1.020 req/s (95% interval [0.8000, 1.300]) replaces"
                    + " the declared 1.000 req/s");
        });
        assertThat(kind(Optional.of(basis(1.0, A)), view(1.02, 0.8, 1.3, A), T0 + 10))
                .as("a plan of an estimate: no first estimate any more").isEmpty();
        assertThat(kind(Optional.of(planOfDeclared), view(1.02, 0.8, 1.3, A, B), T0 + 10))
                .as("a server set change comes first").contains(TriggerKind.SERVERS_CHANGED);
    }

    @Test
    void shouldKeepThePlanOfTheDeclaredRateUntilTheFirstEstimateHasMeasuredTheMix() {
        InputView declared = new InputView(Fixtures.MODEL, List.of(A), DemandView.declared(1.0, DECLARED));
        PlanBasis planOfDeclared = new PlanBasis(1, T0, Fixtures.MODEL, List.of(A), declared.demand().arrivals(), List.of(),
                DECLARED, Map.of(), true);
        ArrivalModel.Mmpp2 bursty = new ArrivalModel.Mmpp2(2.0, 0, 1 / 30.0, 1 / 90.0);
        DemandView burstsBelow = new DemandView(bursty.ratePerSecond(), 0.3, 1.0, bursty, "bursty: ...");
        // a lower rate and bursts, but the first requests' lengths are still to come: no re-plan yet
        InputView pending = new InputView(Fixtures.MODEL, List.of(A), burstsBelow.withMixPending(true));
        assertThat(kind(Optional.of(planOfDeclared), pending, T0 + 60_000)).isEmpty();
        // a change of the servers does not wait
        InputView pendingWithB = new InputView(Fixtures.MODEL, List.of(A, B), burstsBelow.withMixPending(true));
        assertThat(kind(Optional.of(planOfDeclared), pendingWithB, T0 + 60_000)).contains(TriggerKind.SERVERS_CHANGED);
        // nor does a demand above the declared rate
        InputView above = new InputView(Fixtures.MODEL, List.of(A), new DemandView(2.0, 1.5, 2.6).withMixPending(true));
        assertThat(detector.detect(Optional.of(planOfDeclared), above, T0 + 60_000)).hasValueSatisfying(t -> {
            assertThat(t.kind()).isEqualTo(TriggerKind.FIRST_ESTIMATE);
            assertThat(t.detail()).endsWith("; the token mix is still to be measured, but the demand is above the declared rate");
        });
        InputView aboveWithin = new InputView(Fixtures.MODEL, List.of(A), new DemandView(1.1, 0.8, 1.5).withMixPending(true));
        assertThat(kind(Optional.of(planOfDeclared), aboveWithin, T0 + 60_000)).as("within the threshold").isEmpty();
        // once the mix is measured, the first estimate re-plans at it
        TokenMix measured = new TokenMix(2048, 280);
        InputView mixed = new InputView(Fixtures.MODEL, List.of(A), burstsBelow.withTokens(measured));
        assertThat(detector.detect(Optional.of(planOfDeclared), mixed, T0 + 90_000)).hasValueSatisfying(t -> {
            assertThat(t.kind()).isEqualTo(TriggerKind.FIRST_ESTIMATE);
            assertThat(t.detail()).endsWith(", at the measured mix of 2048 prompt and 280.0 generated tokens per request");
        });
        // a plan of an estimate is not held by a pending mix (a mix change later is MIX_SHIFT's)
        assertThat(kind(Optional.of(basis(1.0, A)), pending, T0 + 60_000)).contains(TriggerKind.BURSTINESS_SHIFT);
    }

    @Test
    void shouldHoldWhenNothingMoved() {
        assertThat(kind(Optional.of(basis(1.0, A, B)), view(1.05, 0.9, 1.2, B, A), T0 + 10)).isEmpty();
    }

    @Test
    void shouldReportBurstinessThatMovedAwayFromThePlansButNotNoise() {
        ArrivalModel.Mmpp2 bursty = new ArrivalModel.Mmpp2(4.0, 0, 1 / 30.0, 1 / 90.0);
        PlanBasis poissonPlan = basis(1.0, A);
        InputView burstsNow = new InputView(Fixtures.MODEL, List.of(A), new DemandView(1.0, 0.9, 1.1, bursty, "bursty: ..."));
        assertThat(detector.detect(Optional.of(poissonPlan), burstsNow, T0)).hasValueSatisfying(t -> {
            assertThat(t.kind()).isEqualTo(TriggerKind.BURSTINESS_SHIFT);
            assertThat(t.detail()).contains("poisson -> mmpp2");
        });
        PlanBasis burstyPlan = new PlanBasis(1, T0, Fixtures.MODEL, List.of(A), bursty, List.of());
        // the same burst structure measured again, a little different: no new plan
        ArrivalModel.Mmpp2 similar = new ArrivalModel.Mmpp2(4.2, 0, 1 / 28.0, 1 / 95.0);
        InputView again = new InputView(Fixtures.MODEL, List.of(A), new DemandView(similar.ratePerSecond(),
                similar.ratePerSecond() * 0.9, similar.ratePerSecond() * 1.1, similar, "bursty: ..."));
        assertThat(kind(Optional.of(burstyPlan), again, T0)).isEmpty();
        // bursts three times longer: far more dispersion at 60 s
        ArrivalModel.Mmpp2 longer = new ArrivalModel.Mmpp2(4.0, 0, 1 / 90.0, 1 / 270.0);
        InputView longerNow = new InputView(Fixtures.MODEL, List.of(A), new DemandView(1.0, 0.9, 1.1, longer, "bursty: ..."));
        assertThat(kind(Optional.of(burstyPlan), longerNow, T0)).contains(TriggerKind.BURSTINESS_SHIFT);
    }

    /** a: 1 ms per block, 7.3 us per prompt token, 0.44 ms per generated token; 20 ms per hop per token. */
    private static final TokenTimings A_TOKENS = new TokenTimings(0.001, 7.3e-6, 4.4e-4, 0.02, 0.02);
    /** b: twice as slow at decoding as a. */
    private static final TokenTimings B_TOKENS = new TokenTimings(0.001, 1.1e-5, 8.8e-4, 0.02, 0.02);
    private static final TokenMix DECLARED = new TokenMix(2000, 20);

    private static InputView atMix(TokenMix mix, Map<String, TokenTimings> coefficients) {
        DemandView d = new DemandView(1.0, 0.9, 1.1, new ArrivalModel.Poisson(1.0), "", mix);
        return InputView.atDemandMix(Fixtures.MODEL, List.of(A, B), coefficients, d);
    }

    private static PlanBasis planFor(InputView v) {
        return new PlanBasis(3, T0, Fixtures.MODEL, v.upServers(), v.demand().arrivals(), List.of(),
                v.demand().tokens(), v.evaluatedTimings());
    }

    @Test
    void shouldReportOneMixShiftForTheWholeFleetNotAServerMove() {
        Map<String, TokenTimings> both = Map.of("a", A_TOKENS, "b", B_TOKENS);
        PlanBasis plan = planFor(atMix(DECLARED, both));
        InputView longer = atMix(new TokenMix(2000, 200), both);
        // every server's tau_c and tau_p moved far beyond the 10% server threshold ...
        assertThat(longer.upServers().get(0).commSeconds()).isGreaterThan(plan.servers().get(0).commSeconds() * 5);
        // ... and the one trigger is the mix, reported with the means
        assertThat(detector.detect(Optional.of(plan), longer, T0)).hasValueSatisfying(t -> {
            assertThat(t.kind()).isEqualTo(TriggerKind.MIX_SHIFT);
            assertThat(t.detail()).isEqualTo("tokens per request in 2000 -> 2000, out 20.00 -> 200.0");
        });
        // prompts a third shorter: beyond the default 25% as well
        assertThat(kind(Optional.of(plan), atMix(new TokenMix(1300, 20), both), T0)).contains(TriggerKind.MIX_SHIFT);
    }

    @Test
    void shouldTakeAMixMoveWithinTheMeasuredMeansIntervalForNoise() {
        Map<String, TokenTimings> both = Map.of("a", A_TOKENS, "b", B_TOKENS);
        PlanBasis plan = planFor(atMix(new TokenMix(2000, 28), both));
        // a few minutes of a code trace: 37 generated tokens on average, +32% (beyond the 25% threshold), but
        // with a standard error of 6 (cv 2 over some 100 completions): the plan's 28 is inside 37 +- 11.8
        DemandView noisy = new DemandView(1.0, 0.9, 1.1, new ArrivalModel.Poisson(1.0), "", new TokenMix(2000, 37),
                new DemandView.TokenErrors(40, 6));
        assertThat(kind(Optional.of(plan), InputView.atDemandMix(Fixtures.MODEL, List.of(A, B), both, noisy), T0))
                .isEmpty();
        // ten times the outputs, measured as precisely: a change of the mix
        DemandView longer = new DemandView(1.0, 0.9, 1.1, new ArrivalModel.Poisson(1.0), "", new TokenMix(2000, 280),
                new DemandView.TokenErrors(40, 40));
        assertThat(kind(Optional.of(plan), InputView.atDemandMix(Fixtures.MODEL, List.of(A, B), both, longer), T0))
                .contains(TriggerKind.MIX_SHIFT);
        // an old writer's estimate has no standard error: the threshold alone decides, as before
        DemandView unknown = new DemandView(1.0, 0.9, 1.1, new ArrivalModel.Poisson(1.0), "", new TokenMix(2000, 37));
        assertThat(kind(Optional.of(plan), InputView.atDemandMix(Fixtures.MODEL, List.of(A, B), both, unknown), T0))
                .contains(TriggerKind.MIX_SHIFT);
    }

    @Test
    void shouldCompareServersAtThePlansMixSoASmallMixDriftMovesNoServer() {
        Map<String, TokenTimings> both = Map.of("a", A_TOKENS, "b", B_TOKENS);
        PlanBasis plan = planFor(atMix(DECLARED, both));
        // 20% more output tokens: under the mix threshold; each server's tau_c moved by ~20% at the new mix,
        // but at the plan's mix nothing moved
        InputView drift = atMix(new TokenMix(2000, 24), both);
        assertThat(drift.upServers().get(0).commSeconds() / plan.servers().get(0).commSeconds()).isGreaterThan(1.15);
        assertThat(kind(Optional.of(plan), drift, T0)).isEmpty();
        // a coefficient that moved is still one server's estimate moving, at the plan's mix
        TokenTimings slowerDecode = new TokenTimings(0.001, 1.1e-5, 8.8e-4 * 1.5, 0.02, 0.02);
        assertThat(detector.detect(Optional.of(plan), atMix(new TokenMix(2000, 24),
                Map.of("a", A_TOKENS, "b", slowerDecode)), T0)).hasValueSatisfying(t -> {
                    assertThat(t.kind()).isEqualTo(TriggerKind.SERVER_ESTIMATE_MOVED);
                    assertThat(t.detail()).startsWith("b perBlockComputeSeconds");
                });
    }

    @Test
    void shouldPassOverAServerWhoseCoefficientsFollowAMixThePlanWasNotMadeFor() {
        Map<String, TokenTimings> both = Map.of("a", A_TOKENS, "b", B_TOKENS);
        PlanBasis plan = planFor(atMix(DECLARED, both));
        // b's first hops of ten times longer outputs moved its fit before the demand's mix shows the change
        TokenTimings refitted = new TokenTimings(0.001, 1.1e-5, 8.8e-4 * 1.5, 0.02, 0.02);
        DemandView stillDeclared = new DemandView(1.0, 0.9, 1.1, new ArrivalModel.Poisson(1.0), "", DECLARED);
        InputView early = InputView.atDemandMix(Fixtures.MODEL, List.of(A, B), Map.of("a", A_TOKENS, "b", refitted),
                Map.of("a", DECLARED, "b", new TokenMix(2000, 60)), stillDeclared);
        assertThat(kind(Optional.of(plan), early, T0)).isEmpty();
        // fitted to the plan's mix, the same move is b's own
        InputView settled = InputView.atDemandMix(Fixtures.MODEL, List.of(A, B), Map.of("a", A_TOKENS, "b", refitted),
                Map.of("a", DECLARED, "b", new TokenMix(2000, 22)), stillDeclared);
        assertThat(kind(Optional.of(plan), settled, T0)).contains(TriggerKind.SERVER_ESTIMATE_MOVED);
    }

    @Test
    void shouldCompareAServerThePlanTookPerRequestWithItsPerRequestValueOnceItHasCoefficients() {
        // the plan was made before b's estimate carried coefficients: b entered it with its per-request timings
        Server bPerRequest = B_TOKENS.server("b", B.memoryBytes(), 2000, 20);
        Map<String, TokenTimings> onlyA = Map.of("a", A_TOKENS);
        DemandView planned = new DemandView(1.0, 0.9, 1.1, new ArrivalModel.Poisson(1.0), "", new TokenMix(2000, 23));
        PlanBasis plan = planFor(InputView.atDemandMix(Fixtures.MODEL, List.of(A, bPerRequest), onlyA, planned));
        assertThat(plan.tokenTimings()).containsOnlyKeys("a");
        // now b's coefficients are known (fitted at 2000 / 20): at the plan's 23 tokens its tau_c is 14% higher,
        // but like for like, at the mix its per-request value stood for, nothing moved
        InputView now = InputView.atDemandMix(Fixtures.MODEL, List.of(A, bPerRequest), Map.of("a", A_TOKENS,
                "b", B_TOKENS), Map.of("a", new TokenMix(2000, 23), "b", DECLARED), planned);
        assertThat(now.upServers().get(1).commSeconds() / bPerRequest.commSeconds()).isGreaterThan(1.1);
        assertThat(kind(Optional.of(plan), now, T0)).isEmpty();
    }

    @Test
    void shouldNotReportAMixShiftWhenEitherMixIsUnknown() {
        Map<String, TokenTimings> both = Map.of("a", A_TOKENS, "b", B_TOKENS);
        PlanBasis oldPlan = basis(1.0, A, B);
        InputView unknown = atMix(TokenMix.UNKNOWN, both);
        assertThat(unknown.evaluatedTimings()).isEmpty();
        assertThat(unknown.upServers()).containsExactly(A, B);
        assertThat(kind(Optional.of(oldPlan), unknown, T0)).isEmpty();
        // a plan for a mix, then a window that measured none: the servers compare at the plan's mix
        PlanBasis plan = planFor(atMix(DECLARED, both));
        assertThat(kind(Optional.of(plan), atMix(new TokenMix(0, 0), both), T0)).isEmpty();
    }

    @Test
    void shouldCheckTheMixBeforeTheServersAndAfterTheServerSet() {
        Map<String, TokenTimings> both = Map.of("a", A_TOKENS, "b", B_TOKENS);
        PlanBasis plan = planFor(atMix(DECLARED, both));
        TokenTimings slower = new TokenTimings(0.002, 1.1e-5, 8.8e-4 * 2, 0.02, 0.02);
        assertThat(kind(Optional.of(plan), atMix(new TokenMix(2000, 200), Map.of("a", A_TOKENS, "b", slower)), T0))
                .contains(TriggerKind.MIX_SHIFT);
        DemandView d = new DemandView(1.0, 0.9, 1.1, new ArrivalModel.Poisson(1.0), "", new TokenMix(2000, 200));
        InputView lostB = InputView.atDemandMix(Fixtures.MODEL, List.of(A), Map.of("a", A_TOKENS), d);
        assertThat(kind(Optional.of(plan), lostB, T0)).contains(TriggerKind.SERVERS_CHANGED);
    }

    @Test
    void shouldReportModelChange() {
        InputView v = new InputView(new ModelSpec("m", 33, 437_500_000L, 33_600_000L), List.of(A), DemandView.exact(1));
        assertThat(kind(Optional.of(basis(1.0, A)), v, T0)).contains(TriggerKind.MODEL_CHANGED);
    }

    @Test
    void shouldReportServerGoingDownAndNameIt() {
        Optional<Trigger> t = detector.detect(Optional.of(basis(1.0, A, B)), view(1, 1, 1, A), T0);
        assertThat(t).map(Trigger::kind).contains(TriggerKind.SERVERS_CHANGED);
        assertThat(t.get().detail()).contains("down b");
    }

    @Test
    void shouldReportServerEstimateBeyondThresholdOnly() {
        Server slower = new Server("b", B.memoryBytes(), B.commSeconds(), B.perBlockComputeSeconds() * 1.11);
        Server slightly = new Server("b", B.memoryBytes(), B.commSeconds() * 1.09, B.perBlockComputeSeconds());
        assertThat(kind(Optional.of(basis(1.0, A, B)), view(1, 1, 1, A, slower), T0))
                .contains(TriggerKind.SERVER_ESTIMATE_MOVED);
        assertThat(kind(Optional.of(basis(1.0, A, B)), view(1, 1, 1, A, slightly), T0)).isEmpty();
    }

    @Test
    void shouldReportDemandShiftOnlyWhenBeyondThresholdAndOutsideInterval() {
        Optional<PlanBasis> b = Optional.of(basis(1.0, A));
        assertThat(kind(b, view(2.0, 1.6, 2.4, A), T0)).contains(TriggerKind.DEMAND_SHIFT);
        assertThat(kind(b, view(2.0, 0.9, 3.0, A), T0)).as("interval still holds the planned rate").isEmpty();
        assertThat(kind(b, view(1.15, 1.1, 1.2, A), T0)).as("within the relative band").isEmpty();
        assertThat(kind(b, view(0.5, 0.4, 0.6, A), T0)).contains(TriggerKind.DEMAND_SHIFT);
    }

    @Test
    void shouldReportMaxAgeAtTheLimit() {
        Optional<PlanBasis> b = Optional.of(basis(1.0, A));
        assertThat(kind(b, view(1, 1, 1, A), T0 + 3_599_999)).isEmpty();
        assertThat(kind(b, view(1, 1, 1, A), T0 + 3_600_000)).contains(TriggerKind.MAX_AGE);
    }

    @Test
    void shouldPreferTheEarlierKindWhenSeveralHold() {
        assertThat(kind(Optional.of(basis(1.0, A, B)), view(5, 5, 5, A), T0 + 99_000_000))
                .contains(TriggerKind.SERVERS_CHANGED);
    }

    @Test
    void shouldMeasureRelativeChangeAgainstTheReference() {
        assertThat(TriggerDetector.relativeChange(2, 3)).isEqualTo(0.5);
        assertThat(TriggerDetector.relativeChange(0, 0)).isZero();
        assertThat(TriggerDetector.relativeChange(0, 1)).isInfinite();
    }
}
