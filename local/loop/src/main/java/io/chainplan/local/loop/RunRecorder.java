package io.chainplan.local.loop;

import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.IndexOfDispersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What happened during a run, for the status line, the summary and the report: arrivals,
 * completions, failures, the plans and demand estimates seen on the topics, and scenario events.
 * Written by the simulation thread and the topic observer, read by the status thread;
 * every method is synchronized and reads return copies.
 */
public final class RunRecorder {
    private static final int RECENT = 500;

    private final List<Arrival> arrivals = new ArrayList<>();
    private final List<Long> arrivalEpochs = new ArrayList<>();
    private final List<Completion> completions = new ArrayList<>();
    private final List<ObservedPlan> plans = new ArrayList<>();
    private final List<ObservedDemand> demand = new ArrayList<>();
    private final List<ScenarioEvent> scenarioEvents = new ArrayList<>();
    private final List<ObservedServer> servers = new ArrayList<>();
    private final double[] recent = new double[RECENT];
    private int recentCount;
    private long failedAttempts;
    private long droppedRequests;
    private double backlogClearedSeconds = Double.NaN;

    /**
     * A plan seen on {@code chainplan.plans}.
     *
     * @param receivedSeconds virtual time it was received, seconds since the start
     * @param plan            the plan
     */
    public record ObservedPlan(double receivedSeconds, ChainPlan plan) {
    }

    /**
     * A server estimate seen on {@code chainplan.server-estimates}.
     *
     * @param atSeconds virtual time it was seen, seconds since the start
     * @param estimate  the estimate
     */
    public record ObservedServer(double atSeconds, ServerEstimate estimate) {
    }

    /**
     * A demand estimate seen on {@code chainplan.demand-estimates}.
     *
     * @param atSeconds       virtual time the estimate refers to, seconds since the start
     * @param rate            lambda estimate, req/s
     * @param lower           lower end of its 95% interval
     * @param upper           upper end of its 95% interval
     * @param trueRate        the rate the load source was generating then, req/s
     * @param dispersion      the estimate's index of dispersion of counts at its longest window (1 for
     *                        Poisson arrivals, larger for bursty ones), NaN if it measured none
     * @param windowSeconds   that window's length, seconds, NaN if none
     * @param meanInputTokens mean prompt tokens per request it measured, 0 if none
     * @param meanOutputTokens mean generated tokens per request it measured, 0 if none
     * @param inputTokensStandardError  standard error of {@code meanInputTokens}, 0 if unknown
     * @param outputTokensStandardError standard error of {@code meanOutputTokens}, 0 if unknown
     */
    public record ObservedDemand(double atSeconds, double rate, double lower, double upper, double trueRate,
            double dispersion, double windowSeconds, double meanInputTokens, double meanOutputTokens,
            double inputTokensStandardError, double outputTokensStandardError) {
    }

    /**
     * A change the scenario made.
     *
     * @param atSeconds virtual time
     * @param kind      {@code shift} or {@code failure}
     * @param detail    e.g. "rate 4.0 -> 8.0 req/s" or "mig40-1 down"
     */
    public record ScenarioEvent(double atSeconds, String kind, String detail) {
    }

    /**
     * @param a an arrival
     * @param epochAtArrival the epoch of the plan the router had when it arrived, -1 if none
     */
    public synchronized void arrived(Arrival a, long epochAtArrival) {
        arrivals.add(a);
        arrivalEpochs.add(epochAtArrival);
    }

    /**
     * @param c a completed request
     */
    public synchronized void completed(Completion c) {
        completions.add(c);
        recent[recentCount++ % RECENT] = c.responseSeconds();
    }

    /** A service attempt failed (its server went down). */
    public synchronized void attemptFailed() {
        failedAttempts++;
    }

    /** A request was given up after its last retry. */
    public synchronized void dropped() {
        droppedRequests++;
    }

    /**
     * Notes that the router has a plan and an empty queue at {@code t}; the first such time is kept.
     *
     * @param t virtual seconds
     */
    public synchronized void backlogCleared(double t) {
        if (Double.isNaN(backlogClearedSeconds)) {
            backlogClearedSeconds = t;
        }
    }

