package io.chainplan.local.loop;

import io.chainplan.optimizer.arrival.Burstiness;
import io.chainplan.optimizer.arrival.Mmpp2Fit;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.sim.PolicyRoutingModel;
import io.chainplan.optimizer.sim.RequestTrace;
import io.chainplan.optimizer.sim.SimulationResult;
import io.chainplan.optimizer.sim.Simulator;
import io.chainplan.optimizer.sim.TraceArrivals;
import io.chainplan.optimizer.tuning.CapacitySearch;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.JffcDispatchPolicy;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The paper's plan against chainplan's burst-aware plan on the arrivals a run served ({@code chainplan
 * local --trace}, issue 15): both plans are solved offline for the fleet's true timings at the arrivals'
 * mean rate, the paper's for Poisson arrivals (GBP-CR + GCA, lower-bound choice of {@code c}, DESIGN.md
 * §1.2), chainplan's for the two-phase MMPP {@link Mmpp2Fit fitted} to the index of dispersion of these
 * arrivals at 1, 10 and 60 s (Poisson again when they are consistent with it, and then the same plan);
 * both serve the same arrivals (times and tokens) with JFFC in the optimizer's discrete-event simulator,
 * with the closed loop's service times and noise (common random numbers). The closed loop's own
 * measurement is a third figure: estimated inputs and live re-planning.
 */
public final class PaperPlanComparison {
    private PaperPlanComparison() {
    }

    /**
     * One plan's offline run.
     *
     * @param plan   the plan
     * @param result the simulator's statistics
     */
    public record Row(Plan plan, SimulationResult result) {
        /** Validates the fields. */
        public Row {
            Objects.requireNonNull(plan, "plan");
            Objects.requireNonNull(result, "result");
        }
    }

    /**
     * Outcome of the comparison.
     *
     * @param fit       the arrival process chainplan planned for, with the fit's reason
     * @param paper     the paper's plan
     * @param chainplan chainplan's plan
     */
    public record Result(Mmpp2Fit.Result fit, Row paper, Row chainplan) {
        /** Validates the fields. */
        public Result {
            Objects.requireNonNull(fit, "fit");
            Objects.requireNonNull(paper, "paper");
            Objects.requireNonNull(chainplan, "chainplan");
        }

        /** @return chainplan's reduction of the mean response time, {@code 1 - ours / paper's} */
        public double meanReduction() {
            return 1 - chainplan.result().responseTime().meanSeconds() / paper.result().responseTime().meanSeconds();
        }
    }

    /**
     * Runs both plans on the arrivals.
     *
     * @param fleet    the simulated fleet
     * @param settings its noise settings
     * @param arrivals the arrivals, in time order (times are shifted to start at the first one), at least 2
     * @param seed     seed of the service noise
     * @return the result
     * @throws IllegalArgumentException if there are fewer than two arrivals, they span no time, or the fleet
     *                                  cannot host the model
     */
    public static Result run(SimFleet fleet, FleetSimulation.Settings settings, List<Arrival> arrivals, long seed) {
        if (arrivals.size() < 2) {
            throw new IllegalArgumentException("need at least 2 arrivals to compare plans, got " + arrivals.size());
        }
        Fleet poisson = PetalsComparison.toFleet(fleet, arrivals);
        RequestTrace trace = trace(arrivals);
        Mmpp2Fit.Result fit = Mmpp2Fit.fit(Burstiness.ofArrivalTimes(trace.arrivalTimes(),
                poisson.arrivalRatePerSecond(), Burstiness.WINDOWS_SECONDS));
        CapacitySearch search = new CapacitySearch();
        Plan paper = search.solve(poisson);
        Plan ours = search.solve(poisson.withArrivals(fit.model()));
        return new Result(fit, simulate(paper, fleet, settings, trace, seed), simulate(ours, fleet, settings, trace, seed));
    }

    /**
     * Prints the comparison beside the closed loop's measurement on the same arrivals.
     *
     * @param r           the comparison
     * @param measured    the closed loop's response times of those arrivals
     * @param fromSeconds virtual time of the first arrival compared
     * @param arrivals    how many arrivals were compared
     * @param out         where to print
     */
    static void print(Result r, Stats measured, double fromSeconds, int arrivals, PrintWriter out) {
        out.println();
        out.printf(Locale.ROOT, "Compared with the paper's plan on the same %d arrivals (from t=%.1f s):%n", arrivals,
                fromSeconds);
        out.printf(Locale.ROOT, "  %-48s %8s %8s %8s %8s%n", "", "mean", "p50", "p95", "p99");
        out.printf(Locale.ROOT, "  %-48s %8.3f %8.3f %8.3f %8.3f   (%d completed)%n", "chainplan (closed loop, measured)",
                measured.mean(), measured.median(), measured.p95(), measured.p99(), measured.n());
        row(out, "chainplan's plan for these arrivals (simulated)", r.chainplan());
        row(out, "the paper's plan, for Poisson (simulated)", r.paper());
        double gain = r.meanReduction();
        out.printf(Locale.ROOT, "  Planned for these arrivals, the mean response time is %.0f%% %s than with the paper's"
                + " plan.%n", Math.abs(gain) * 100, gain >= 0 ? "lower" : "HIGHER");
        out.println("  Arrivals planned for: " + r.fit().model().kind() + " (" + r.fit().reason() + ").");
        out.println("  How: both plans solved for the fleet's true timings at the arrivals' mean rate, chainplan's for"
                + " the process fitted to their index of dispersion at 1, 10 and 60 s (Mmpp2Fit), the paper's for Poisson;"
                + " both served these arrivals (times and tokens) with JFFC in optimizer.sim.Simulator with the closed"
                + " loop's service times and noise.");
    }

    private static void row(PrintWriter out, String label, Row row) {
        var rt = row.result().responseTime();
        out.printf(Locale.ROOT, "  %-48s %8.3f %8.3f %8.3f %8.3f   (+-%.3f; %s, %d chains, nu %.2f req/s)%n", label,
                rt.meanSeconds(), rt.medianSeconds(), rt.p95Seconds(), rt.p99Seconds(), row.result().responseMeanCi95(),
                row.plan().c() > 0 ? "c=" + row.plan().c() : "no c", row.plan().chains().size(),
                row.plan().totalServiceRatePerSecond());
    }

    private static Row simulate(Plan plan, SimFleet fleet, FleetSimulation.Settings settings, RequestTrace trace,
            long seed) {
        if (plan.status() == PlanStatus.INFEASIBLE) {
            throw new IllegalArgumentException("the fleet cannot host the model: " + plan.reason());
        }
        SimulationResult r = Simulator.run(PetalsComparison.replayConfig(trace.size(), seed), new TraceArrivals(trace),
                fleet.serviceModel(settings.computeNoiseCv(), settings.networkNoiseCv()),
                new PolicyRoutingModel(new JffcDispatchPolicy(), RoutingPlan.of(plan, 1)));
        return new Row(plan, r);
    }

    private static RequestTrace trace(List<Arrival> arrivals) {
        RequestTrace t = PetalsComparison.trace(arrivals);
        if (!(t.arrivalTimes()[t.size() - 1] > 0)) {
            throw new IllegalArgumentException("the arrivals span no time");
        }
        return t;
    }
}
