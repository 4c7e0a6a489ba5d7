package io.chainplan.local.loop;

import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.model.Bounds;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.optimizer.queueing.MmppJffcResponseTime;
import io.chainplan.optimizer.service.AvroMappers;
import io.chainplan.schemas.avro.BlockAssignment;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.RequestTokens;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.TokenTimingEstimate;
import java.util.List;
import java.util.Optional;

/**
 * The relative uncertainty of one plan's predicted bounds that comes from the estimates it was solved from
 * (issue 17, goals: "the bounds widened by the estimates' error"), 1.96 standard errors of its chains'
 * service times. A chain's service time is a sum over its servers of {@code tau_c + B tau_p} (DESIGN.md 1.3,
 * {@code B} the blocks the server hosts, {@code tau_p = t_o + t_in l_in + t_out (l_out - 1)},
 * {@code tau_c = c_req + c_tok (l_out - 1)}), so per server:
 * <ul>
 *   <li><b>timings</b>: a fitted part (compute or communication) has the standard errors telemetry-ingest
 *       reports for its coefficients ({@code ServerEstimate.tokenTimings}, the latest seen before the plan
 *       reached the router), {@code se(tau_p)^2 = se(t_o)^2 + (l_in se(t_in))^2 + ((l_out - 1) se(t_out))^2};
 *       a declared part (the server's start-up benchmark, split into coefficients) is off by the benchmark's
 *       noise, {@code declaredCv} of its value; the {@code B} blocks share one {@code tau_p}, so its error
 *       counts {@code B} times;</li>
 *   <li><b>token mix</b>: the plan's mean prompt and generated tokens are the demand estimate's, with its
 *       standard errors ({@code DemandEstimate.inputTokensStandardError}, {@code outputTokensStandardError}:
 *       the estimate the plan's mix came from); a plan on the model's declared mix has no measured error
 *       there.</li>
 * </ul>
 * The two are independent estimates; their relative errors add in quadrature, and the plan's tolerance is the
 * largest over its servers (each chain's relative error is at most its largest server's). Not the spread of
 * the requests' service times: that is the heterogeneity of the requests' tokens, which the per-token
 * coefficients model and the bounds' mean already averages over.
 * <p>The third estimate a plan rests on, its arrival rate, enters the bounds through queueing, not in
 * proportion: {@link #widenedBand} recomputes them at the ends of the rate estimate's 95% interval. (The
 * burst shape fitted to the arrivals has no reported error and is taken as it is.)
 * <p>Pure and deterministic.
 */
final class PlanTolerance {
    /** Standard errors in a 95% interval. */
    static final double Z95 = 1.96;

    private PlanTolerance() {
    }

    /**
     * @param plan          the plan
     * @param servers       the server estimates seen before the plan reached the router, in order
     * @param mixEstimate   the demand estimate the plan's token mix came from, empty if it is the declared mix
     * @param declaredMix   the model's declared token means (the mix of a plan that records none)
     * @param declaredCv    relative error of a declared timing, {@code >= 0}
     * @return the relative tolerance of the plan's bounds, {@code >= 0}; {@code Z95 * declaredCv} for a plan without
     *         placements
     */
    static double of(ChainPlan plan, List<RunRecorder.ObservedServer> servers,
            Optional<RunRecorder.ObservedDemand> mixEstimate, TokenMix declaredMix, double declaredCv) {
        RequestTokens t = plan.getInputs() == null ? null : plan.getInputs().getTokens();
        double lin = t == null ? declaredMix.inputTokens() : t.getMeanInputTokens();
        double lout = t == null ? declaredMix.outputTokens() : t.getMeanOutputTokens();
        double seIn = mixEstimate.map(RunRecorder.ObservedDemand::inputTokensStandardError).orElse(0.0);
        double seOut = mixEstimate.map(RunRecorder.ObservedDemand::outputTokensStandardError).orElse(0.0);
        double worst = plan.getPlacements().isEmpty() ? declaredCv : 0;
        for (BlockAssignment a : plan.getPlacements()) {
            int blocks = a.getEndBlock() - a.getStartBlock();
            if (blocks <= 0) {
                continue;
            }
            Optional<TokenTimingEstimate> e = latest(servers, a.getServerId().toString());
            worst = Math.max(worst, e.map(x -> relative(x, blocks, lin, lout, seIn, seOut, declaredCv)).orElse(declaredCv));
        }
        return Z95 * worst;
    }