    /**
     * @return the first time the router had a plan and nobody waiting (the requests that arrived before
     *         the first plan had all been dispatched), +infinity if never
     */
    public synchronized double backlogClearedSeconds() {
        return Double.isNaN(backlogClearedSeconds) ? Double.POSITIVE_INFINITY : backlogClearedSeconds;
    }

    /**
     * @param p a plan seen on the plans topic
     */
    public synchronized void plan(ObservedPlan p) {
        plans.add(p);
    }

    /**
     * @param d a demand estimate
     */
    public synchronized void demand(ObservedDemand d) {
        demand.add(d);
    }

    /**
     * @param e a scenario event
     */
    public synchronized void scenario(ScenarioEvent e) {
        scenarioEvents.add(e);
    }

    /**
     * @return arrivals so far, in time order
     */
    public synchronized List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    /**
     * @return for each of {@link #arrivals()}, in the same order, the epoch of the plan the router had when it
     *         arrived (what {@link Completion#epochAtArrival()} says once it completes), -1 if none
     */
    public synchronized List<Long> arrivalEpochs() {
        return List.copyOf(arrivalEpochs);
    }

    /**
     * @return completions so far, in completion order
     */
    public synchronized List<Completion> completions() {
        return List.copyOf(completions);
    }

    /**
     * @return plans seen, in order
     */
    public synchronized List<ObservedPlan> plans() {
        return List.copyOf(plans);
    }

    /**
     * @return demand estimates seen, in order
     */
    public synchronized List<ObservedDemand> demand() {
        return List.copyOf(demand);
    }

    /**
     * @param e a server estimate seen
     */
    public synchronized void server(ObservedServer e) {
        servers.add(e);
    }

    /**
     * @return the server estimates seen, in order
     */
    public synchronized List<ObservedServer> servers() {
        return List.copyOf(servers);
    }

    /**
     * @return scenario events, in order
     */
    public synchronized List<ScenarioEvent> scenarioEvents() {
        return List.copyOf(scenarioEvents);
    }

    /**
     * @return the newest plan seen
     */
    public synchronized Optional<ObservedPlan> latestPlan() {
        return plans.isEmpty() ? Optional.empty() : Optional.of(plans.get(plans.size() - 1));
    }

    /**
     * @return the newest demand estimate seen
     */
    public synchronized Optional<ObservedDemand> latestDemand() {
        return demand.isEmpty() ? Optional.empty() : Optional.of(demand.get(demand.size() - 1));
    }

    /**
     * @return mean response time of the last (up to 500) completions, NaN if none
     */
    public synchronized double recentMeanResponseSeconds() {
        int n = Math.min(recentCount, RECENT);
        if (n == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += recent[i];
        }
        return s / n;
    }

    /**
     * @return number of completions
     */
    public synchronized int completedCount() {
        return completions.size();
    }

    /**
     * @return number of arrivals
     */
    public synchronized int arrivedCount() {
        return arrivals.size();
    }

    /**
     * @return failed service attempts (server down)
     */
    public synchronized long failedAttempts() {
        return failedAttempts;
    }

    /**
     * @return requests given up after their last retry
     */
    public synchronized long droppedRequests() {
        return droppedRequests;
    }

    /**
     * Converts a demand estimate record, stamping it with the true rate at its time.
     *
     * @param e       the record
     * @param clock   the run's clock
     * @param load    the load source
     * @return the observation
     */
    static ObservedDemand observe(DemandEstimate e, VirtualClock clock, LoadSource load) {
        double at = clock.toVirtualSeconds(e.getTimestampMillis().toEpochMilli());
        List<IndexOfDispersion> d = e.getDispersions();
        IndexOfDispersion longest = d.isEmpty() ? null : d.get(d.size() - 1);
        return new ObservedDemand(at, e.getArrivalRatePerSecond(), e.getLowerPerSecond(), e.getUpperPerSecond(),
                load.trueRatePerSecond(Math.max(0, at)), longest == null ? Double.NaN : longest.getIndex(),
                longest == null ? Double.NaN : longest.getWindowSeconds(), e.getMeanInputTokens(),
                e.getMeanOutputTokens(), e.getInputTokensStandardError(), e.getOutputTokensStandardError());
    }
}
