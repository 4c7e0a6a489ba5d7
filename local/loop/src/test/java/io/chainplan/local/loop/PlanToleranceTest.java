package io.chainplan.local.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.chainplan.optimizer.model.Bounds;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.optimizer.queueing.JffcResponseTimeBounds;
import io.chainplan.schemas.avro.BlockAssignment;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.RequestTokens;
import io.chainplan.schemas.avro.ResponseTimeBounds;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.TokenTimingEstimate;
import io.chainplan.schemas.testing.SampleRecords;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link PlanTolerance}: 1.96 standard errors of a plan's chain service times from the estimates it used, the
 * ingest's standard errors for fitted coefficients, the benchmark's cv for declared ones, and the measured token
 * mix's standard errors.
 */
class PlanToleranceTest {
    private static final double CV = 0.03;
    private static final int BLOCKS = 32;
    private static final TokenMix DECLARED = new TokenMix(2000, 20);
    // t_o, t_in, t_out (per block), c_req, c_tok (per hop)
    private static final double TO = 0.001;
    private static final double TIN = 2e-5;
    private static final double TOUT = 2e-3;
    private static final double CREQ = 0.05;
    private static final double CTOK = 0.01;

    private static TokenTimingEstimate timings(double decodeStdErr, long computeSamples) {
        return TokenTimingEstimate.newBuilder().setBlockOverheadSeconds(TO).setPrefillSecondsPerToken(TIN)
                .setDecodeSecondsPerToken(TOUT).setCommSecondsPerRequest(CREQ).setCommSecondsPerToken(CTOK)
                .setBlockOverheadStdErr(0).setPrefillPerTokenStdErr(0).setDecodePerTokenStdErr(decodeStdErr)
                .setCommPerRequestStdErr(0).setCommPerTokenStdErr(0).setComputeSamples(computeSamples).setCommSamples(0)
                .setReferenceInputTokens(2000).setReferenceOutputTokens(20).build();
    }

    private static List<RunRecorder.ObservedServer> seen(TokenTimingEstimate t) {
        ServerEstimate e = ServerEstimate.newBuilder(SampleRecords.serverEstimate()).setServerId("s1").setTokenTimings(t)
                .build();
        return List.of(new RunRecorder.ObservedServer(10, e));
    }

    private static ChainPlan plan(double outputTokens) {
        ChainPlan sample = SampleRecords.chainPlan();
        return ChainPlan.newBuilder(sample).setPlacements(List.of(new BlockAssignment("s1", 0, BLOCKS, 100)))
                .setInputs(io.chainplan.schemas.avro.PlanInputs.newBuilder(sample.getInputs())
                        .setTokens(new RequestTokens(2000.0, outputTokens)).build())
                .build();
    }

    private static RunRecorder.ObservedDemand demand(double outputTokens, double outputStdErr) {
        return new RunRecorder.ObservedDemand(5, 3, 2, 4, 3, 1, 60, 2000, outputTokens, 0, outputStdErr);
    }

    private static double sq(double x) {
        return x * x;
    }

    @Test
    void shouldCountTheBenchmarksErrorForDeclaredTimingsAtThePlansMix() {
        double tauP = TO + TIN * 2000 + TOUT * 199;
        double tauC = CREQ + CTOK * 199;
        double expected = 1.96 * Math.sqrt(sq(CV * tauC) + sq(BLOCKS * CV * tauP)) / (tauC + BLOCKS * tauP);

        double tol = PlanTolerance.of(plan(200), seen(timings(0, 0)), Optional.empty(), DECLARED, CV);

        assertThat(tol).isCloseTo(expected, within(1e-12));
        assertThat(tol).isLessThanOrEqualTo(1.96 * CV);
    }

    @Test
    void shouldUseTheFittedCoefficientsStandardErrorsAtThePlansMix() {
        double decodeStdErr = 1e-4;
        double tauP = TO + TIN * 2000 + TOUT * 199;
        double tauC = CREQ + CTOK * 199;
        double expected = 1.96 * Math.sqrt(sq(CV * tauC) + sq(BLOCKS * 199 * decodeStdErr)) / (tauC + BLOCKS * tauP);

        double tol = PlanTolerance.of(plan(200), seen(timings(decodeStdErr, 500)), Optional.empty(), DECLARED, CV);

        assertThat(tol).isCloseTo(expected, within(1e-12));
        // the decode coefficient's error weighs by the generated tokens: less at the declared 20
        assertThat(PlanTolerance.of(plan(20), seen(timings(decodeStdErr, 500)), Optional.empty(), DECLARED, CV))
                .isLessThan(tol);
    }

