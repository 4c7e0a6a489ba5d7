package io.chainplan.local.loop;

import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.PlanStatus;
import io.chainplan.schemas.avro.TriggerKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The end-of-run summary of {@code chainplan local}: the plans published and why, how long each
 * scenario change took to show in the estimates and in a plan, and the measured mean response time of
 * the requests that arrived under each plan against that plan's predicted band (Theorem 4 bounds).
 * <p>"In band" means the 95% confidence interval of the measured mean (batch means, {@link Stats})
 * overlaps {@code [lower, upper]} of the plan in force. Periods with fewer than
 * {@value #MIN_REQUESTS} requests are not judged, nor periods that began before the requests that waited
 * for the first plan had been dispatched (the bounds are those of the steady state, not of a backlog
 * draining), nor periods some of whose requests never completed (the run follows the requests in flight
 * after its last arrival to their end, for at most another run length; the mean of the others would be biased
 * low, as the longest requests are the ones cut off).
 */
public final class RunSummary {
    /** Fewest requests in a plan's period for the band check to count. */
    public static final int MIN_REQUESTS = 30;

    private final RunInfo info;
    private final RunRecorder recorder;
    private final List<PlanRow> plans;
    private final List<PeriodRow> periods;
    private final List<DetectionRow> detections;
    private final Stats overall;
    private final double declaredCv;

    /**
     * A published plan.
     *
     * @param epoch           plan epoch
     * @param receivedSeconds virtual time it reached the router
     * @param plan            the plan record
     */
    public record PlanRow(long epoch, double receivedSeconds, ChainPlan plan) {
        /**
         * @return the predicted bounds, if the plan is OK and has them
         */
        public Optional<double[]> bounds() {
            if (plan.getStatus() != PlanStatus.OK || plan.getBounds() == null) {
                return Optional.empty();
            }
            return Optional.of(new double[] {plan.getBounds().getLowerSeconds(), plan.getBounds().getUpperSeconds()});
        }
    }

    /**
     * The requests that arrived while one plan was in force.
     *
     * @param epoch       plan epoch, -1 for "before the first plan"
     * @param fromSeconds start of the period (virtual)
     * @param toSeconds   end of the period (virtual)
     * @param stats       response-time statistics
     * @param lower       predicted lower bound, NaN if none
     * @param upper       predicted upper bound, NaN if none
     * @param trueLower   lower bound of the same chains with the true timings at the period's true rate and
     *                    true token mix (the mean tokens of the requests that arrived in it)
     * @param trueUpper   upper bound of the same chains with the true timings at the period's true rate and mix
     * @param tolerance   relative uncertainty of the bounds from the estimates the plan was solved from
     *                    ({@link PlanTolerance}: 1.96 standard errors of its chains' service times)
     * @param widenedLower the lower bound widened by the estimates' error: at the low end of the plan's rate
     *                    estimate's 95% interval, times {@code 1 - tolerance} ({@link PlanTolerance#widenedBand}),
     *                    NaN if none
     * @param widenedUpper the upper bound widened so: at the interval's high end, times {@code 1 + tolerance}
     * @param afterBacklog whether the period began after the requests that waited for the first plan had been
     *                    dispatched
     * @param service     the measured service times (response less queueing) of the period's requests
     * @param trueServiceSeconds the mean service time the true cost model gives those requests (the chains
     *                    that served them, at the period's true mix), NaN if none
     * @param unfinished  requests that arrived in the period and never completed (still in flight when the run
     *                    stopped following them, or given up after their last attempt)
     */
    public record PeriodRow(long epoch, double fromSeconds, double toSeconds, Stats stats, double lower, double upper,
            double trueLower, double trueUpper, double tolerance, double widenedLower, double widenedUpper,
            boolean afterBacklog, Stats service,
            double trueServiceSeconds, int unfinished) {
        /**
         * @return true if judged (enough requests and bounds) and the mean's interval overlaps the band
         */
        public boolean inBand() {
            return judged() && overlaps(lower, upper);
        }

        /**
         * @return true if judged and the mean's interval overlaps the band widened by the estimates' error
         *         ({@code widenedLower .. widenedUpper})
         */
        public boolean inBandWithinEstimateError() {
            return judged() && overlaps(widenedLower, widenedUpper);
        }

        /**
         * @return true if judged and the mean's interval overlaps the band recomputed with the true
         *         timings and the true rate (the plan's estimates were off, its model was not)
         */
        public boolean inTrueBand() {
            return judged() && overlaps(trueLower, trueUpper);
        }

        /**
         * What explains a period out of its plan's band (issue 17 item 3), if it is judged and out of band even
         * allowing for the estimates' error: {@code estimate} when the true-input band holds the measured mean
         * (the plan's timings or token mix were off, its model was not); {@code model} when the measured mean
         * service time differs from the true cost model's by more than its 95% interval and the estimates'
         * tolerance (service does not follow the per-token model); else {@code queueing} (service is as
         * modelled, the waiting is not: a backlog, burstiness, or a load the bounds do not describe).
         *
         * @return the cause, empty if the period is not judged or is in band
         */
        public Optional<String> missCause() {
            if (!judged() || inBandWithinEstimateError()) {
                return Optional.empty();
            }
            if (inTrueBand()) {
                return Optional.of("estimate");
            }
            boolean modelOff = Math.abs(service.mean() - trueServiceSeconds)
                    > service.ci95() + tolerance * trueServiceSeconds;
            return Optional.of(modelOff ? "model" : "queueing");
        }

        private boolean overlaps(double lo, double hi) {
            return stats.mean() - stats.ci95() <= hi && stats.mean() + stats.ci95() >= lo;
        }

        /**
         * @return true if the period has bounds, at least {@value RunSummary#MIN_REQUESTS} requests, began
         *         after the first plan's backlog and every one of its requests completed
         */
        public boolean judged() {
            return epoch >= 0 && afterBacklog && unfinished == 0 && !Double.isNaN(lower) && stats.n() >= MIN_REQUESTS
                    && !Double.isNaN(stats.ci95());
        }
    }

    /**
     * How fast a scenario change was seen.
     *
     * @param event              the change
     * @param estimateSeconds    virtual time the demand estimate first crossed half way to the new rate (shift), NaN if never
     * @param planSeconds        virtual time of the first plan reacting to it, NaN if none
     * @param planEpoch          that plan's epoch, -1 if none
     * @param planTrigger        that plan's trigger
     */
    public record DetectionRow(RunRecorder.ScenarioEvent event, double estimateSeconds, double planSeconds,
            long planEpoch, String planTrigger) {
    }

    /**
     * Computes the summary.
     *
     * @param info     the run's settings
     * @param recorder what happened
     * @param load     the load source (true rates)
     * @param truth    the fleet's true timings
     * @param declaredCv relative error of a server's declared (benchmark) timing, e.g. 0.03, {@code >= 0}: a plan's
     *                 tolerance ({@link PlanTolerance}) counts it for the timings that are declared, not fitted
     */
    public RunSummary(RunInfo info, RunRecorder recorder, LoadSource load, TrueTimings truth, double declaredCv) {
        this.info = info;
        this.recorder = recorder;
        this.plans = recorder.plans().stream()
                .map(p -> new PlanRow(p.plan().getEpoch(), p.receivedSeconds(), p.plan())).toList();
        this.declaredCv = declaredCv;
        this.periods = periods(recorder, plans, truth, declaredCv);
        this.detections = detections(recorder, plans, load);
        this.overall = Stats.of(recorder.completions().stream().sorted(
                java.util.Comparator.comparingDouble(Completion::arrivalSeconds))
                .mapToDouble(Completion::responseSeconds).toArray());
    }

    /**
     * @return the plans published, in order
     */
    public List<PlanRow> plans() {
        return plans;
    }

    /**
     * @return one row per plan in force (and one for before the first plan, if any request arrived then)
     */
    public List<PeriodRow> periods() {
        return periods;
    }

    /**
     * @return one row per scenario change
     */
    public List<DetectionRow> detections() {
        return detections;
    }

    /**
     * @return statistics of all completed requests
     */
    public Stats overall() {
        return overall;
    }

    /**
     * @return true if every judged period is in its plan's band, allowing for the estimates' error
     */
    public boolean allJudgedInBand() {
        return periods.stream().filter(PeriodRow::judged).allMatch(PeriodRow::inBandWithinEstimateError);
    }

    /**
     * The plan in force at the end of the run and its period.
     *
     * @return the last period with a plan
     */
    public Optional<PeriodRow> lastPeriod() {
        return periods.stream().filter(p -> p.epoch() >= 0).reduce((a, b) -> b);
    }

    private static List<PeriodRow> periods(RunRecorder recorder, List<PlanRow> plans, TrueTimings truth,
            double declaredCv) {
        List<Completion> completions = recorder.completions();
        List<Arrival> arrivals = recorder.arrivals();
        List<Long> arrivalEpochs = recorder.arrivalEpochs();
        double end = arrivals.isEmpty() ? 0 : arrivals.get(arrivals.size() - 1).timeSeconds();
        List<PeriodRow> rows = new ArrayList<>();
        List<Long> epochs = new ArrayList<>();
        epochs.add(-1L);
        plans.forEach(p -> epochs.add(p.epoch()));
        for (int i = 0; i < epochs.size(); i++) {
            long epoch = epochs.get(i);
            double[] values = completions.stream().filter(c -> c.epochAtArrival() == epoch)
                    .sorted(java.util.Comparator.comparingDouble(Completion::arrivalSeconds))
                    .mapToDouble(Completion::responseSeconds).toArray();
            if (epoch < 0 && values.length == 0) {
                continue;
            }
            double from = i == 0 ? 0 : plans.get(i - 1).receivedSeconds();
            double to = i < plans.size() ? plans.get(i).receivedSeconds() : Math.max(end, from);
            double lo = Double.NaN;
            double hi = Double.NaN;
            double[] widened = {Double.NaN, Double.NaN};
            double tol = i == 0 ? PlanTolerance.Z95 * declaredCv
                    : tolerance(recorder, plans.get(i - 1), truth.declaredMix(), declaredCv);
            if (i > 0 && plans.get(i - 1).bounds().isPresent()) {
                PlanRow p = plans.get(i - 1);
                lo = p.bounds().get()[0];
                hi = p.bounds().get()[1];
                widened = PlanTolerance.widenedBand(p.plan(), rateEstimate(recorder.demand(), p), tol);
            }
            double[] t = {Double.NaN, Double.NaN};
            List<Arrival> in = new ArrayList<>();
            for (int k = 0; k < arrivals.size(); k++) {
                if (arrivalEpochs.get(k) == epoch) {
                    in.add(arrivals.get(k));
                }
            }
            TokenMix mix = in.isEmpty() ? truth.declaredMix() : new TokenMix(
                    in.stream().mapToInt(Arrival::inputTokens).average().orElseThrow(),
                    in.stream().mapToInt(Arrival::outputTokens).average().orElseThrow());
            if (i > 0 && to > from) {
                t = truth.bounds(plans.get(i - 1).plan(), in.size() / (to - from), mix);
            }
            List<Completion> served = completions.stream().filter(c -> c.epochAtArrival() == epoch)
                    .sorted(java.util.Comparator.comparingDouble(Completion::arrivalSeconds)).toList();
            Stats service = Stats.of(served.stream().mapToDouble(c -> c.responseSeconds() - c.waitSeconds()).toArray());
            double trueService = served.stream().mapToDouble(c -> trueServiceSeconds(c, plans, truth, mix))
                    .average().orElse(Double.NaN);
            rows.add(new PeriodRow(epoch, from, to, Stats.of(values), lo, hi, t[0], t[1], tol, widened[0], widened[1],
                    from >= recorder.backlogClearedSeconds(), service, trueService, in.size() - values.length));
        }
        return rows;
    }

    /** A plan's tolerance from the server estimates seen before it reached the router and the estimate of its mix. */
    private static double tolerance(RunRecorder recorder, PlanRow p, TokenMix declaredMix, double declaredCv) {
        List<RunRecorder.ObservedServer> seen = recorder.servers().stream()
                .filter(o -> o.atSeconds() <= p.receivedSeconds()).toList();
        return PlanTolerance.of(p.plan(), seen, mixEstimate(recorder.demand(), p), declaredMix, declaredCv);
    }

    /** The latest demand estimate before the plan whose token means are the plan's (none: the declared mix). */
    static Optional<RunRecorder.ObservedDemand> mixEstimate(List<RunRecorder.ObservedDemand> demand, PlanRow p) {
        var tokens = p.plan().getInputs() == null ? null : p.plan().getInputs().getTokens();
        if (tokens == null) {
            return Optional.empty();
        }
        return demand.stream().filter(d -> d.atSeconds() <= p.receivedSeconds()
                        && same(d.meanInputTokens(), tokens.getMeanInputTokens())
                        && same(d.meanOutputTokens(), tokens.getMeanOutputTokens()))
                .reduce((a, b) -> b);
    }

    /** The latest demand estimate before the plan whose rate is the plan's (none: the declared rate). */
    static Optional<RunRecorder.ObservedDemand> rateEstimate(List<RunRecorder.ObservedDemand> demand, PlanRow p) {
        var inputs = p.plan().getInputs();
        if (inputs == null || inputs.getDeclaredDemand()) {
            return Optional.empty();
        }
        return demand.stream().filter(d -> d.atSeconds() <= p.receivedSeconds()
                && same(d.rate(), inputs.getArrivalRatePerSecond())).reduce((a, b) -> b);
    }

    private static boolean same(double a, double b) {
        return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
    }

    /** The true model's service time of the chain that served a request, at a token mix. */
    private static double trueServiceSeconds(Completion c, List<PlanRow> plans, TrueTimings truth, TokenMix mix) {
        return plans.stream().filter(p -> p.epoch() == c.servedEpoch()).findFirst()
                .filter(p -> c.chainIndex() >= 0 && c.chainIndex() < p.plan().getChains().size())
                .map(p -> truth.serviceSeconds(p.plan().getChains().get(c.chainIndex()), mix)).orElse(Double.NaN);
    }

    private static List<DetectionRow> detections(RunRecorder recorder, List<PlanRow> plans, LoadSource load) {
        List<DetectionRow> rows = new ArrayList<>();
        for (RunRecorder.ScenarioEvent e : recorder.scenarioEvents()) {
            if (e.kind().equals("optimizer")) {
                continue;
            }
            double estimate = Double.NaN;
            TriggerKind wanted = TriggerKind.SERVERS_CHANGED;
            if (e.kind().equals("shift")) {
                wanted = TriggerKind.DEMAND_SHIFT;
                double before = load.trueRatePerSecond(Math.max(0, e.atSeconds() - 1e-6));
                double after = load.trueRatePerSecond(e.atSeconds() + 60);
                double mid = (before + after) / 2;
                estimate = recorder.demand().stream()
                        .filter(d -> d.atSeconds() >= e.atSeconds() && (after > before ? d.rate() >= mid : d.rate() <= mid))
                        .mapToDouble(RunRecorder.ObservedDemand::atSeconds).findFirst().orElse(Double.NaN);
            }
            if (e.kind().equals("mix")) {
                wanted = TriggerKind.MIX_SHIFT;
            }
            TriggerKind w = wanted;
            Optional<PlanRow> reacting = plans.stream()
                    .filter(p -> p.receivedSeconds() >= e.atSeconds() && p.plan().getTrigger().getKind() == w).findFirst();
            if (reacting.isEmpty()) {
                reacting = plans.stream().filter(p -> p.receivedSeconds() >= e.atSeconds()).findFirst();
            }
            rows.add(new DetectionRow(e, estimate, reacting.map(PlanRow::receivedSeconds).orElse(Double.NaN),
                    reacting.map(PlanRow::epoch).orElse(-1L),
                    reacting.map(p -> p.plan().getTrigger().getKind().toString()).orElse("-")));
        }
        return rows;
    }

    /**
     * Renders the summary for the console.
     *
     * @return lines of text
     */
    public String render() {
        StringBuilder b = new StringBuilder();
        String held = info.heldBackSeconds() < 0.5 ? "" : String.format(Locale.ROOT,
                "; %.0f s of it at wall speed while the services lagged", info.heldBackSeconds());
        String drain = info.drainSeconds() < 0.5 ? "" : String.format(Locale.ROOT,
                ", then %.0f s until the requests in flight had completed", info.drainSeconds());
        line(b, "chainplan local: %s scenario, %.0f s simulated%s in %.0f s wall (x%.0f%s)", info.scenario().cliName(),
                info.virtualSeconds(), drain, info.wallSeconds(), info.speedup(), held);
        line(b, "  fleet: %s", info.fleetDescription());
        line(b, "  load:  %s", info.loadDescription());
        line(b, "  requests: %d arrived, %d completed, %d failed attempts, %d given up", recorder.arrivedCount(),
                recorder.completedCount(), recorder.failedAttempts(), recorder.droppedRequests());
        Stats planned = Stats.of(recorder.completions().stream().filter(c -> c.epochAtArrival() >= 0)
                .sorted(java.util.Comparator.comparingDouble(Completion::arrivalSeconds))
                .mapToDouble(Completion::responseSeconds).toArray());
        line(b, "  response time of requests that arrived under a plan: mean %.3f s, p50 %.3f s, p95 %.3f s, p99 %.3f s (n=%d)",
                planned.mean(), planned.median(), planned.p95(), planned.p99(), planned.n());
        recorder.scenarioEvents().stream().filter(e -> e.kind().equals("optimizer")).findFirst()
                .ifPresent(e -> line(b, "  t=%.0f s: %s", e.atSeconds(), e.detail()));
        renderPlans(b);
        renderDetections(b);
        renderPeriods(b);
        return b.toString();
    }

    private void renderPlans(StringBuilder b) {
        line(b, "");
        line(b, "Plans published on chainplan.plans (%d):", plans.size());
        line(b, "  %5s %8s  %-22s %-8s %7s %4s %6s %8s  %-17s  %s", "epoch", "at (s)", "trigger", "status", "lambda", "c",
                "chains", "nu", "bounds (s)", "detail / change");
        for (PlanRow p : plans) {
            ChainPlan c = p.plan();
            String bounds = p.bounds().map(x -> String.format(Locale.ROOT, "%.3f .. %.3f", x[0], x[1])).orElse("-");
            String change = c.getReplaces() == null ? "" : "; " + PlanLayout.moved(c.getReplaces());
            line(b, "  %5d %8.1f  %-22s %-8s %7.2f %4s %6d %8.2f  %-17s  %s%s", p.epoch(), p.receivedSeconds(),
                    c.getTrigger().getKind(), c.getStatus(), c.getArrivalRate(), c.getC() > 0 ? Integer.toString(c.getC())
                            : "kept", c.getChains().size(),
                    c.getTotalServiceRatePerSecond(), bounds, c.getTrigger().getDetail(),
                    c.getReason() == null ? change : change + "; reason: " + c.getReason());
        }
        PLAN_LEGEND.forEach(l -> line(b, "%s", l));
        line(b, "");
        line(b, "Placement and chains of each plan:");
        PlanLayout.LEGEND.forEach(l -> line(b, "%s", l));
        Optional<ChainPlan> previous = Optional.empty();
        for (PlanRow p : plans) {
            PlanLayout.lines(p.plan(), previous).forEach(l -> line(b, "%s", l));
            if (p.plan().getStatus() == PlanStatus.OK) {
                previous = Optional.of(p.plan());
            }
        }
    }

    /** One line per column of the plans table. */
    private static final List<String> PLAN_LEGEND = List.of(
            "  lambda: the arrival rate (req/s) the plan was solved for; c: the cache reservation of GBP-CR (requests per"
                    + " block), kept: the previous",
            "  placement was kept and only the caches re-allocated (GCA); chains: chains with capacity; nu: total service"
                    + " rate sum c_k/T_k (req/s);",
            "  bounds: the Theorem-4 lower and upper bounds of the mean response time at lambda.");

    private void renderDetections(StringBuilder b) {
        if (detections.isEmpty()) {
            return;
        }
        line(b, "");
        line(b, "Detection:");
        for (DetectionRow d : detections) {
            String est = Double.isNaN(d.estimateSeconds()) ? ""
                    : String.format(Locale.ROOT, "estimate crossed half way at t=%.1f s (+%.1f s); ", d.estimateSeconds(),
                            d.estimateSeconds() - d.event().atSeconds());
            String plan = d.planEpoch() < 0 ? "no plan reacted"
                    : String.format(Locale.ROOT, "plan %d (%s) at t=%.1f s: detection delay %.1f s", d.planEpoch(),
                            d.planTrigger(), d.planSeconds(), d.planSeconds() - d.event().atSeconds());
            line(b, "  %s at t=%.1f s (%s): %s%s", d.event().kind(), d.event().atSeconds(), d.event().detail(), est, plan);
        }
    }

    /**
     * Whether the period's plan was in force while a scenario change was not yet reacted to: the change came
     * under it, or it was planned after the change but before the plan that reacted to it ({@link #detections}),
     * so it was solved for the conditions before the change.
     *
     * @return "; ..." to append to the verdict, or ""
     */
    private String changeNote(PeriodRow r) {
        for (DetectionRow d : detections) {
            double at = d.event().atSeconds();
            if (r.epoch() < 0 || r.toSeconds() <= at || d.planEpoch() >= 0 && r.epoch() >= d.planEpoch()) {
                continue;
            }
            String change = "the scenario's " + d.event().kind() + String.format(Locale.ROOT, " at t=%.0f s", at);
            return r.fromSeconds() < at ? "; " + change + " came under this plan"
                    : "; planned after " + change + ", before " + (d.planEpoch() >= 0
                            ? "plan " + d.planEpoch() + " reacted to it" : "any plan reacted to it");
        }
        return "";
    }

    private void renderPeriods(StringBuilder b) {
        line(b, "");
        line(b, "Response time of the requests that arrived under each plan (measured vs predicted):");
        line(b, "  %5s %15s %6s %17s %7s %7s  %-16s %6s  %-16s  %-16s %s", "plan", "arrivals (s)", "n", "mean +- 95% CI",
                "p50", "p95", "bounds (s)", "tol", "with error (s)", "true-input bounds", "verdict");
        for (PeriodRow r : periods) {
            if (r.stats().n() == 0) {
                line(b, "  %5s %6.0f..%-7.0f %6d  no request arrived under this plan",
                        r.epoch() < 0 ? "none" : r.epoch(), r.fromSeconds(), r.toSeconds(), 0);
                continue;
            }
            String verdict = r.epoch() < 0 ? "before the first plan (waited for it)"
                    : !r.afterBacklog() ? "not judged (began while the requests that waited for plan 1 drained)"
                    : r.unfinished() > 0 ? "not judged (" + r.unfinished() + " of its requests never completed)"
                    : !r.judged() ? "not judged (too few requests or no bounds)"
                    : r.inBand() ? "in band"
                    : r.inBandWithinEstimateError() ? "in band within the estimates' error"
                    : "OUT OF BAND (" + r.missCause().map(RunSummary::cause).orElse("") + ")";
            verdict += changeNote(r);
            line(b, "  %5s %6.0f..%-7.0f %6d %9.3f +- %-5.3f %7.3f %7.3f  %-16s %5.1f%%  %-16s  %-16s %s",
                    r.epoch() < 0 ? "none" : r.epoch(), r.fromSeconds(), r.toSeconds(), r.stats().n(), r.stats().mean(),
                    r.stats().ci95(), r.stats().median(), r.stats().p95(), band(r.lower(), r.upper()), 100 * r.tolerance(),
                    band(r.widenedLower(), r.widenedUpper()), band(r.trueLower(), r.trueUpper()), verdict);
        }
        line(b, "  in band: the 95%% confidence interval of the measured mean (batch means) overlaps the plan's Theorem 4");
        line(b, "  bounds; within the estimates' error: it overlaps them with error, the bounds at the low and the high end of");
        line(b, "  the 95%% interval of the rate estimate the plan was solved from (same chains and burst shape), widened by");
        line(b, "  +-tol: 1.96 standard errors of the plan's chain service times from the estimates it was solved from,");
        line(b, "  largest over its servers (the ingest's standard errors of fitted per-token coefficients, the benchmark's");
        line(b, "  %.0f%% for declared timings, and the standard error of the measured token mix the plan used). \"-\": unbounded",
                100 * declaredCv);
        line(b, "  (the plan is unstable at the rate interval's high end).");
        line(b, "  True-input bounds: the same chains with the fleet's true per-token timings at the period's true arrival");
        line(b, "  rate and token mix (the mean tokens of the requests that arrived under the plan). A miss is explained by");
        line(b, "  the estimate (in the true-input band), the model (measured service differs from the true cost model's),");
        line(b, "  or queueing (service as modelled, the waiting not). Judged: periods of at least %d requests, every one of",
                MIN_REQUESTS);
        line(b, "  them completed (after the last arrival the run follows the requests in flight to their end).");
    }

    private static String cause(String c) {
        return switch (c) {
            case "estimate" -> "estimate: in the true-input band";
            case "model" -> "model: service differs from the true cost model's";
            default -> "queueing: service as modelled, waiting not";
        };
    }

    private static String band(double lo, double hi) {
        return Double.isNaN(lo) || Double.isInfinite(lo) || Double.isInfinite(hi) ? "-" : String.format(Locale.ROOT, "%.3f .. %.3f", lo, hi);
    }

    static void line(StringBuilder b, String fmt, Object... args) {
        b.append(String.format(Locale.ROOT, fmt, args)).append(System.lineSeparator());
    }
}
