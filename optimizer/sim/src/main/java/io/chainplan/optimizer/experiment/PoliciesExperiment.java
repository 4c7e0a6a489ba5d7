package io.chainplan.optimizer.experiment;

import io.chainplan.optimizer.model.Bounds;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.queueing.JffcResponseTimeBounds;
import io.chainplan.optimizer.sim.ExponentialServiceModel;
import io.chainplan.optimizer.sim.PoissonArrivals;
import io.chainplan.optimizer.sim.PolicyRoutingModel;
import io.chainplan.optimizer.sim.SimulationConfig;
import io.chainplan.optimizer.sim.SimulationResult;
import io.chainplan.optimizer.sim.Simulator;
import io.chainplan.optimizer.tuning.CapacitySearch;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.DispatchPolicy;
import io.chainplan.stats.ConfidenceInterval;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * JFFC against JSQ, JIQ, SED and SA-JSQ on the GCA chains of one fleet (the paper's §5 policy
 * comparison, DESIGN.md §1.3): GBP-CR with a fixed cache reservation {@code c}, then GCA; for each load
 * factor {@code rho}, Poisson arrivals at {@code lambda = rho * nu} with exponential service; each
 * policy's mean response time averaged over the seeds, next to the Theorem 4 bounds.
 * <p>Deterministic for its inputs. Runs sequentially.
 */
public final class PoliciesExperiment {
    private PoliciesExperiment() {
    }

    /**
     * Settings of the experiment.
     *
     * @param c        the cache reservation of GBP-CR, {@code >= 1}
     * @param loads    load factors {@code rho} in (0, 1), fractions of the chains' total rate {@code nu}
     * @param policies the policies, the first is the reference (JFFC)
     * @param seeds    simulation seeds, one run per seed, policy and load
     * @param requests requests per run (10% warm-up)
     */
    public record Settings(int c, List<Double> loads, List<DispatchPolicy> policies, List<Long> seeds, long requests) {
        /** Validates and copies. */
        public Settings {
            loads = List.copyOf(loads);
            policies = List.copyOf(policies);
            seeds = List.copyOf(seeds);
            if (c < 1) {
                throw new IllegalArgumentException("c must be >= 1, was " + c);
            }
            for (double l : loads) {
                if (!(l > 0 && l < 1)) {
                    throw new IllegalArgumentException("loads must be in (0, 1), was " + l);
                }
            }
            if (policies.isEmpty() || seeds.isEmpty()) {
                throw new IllegalArgumentException("policies and seeds must not be empty");
            }
            if (requests < 10) {
                throw new IllegalArgumentException("requests must be >= 10, was " + requests);
            }
        }
    }

    /**
     * One load level.
     *
     * @param load          {@code rho}
     * @param arrivalRate   {@code lambda = rho * nu}
     * @param bounds        Theorem 4 bounds at {@code lambda}
     * @param meanSeconds   per policy (settings order), mean response time averaged over seeds
     * @param ci95Seconds   per policy, 95% half-width across seeds (t-based; batch-means CI if one seed)
     */
    public record Row(double load, double arrivalRate, Bounds bounds, List<Double> meanSeconds, List<Double> ci95Seconds) {
        /** Copies. */
        public Row {
            meanSeconds = List.copyOf(meanSeconds);
            ci95Seconds = List.copyOf(ci95Seconds);
        }
    }

    /**
     * The outcome.
     *
     * @param plan     the plan whose chains were used
     * @param policies policy names, column order
     * @param rows     one row per load
     */
    public record Result(Plan plan, List<String> policies, List<Row> rows) {
        /** Copies. */
        public Result {
            policies = List.copyOf(policies);
            rows = List.copyOf(rows);
        }

        /**
         * The result as CSV: {@code load,lambda,lower,upper,<policy>,<policy>_ci95,...}.
         *
         * @return CSV text with a header line
         */
        public String toCsv() {
            StringBuilder sb = new StringBuilder("load,lambda,lower_bound,upper_bound");
            for (String p : policies) {
                sb.append(',').append(p).append(',').append(p).append("_ci95");
            }
            sb.append('\n');
            for (Row r : rows) {
                sb.append(fmt(r.load())).append(',').append(fmt(r.arrivalRate())).append(',')
                        .append(fmt(r.bounds().lowerSeconds())).append(',').append(fmt(r.bounds().upperSeconds()));
                for (int i = 0; i < policies.size(); i++) {
                    sb.append(',').append(fmt(r.meanSeconds().get(i))).append(',').append(fmt(r.ci95Seconds().get(i)));
                }
                sb.append('\n');
            }
            return sb.toString();
        }
    }

    /**
     * Runs the experiment.
     *
     * @param fleet    the fleet
     * @param settings the settings
     * @param progress called with a one-line description before each load level
     * @return the table
     * @throws IllegalArgumentException if GBP-CR + GCA with this {@code c} give no chains
     */
    public static Result run(Fleet fleet, Settings settings, Consumer<String> progress) {
        Objects.requireNonNull(fleet, "fleet");
        Plan plan = new CapacitySearch(Objective.LOWER_BOUND, 1).solve(fleet, settings.c());
        if (plan.status() == PlanStatus.INFEASIBLE || plan.chains().isEmpty()) {
            throw new IllegalArgumentException("c = " + settings.c() + " gives no chains on this fleet: " + plan.reason());
        }
        RoutingPlan routing = RoutingPlan.of(plan, 1);
        double nu = routing.totalServiceRatePerSecond();
        List<Row> rows = new ArrayList<>();
        for (double load : settings.loads()) {
            double lambda = load * nu;
            progress.accept(String.format(Locale.ROOT, "load %.2f (lambda %.4f/s)", load, lambda));
            List<Double> means = new ArrayList<>();
            List<Double> cis = new ArrayList<>();
            for (DispatchPolicy p : settings.policies()) {
                double[] m = new double[settings.seeds().size()];
                double batchCi = 0;
                for (int s = 0; s < m.length; s++) {
                    SimulationResult r = Simulator.run(SimulationConfig.of(settings.requests(), settings.seeds().get(s)),
                            PoissonArrivals.atRate(lambda), new ExponentialServiceModel(),
                            new PolicyRoutingModel(p, routing));
                    m[s] = r.responseTime().meanSeconds();
                    batchCi = r.responseMeanCi95();
                }
                ConfidenceInterval ci = ConfidenceInterval.ofMean(m, ConfidenceInterval.CONFIDENCE_95);
                means.add(ci.mean());
                cis.add(m.length > 1 ? ci.halfWidth() : batchCi);
            }
            rows.add(new Row(load, lambda, JffcResponseTimeBounds.bounds(plan.chains(), lambda), means, cis));
        }
        return new Result(plan, settings.policies().stream().map(DispatchPolicy::name).toList(), rows);
    }

    static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "inf";
    }
}