    @Test
    void shouldAddTheMeasuredMixsStandardError() {
        double tauP = TO + TIN * 2000 + TOUT * 199;
        double tauC = CREQ + CTOK * 199;
        double seOut = 10;
        double expected = 1.96 * Math.sqrt(sq(CV * tauC) + sq(BLOCKS * CV * tauP) + sq((CTOK + BLOCKS * TOUT) * seOut))
                / (tauC + BLOCKS * tauP);

        double tol = PlanTolerance.of(plan(200), seen(timings(0, 0)), Optional.of(demand(200, seOut)), DECLARED, CV);

        assertThat(tol).isCloseTo(expected, within(1e-12));
        assertThat(tol).isGreaterThan(PlanTolerance.of(plan(200), seen(timings(0, 0)), Optional.empty(), DECLARED, CV));
    }

    @Test
    void shouldTakeTheMixEstimateThePlansTokensCameFrom() {
        RunSummary.PlanRow row = new RunSummary.PlanRow(1, 50, plan(200));
        List<RunRecorder.ObservedDemand> demand = List.of(demand(200, 10), demand(200, 8), demand(180, 5),
                new RunRecorder.ObservedDemand(60, 3, 2, 4, 3, 1, 60, 2000, 200, 0, 1));

        Optional<RunRecorder.ObservedDemand> used = RunSummary.mixEstimate(demand, row);

        assertThat(used).map(RunRecorder.ObservedDemand::outputTokensStandardError).contains(8.0);
        assertThat(RunSummary.mixEstimate(List.of(demand(180, 5)), row)).isEmpty();
    }

    @Test
    void shouldCountTheBenchmarksErrorForAServerWithoutCoefficients() {
        assertThat(PlanTolerance.of(plan(200), List.of(), Optional.empty(), DECLARED, CV)).isCloseTo(1.96 * CV,
                within(1e-12));
    }

    /** The sample plan's one chain (capacity 5, 5.05 s), Poisson at 0.5 req/s (nu 0.99), with its true bounds. */
    private static ChainPlan poissonPlan() {
        ChainPlan sample = SampleRecords.chainPlan();
        Bounds b = JffcResponseTimeBounds.bounds(List.of(sampleChain()), 0.5);
        return ChainPlan.newBuilder(sample).setArrivalRate(0.5)
                .setInputs(io.chainplan.schemas.avro.PlanInputs.newBuilder(sample.getInputs()).setArrivalRatePerSecond(0.5)
                        .build())
                .setBounds(new ResponseTimeBounds(b.lowerSeconds(), b.upperSeconds())).build();
    }

    private static Chain sampleChain() {
        return new Chain(List.of(new Hop("s001", 0, 16), new Hop("s002", 16, 32)), 5, 5.05);
    }

    private static RunRecorder.ObservedDemand rate(double lower, double upper) {
        return new RunRecorder.ObservedDemand(5, 0.5, lower, upper, 0.5, 1, 60, 2000, 20, 0, 0);
    }

    @Test
    void shouldWidenAPlanWithoutARateEstimateByTheToleranceOnly() {
        ChainPlan p = poissonPlan();

        double[] band = PlanTolerance.widenedBand(p, Optional.empty(), 0.1);

        assertThat(band[0]).isCloseTo(0.9 * p.getBounds().getLowerSeconds(), within(1e-12));
        assertThat(band[1]).isCloseTo(1.1 * p.getBounds().getUpperSeconds(), within(1e-12));
    }

    @Test
    void shouldRecomputeTheBoundsAtTheEndsOfTheRateInterval() {
        Bounds low = JffcResponseTimeBounds.bounds(List.of(sampleChain()), 0.3);
        Bounds high = JffcResponseTimeBounds.bounds(List.of(sampleChain()), 0.8);

        double[] band = PlanTolerance.widenedBand(poissonPlan(), Optional.of(rate(0.3, 0.8)), 0.1);

        assertThat(band[0]).isCloseTo(0.9 * low.lowerSeconds(), within(1e-12));
        assertThat(band[1]).isCloseTo(1.1 * high.upperSeconds(), within(1e-12));
        assertThat(high.upperSeconds()).isGreaterThan(poissonPlan().getBounds().getUpperSeconds());
    }

    @Test
    void shouldHaveNoUpperBoundWhenThePlanIsUnstableAtTheIntervalsHighEnd() {
        double[] band = PlanTolerance.widenedBand(poissonPlan(), Optional.of(rate(0, 1.2)), 0.1);

        assertThat(band[1]).isInfinite();
        assertThat(band[0]).isCloseTo(0.9 * 5.05, within(1e-9));
    }
}