    /**
     * The plan's band widened by the estimates' error (issue 17, goals): its Theorem 4 bounds recomputed for its
     * own chains and arrival process ({@link MmppJffcResponseTime}; the process scaled to the rate, its burst
     * shape kept) at the low and the high end of the 95% interval of the rate estimate it was solved from, then
     * times {@code 1 - tol} and {@code 1 + tol}. A plan solved for the model's declared rate has no measured rate
     * error: its own bounds, widened by {@code tol}.
     *
     * @param plan         a plan with bounds
     * @param rateEstimate the demand estimate its rate came from, empty if none
     * @param tol          the timings' and token mix's relative tolerance ({@link #of})
     * @return {lower, upper} in seconds; the upper one is infinite if the plan is unstable at the interval's
     *         high end
     */
    static double[] widenedBand(ChainPlan plan, Optional<RunRecorder.ObservedDemand> rateEstimate, double tol) {
        double lower = plan.getBounds().getLowerSeconds();
        double upper = plan.getBounds().getUpperSeconds();
        if (rateEstimate.isPresent()) {
            Plan solved = AvroMappers.published(plan).plan();
            ArrivalModel arrivals = solved.arrivals();
            Bounds low = MmppJffcResponseTime.bounds(solved.chains(),
                    arrivals.withRate(Math.max(0, rateEstimate.get().lower())));
            Bounds high = MmppJffcResponseTime.bounds(solved.chains(),
                    arrivals.withRate(Math.max(arrivals.ratePerSecond(), rateEstimate.get().upper())));
            lower = Math.min(lower, low.lowerSeconds());
            upper = Math.max(upper, high.upperSeconds());
        }
        return new double[] {lower * (1 - tol), upper * (1 + tol)};
    }

    /** Relative standard error of {@code tau_c + blocks tau_p} of one server at the mix. */
    static double relative(TokenTimingEstimate e, int blocks, double lin, double lout, double seIn, double seOut,
            double declaredCv) {
        double decoded = Math.max(0, lout - 1);
        double tauP = e.getBlockOverheadSeconds() + e.getPrefillSecondsPerToken() * lin
                + e.getDecodeSecondsPerToken() * decoded;
        double tauC = e.getCommSecondsPerRequest() + e.getCommSecondsPerToken() * decoded;
        double total = tauC + blocks * tauP;
        if (!(total > 0)) {
            return declaredCv;
        }
        double seP = e.getComputeSamples() > 0
                ? Math.sqrt(sq(e.getBlockOverheadStdErr()) + sq(lin * e.getPrefillPerTokenStdErr())
                        + sq(decoded * e.getDecodePerTokenStdErr()))
                : declaredCv * tauP;
        double seC = e.getCommSamples() > 0
                ? Math.sqrt(sq(e.getCommPerRequestStdErr()) + sq(decoded * e.getCommPerTokenStdErr()))
                : declaredCv * tauC;
        double timings = sq(seC) + sq(blocks * seP);
        double tokens = sq(blocks * e.getPrefillSecondsPerToken() * seIn)
                + sq((e.getCommSecondsPerToken() + blocks * e.getDecodeSecondsPerToken()) * seOut);
        return Math.sqrt(timings + tokens) / total;
    }

    private static Optional<TokenTimingEstimate> latest(List<RunRecorder.ObservedServer> servers, String id) {
        TokenTimingEstimate out = null;
        for (RunRecorder.ObservedServer o : servers) {
            ServerEstimate e = o.estimate();
            if (e.getServerId().toString().equals(id) && e.getTokenTimings() != null) {
                out = e.getTokenTimings();
            }
        }
        return Optional.ofNullable(out);
    }

    private static double sq(double x) {
        return x * x;
    }
}
