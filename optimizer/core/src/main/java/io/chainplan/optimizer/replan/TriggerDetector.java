package io.chainplan.optimizer.replan;

import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.optimizer.model.TokenTimings;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Decides whether the latest view of a model differs enough from what its plan was solved for to
 * warrant a new plan (issue 7, item 2). Checks in {@link TriggerKind} order and reports the first
 * that holds: no plan; model spec changed; up-server set changed; a plan made for the model spec's declared rate
 * now that demand was estimated (once the estimate has measured the token mix: while telemetry-ingest says the
 * mix of the first requests is still to come, {@link DemandView#mixPending()}, at most its completion wait of
 * 2 minutes, the declared plan is kept and nothing but a change of the spec or the servers re-plans, unless the
 * demand is above the declared rate as {@code DEMAND_SHIFT} would judge it: a first plan at a mix nobody
 * measured is no better a prediction than the declared one, issue 17); the measured token mix's mean prompt or
 * generated tokens moved by more than {@link ReplanSettings#mixRelativeThreshold()} of the plan's <em>and</em> the
 * planned mean is outside the 95% interval of the measured one (its standard error, when known: heavy-tailed
 * token counts make the mean of a few minutes' requests noisy) (issue 17, when both the plan and the view have a
 * usable mix); a server's M_j, tau_c or tau_p moved by more than
 * {@link ReplanSettings#serverRelativeThreshold()}, compared at the plan's mix (a server with coefficients is
 * evaluated at the mix the plan was solved for, so that a change of the mix alone, which moves every server
 * at once, never reads as one server's estimate moving; and a server whose coefficients were fitted to requests
 * of a mix beyond the mix threshold from the plan's is passed over: its coefficients are still following the
 * mix, which the demand's mix, and {@code MIX_SHIFT}, will show for the whole fleet); lambda moved by more than
 * {@link ReplanSettings#rateRelativeThreshold()} of the planned rate <em>and</em> the estimate's
 * 95% interval no longer contains the planned rate; the fitted arrival process changed kind, or its index
 * of dispersion at {@value #BURST_WINDOW_SECONDS} s moved by more than
 * {@link ReplanSettings#burstRelativeThreshold()} of the plan's (1 for Poisson); the plan is older than
 * {@link ReplanSettings#maxAgeMillis()}.
 * <p>Stateless: the decision depends only on (plan basis, view, now), so a trigger that was not
 * yet acted on before a crash is found again after the view is rebuilt. Immutable, thread-safe.
 */
public final class TriggerDetector {
    /** The window whose index of dispersion the burstiness trigger compares, seconds. */
    static final double BURST_WINDOW_SECONDS = 60;
    /** Standard errors of a 95% interval: a planned token mean inside the measured mean's is no change of the mix. */
    static final double Z95 = 1.96;
    private final ReplanSettings settings;

    /**
     * @param settings the thresholds
     */
    public TriggerDetector(ReplanSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * @param basis     what the current plan was solved from; empty if there is no plan
     * @param view      the latest view of the model
     * @param nowMillis the current time, ms since the epoch (passed in, never read here)
     * @return the first trigger that holds, or empty if the plan still fits
     */
    public Optional<Trigger> detect(Optional<PlanBasis> basis, InputView view, long nowMillis) {
        Objects.requireNonNull(basis, "basis");
        Objects.requireNonNull(view, "view");
        if (basis.isEmpty()) {
            return Optional.of(new Trigger(TriggerKind.INITIAL, "no plan yet for model " + view.model().id()));
        }
        PlanBasis b = basis.get();
        Optional<Trigger> fleet = modelChanged(b, view).or(() -> serversChanged(b, view));
        if (fleet.isPresent() || awaitsFirstMix(b, view.demand())) {
            return fleet;
        }
        return firstEstimate(b, view)
                .or(() -> mixShifted(b, view))
                .or(() -> serverMoved(b, view))
                .or(() -> demandShifted(b, view))
                .or(() -> burstinessShifted(b, view))
                .or(() -> tooOld(b, nowMillis));
    }

    private static Optional<Trigger> modelChanged(PlanBasis b, InputView view) {
        if (b.model().equals(view.model())) {
            return Optional.empty();
        }
        return Optional.of(new Trigger(TriggerKind.MODEL_CHANGED, b.model() + " -> " + view.model()));
    }

    private static Optional<Trigger> serversChanged(PlanBasis b, InputView view) {
        TreeSet<String> old = ids(b.servers());
        TreeSet<String> now = ids(view.upServers());
        if (old.equals(now)) {
            return Optional.empty();
        }
        TreeSet<String> added = new TreeSet<>(now);
        added.removeAll(old);
        TreeSet<String> removed = new TreeSet<>(old);
        removed.removeAll(now);
        return Optional.of(new Trigger(TriggerKind.SERVERS_CHANGED,
                "up " + String.join(",", added) + "; down " + String.join(",", removed)));
    }

    /**
     * Whether a plan made for the declared rate waits for the first estimate's token mix: the estimate says the
     * mix is still to come and the demand is not above the declared rate.
     */
    private boolean awaitsFirstMix(PlanBasis b, DemandView d) {
        return b.declaredDemand() && !d.declared() && d.mixPending() && !aboveDeclared(b, d);
    }

    /** Whether the estimated rate is above the plan's beyond the rate threshold and outside its 95% interval. */
    private boolean aboveDeclared(PlanBasis b, DemandView d) {
        double planned = b.arrivalRatePerSecond();
        return d.ratePerSecond() > planned && relativeChange(planned, d.ratePerSecond()) > settings.rateRelativeThreshold()
                && !d.intervalContains(planned);
    }

    private Optional<Trigger> firstEstimate(PlanBasis b, InputView view) {
        DemandView d = view.demand();
        if (!b.declaredDemand() || d.declared()) {
            return Optional.empty();
        }
        String mix = d.tokens().usable() ? String.format(Locale.ROOT, ", at the measured mix of %.4g prompt and %.4g"
                + " generated tokens per request", d.tokens().inputTokens(), d.tokens().outputTokens())
                : d.mixPending() ? "; the token mix is still to be measured, but the demand is above the declared rate"
                : "";
        return Optional.of(new Trigger(TriggerKind.FIRST_ESTIMATE, String.format(Locale.ROOT,
                "first demand estimate %.4g req/s (95%% interval [%.4g, %.4g]) replaces the declared %.4g req/s%s",
                d.ratePerSecond(), d.lowerPerSecond(), d.upperPerSecond(), b.arrivalRatePerSecond(), mix)));
    }

    private Optional<Trigger> mixShifted(PlanBasis b, InputView view) {
        TokenMix was = b.tokens();
        TokenMix now = view.demand().tokens();
        if (!was.usable() || !now.usable()) {
            return Optional.empty();
        }
        DemandView.TokenErrors error = view.demand().tokenErrors();
        if (!mixMoved(was.inputTokens(), now.inputTokens(), error.inputTokens())
                && !mixMoved(was.outputTokens(), now.outputTokens(), error.outputTokens())) {
            return Optional.empty();
        }
        return Optional.of(new Trigger(TriggerKind.MIX_SHIFT, String.format(Locale.ROOT,
                "tokens per request in %.4g -> %.4g, out %.4g -> %.4g", was.inputTokens(), now.inputTokens(),
                was.outputTokens(), now.outputTokens())));
    }

    /**
     * Whether a mean token count moved beyond the mix threshold and, when its standard error is known, beyond
     * the 95% interval of the measured mean ({@value #Z95} standard errors), as the rate must leave its interval.
     */
    private boolean mixMoved(double planned, double measured, double standardError) {
        return relativeChange(planned, measured) > settings.mixRelativeThreshold()
                && Math.abs(measured - planned) > Z95 * standardError;
    }

    private Optional<Trigger> serverMoved(PlanBasis b, InputView view) {
        Map<String, Server> old = byId(b.servers());
        for (Server current : view.upServers()) {
            if (followingAnotherMix(b, view, current.id())) {
                continue;
            }
            Server was = old.get(current.id());
            Server now = atPlanMix(b, view, current);
            Optional<String> moved = firstMoved(was, now);
            if (moved.isPresent()) {
                return Optional.of(new Trigger(TriggerKind.SERVER_ESTIMATE_MOVED, now.id() + " " + moved.get()));
            }
        }
        return Optional.empty();
    }

    /** Whether the server's coefficients were fitted to a mix beyond the mix threshold from the plan's. */
    private boolean followingAnotherMix(PlanBasis b, InputView view, String id) {
        TokenMix fitted = view.fittedAt().get(id);
        TokenMix planned = b.tokens();
        if (fitted == null || !fitted.usable() || !planned.usable()) {
            return false;
        }
        double t = settings.mixRelativeThreshold();
        return relativeChange(planned.inputTokens(), fitted.inputTokens()) > t
                || relativeChange(planned.outputTokens(), fitted.outputTokens()) > t;
    }

    /**
     * The server as the plan saw it, like for like: its coefficients at the plan's mix when the plan evaluated
     * this server from coefficients; its coefficients at the mix they were fitted to (its per-request estimate,
     * as the plan took it) when the plan used its per-request estimate; else the view's value.
     */
    private static Server atPlanMix(PlanBasis b, InputView view, Server now) {
        TokenTimings t = view.tokenTimings().get(now.id());
        TokenMix mix = b.tokenTimings().containsKey(now.id()) ? b.tokens()
                : view.fittedAt().getOrDefault(now.id(), TokenMix.UNKNOWN);
        return InputView.evaluates(t, mix) ? t.server(now.id(), now.memoryBytes(), mix.inputTokens(),
                mix.outputTokens()) : now;
    }

    private Optional<String> firstMoved(Server was, Server now) {
        double t = settings.serverRelativeThreshold();
        if (relativeChange(was.memoryBytes(), now.memoryBytes()) > t) {
            return Optional.of("memoryBytes " + was.memoryBytes() + " -> " + now.memoryBytes());
        }
        if (relativeChange(was.commSeconds(), now.commSeconds()) > t) {
            return Optional.of(String.format(Locale.ROOT, "commSeconds %.6g -> %.6g",
                    was.commSeconds(), now.commSeconds()));
        }
        if (relativeChange(was.perBlockComputeSeconds(), now.perBlockComputeSeconds()) > t) {
            return Optional.of(String.format(Locale.ROOT, "perBlockComputeSeconds %.6g -> %.6g",
                    was.perBlockComputeSeconds(), now.perBlockComputeSeconds()));
        }
        return Optional.empty();
    }

    private Optional<Trigger> demandShifted(PlanBasis b, InputView view) {
        double planned = b.arrivalRatePerSecond();
        DemandView d = view.demand();
        boolean beyond = relativeChange(planned, d.ratePerSecond()) > settings.rateRelativeThreshold();
        if (!beyond || d.intervalContains(planned)) {
            return Optional.empty();
        }
        return Optional.of(new Trigger(TriggerKind.DEMAND_SHIFT, String.format(Locale.ROOT,
                "rate %.4g -> %.4g req/s (95%% interval [%.4g, %.4g])",
                planned, d.ratePerSecond(), d.lowerPerSecond(), d.upperPerSecond())));
    }

    private Optional<Trigger> burstinessShifted(PlanBasis b, InputView view) {
        ArrivalModel was = b.arrivals();
        ArrivalModel now = view.demand().arrivals();
        double before = dispersion(was);
        double after = dispersion(now);
        if (was.kind().equals(now.kind()) && relativeChange(before, after) <= settings.burstRelativeThreshold()) {
            return Optional.empty();
        }
        return Optional.of(new Trigger(TriggerKind.BURSTINESS_SHIFT, String.format(Locale.ROOT,
                "arrivals %s -> %s, index of dispersion at %.0f s %.3g -> %.3g", was.kind(), now.kind(),
                BURST_WINDOW_SECONDS, before, after)));
    }

    private static double dispersion(ArrivalModel m) {
        return m instanceof ArrivalModel.Mmpp2 b ? b.indexOfDispersion(BURST_WINDOW_SECONDS) : 1;
    }

    private Optional<Trigger> tooOld(PlanBasis b, long nowMillis) {
        long age = nowMillis - b.createdAtMillis();
        if (age < settings.maxAgeMillis()) {
            return Optional.empty();
        }
        return Optional.of(new Trigger(TriggerKind.MAX_AGE,
                "plan " + b.epoch() + " is " + age + " ms old (max " + settings.maxAgeMillis() + " ms)"));
    }

    /**
     * @param was the reference value
     * @param now the new value
     * @return |now - was| / |was|; infinite if was is 0 and now is not, 0 if both are 0
     */
    static double relativeChange(double was, double now) {
        if (was == now) {
            return 0;
        }
        if (was == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.abs(now - was) / Math.abs(was);
    }

    private static TreeSet<String> ids(List<Server> servers) {
        return servers.stream().map(Server::id).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, Server> byId(List<Server> servers) {
        return servers.stream().collect(Collectors.toMap(Server::id, Function.identity(), (a, c) -> a, TreeMap::new));
    }
}
