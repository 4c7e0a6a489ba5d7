package io.chainplan.optimizer.experiment;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.sim.ExponentialServiceModel;
import io.chainplan.optimizer.sim.PoissonArrivals;
import io.chainplan.optimizer.sim.PolicyRoutingModel;
import io.chainplan.optimizer.sim.SimulationConfig;
import io.chainplan.optimizer.sim.Simulator;
import io.chainplan.optimizer.tuning.CapacitySearch;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.JffcDispatchPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Which cache reservation {@code c} is best (DESIGN.md §1.2 "Choosing c", the paper's §5): for each
 * arrival rate, the {@code c*} each objective of {@link CapacitySearch} picks, against the {@code c}
 * whose GBP-CR + GCA chains give the lowest simulated JFFC mean response time (Poisson arrivals,
 * exponential service, averaged over seeds). Every {@code c} from 1 to
 * {@link CapacitySearch#maxCacheReservation} with a stable plan is simulated; values of {@code c} with
 * identical chains share one simulation.
 * <p>Deterministic for its inputs. Runs sequentially.
 */
public final class TuneCExperiment {
    private TuneCExperiment() {
    }

    /**
     * Settings.
     *
     * @param arrivalRates rates {@code lambda} to test, each {@code > 0}
     * @param objectives   the objectives to compare
     * @param seeds        simulation seeds
     * @param requests     requests per simulation (10% warm-up)
     */
    public record Settings(List<Double> arrivalRates, List<Objective> objectives, List<Long> seeds, long requests) {
        /** Validates and copies. */
        public Settings {
            arrivalRates = List.copyOf(arrivalRates);
            objectives = List.copyOf(objectives);
            seeds = List.copyOf(seeds);
            for (double r : arrivalRates) {
                if (!(r > 0) || Double.isInfinite(r)) {
                    throw new IllegalArgumentException("arrival rates must be finite and > 0, was " + r);
                }
            }
            if (objectives.isEmpty() || seeds.isEmpty()) {
                throw new IllegalArgumentException("objectives and seeds must not be empty");
            }
            if (requests < 10) {
                throw new IllegalArgumentException("requests must be >= 10, was " + requests);
            }
        }
    }

    /**
     * One arrival rate.
     *
     * @param arrivalRate      {@code lambda}
     * @param chosenC          per objective (settings order), the {@code c*} it picks (0 if none stable)
     * @param chosenMeanSeconds per objective, the simulated mean at its {@code c*} (NaN if none)
     * @param bestC            the {@code c} with the lowest simulated mean (ties: smaller c; 0 if none stable)
     * @param bestMeanSeconds  that mean
     * @param stableCandidates number of {@code c} values with a stable plan
     */
    public record Row(double arrivalRate, List<Integer> chosenC, List<Double> chosenMeanSeconds, int bestC,
            double bestMeanSeconds, int stableCandidates) {
        /** Copies. */
        public Row {
            chosenC = List.copyOf(chosenC);
            chosenMeanSeconds = List.copyOf(chosenMeanSeconds);
        }
    }

    /**
     * The outcome.
     *
     * @param objectives objective names, column order
     * @param rows       one row per rate
     */
    public record Result(List<String> objectives, List<Row> rows) {
        /** Copies. */
        public Result {
            objectives = List.copyOf(objectives);
            rows = List.copyOf(rows);
        }

        /**
         * CSV: {@code lambda,<objective>_c,<objective>_mean,...,sim_best_c,sim_best_mean,stable_candidates}.
         *
         * @return CSV text with a header line
         */
        public String toCsv() {
            StringBuilder sb = new StringBuilder("lambda");
            for (String o : objectives) {
                sb.append(',').append(o).append("_c,").append(o).append("_mean");
            }
            sb.append(",sim_best_c,sim_best_mean,stable_candidates\n");
            for (Row r : rows) {
                sb.append(PoliciesExperiment.fmt(r.arrivalRate()));
                for (int i = 0; i < objectives.size(); i++) {
                    sb.append(',').append(r.chosenC().get(i)).append(',')
                            .append(PoliciesExperiment.fmt(r.chosenMeanSeconds().get(i)));
                }
                sb.append(',').append(r.bestC()).append(',').append(PoliciesExperiment.fmt(r.bestMeanSeconds()))
                        .append(',').append(r.stableCandidates()).append('\n');
            }
            return sb.toString();
        }
    }

    /**
     * Runs the experiment.
     *
     * @param fleet    the fleet (its arrival rate is replaced by each tested rate)
     * @param settings the settings
     * @param progress called with a one-line description before each rate
     * @return the table
     */
    public static Result run(Fleet fleet, Settings settings, Consumer<String> progress) {
        Objects.requireNonNull(fleet, "fleet");
        List<Row> rows = new ArrayList<>();
        for (double lambda : settings.arrivalRates()) {
            progress.accept(String.format(Locale.ROOT, "lambda %.4f/s", lambda));
            rows.add(row(fleet.withArrivalRate(lambda), settings));
        }
        return new Result(settings.objectives().stream().map(Objective::cliName).toList(), rows);
    }

    private static Row row(Fleet fleet, Settings settings) {
        CapacitySearch fixed = new CapacitySearch(Objective.LOWER_BOUND, 1);
        Map<List<Chain>, Double> simulated = new HashMap<>();
        Map<Integer, Double> meanByC = new HashMap<>();
        int bestC = 0;
        double bestMean = Double.NaN;
        for (int c = 1; c <= CapacitySearch.maxCacheReservation(fleet); c++) {
            Plan plan = fixed.solve(fleet, c);
            if (plan.status() != PlanStatus.OK) {
                continue;
            }
            double mean = simulated.computeIfAbsent(plan.chains(), chains -> simulate(plan, fleet, settings));
            meanByC.put(c, mean);
            if (bestC == 0 || mean < bestMean) {
                bestC = c;
                bestMean = mean;
            }
        }
        List<Integer> chosen = new ArrayList<>();
        List<Double> chosenMean = new ArrayList<>();
        for (Objective o : settings.objectives()) {
            Plan p = new CapacitySearch(o, 1).solve(fleet);
            int c = p.status() == PlanStatus.OK ? p.c() : 0;
            chosen.add(c);
            chosenMean.add(meanByC.getOrDefault(c, Double.NaN));
        }
        return new Row(fleet.arrivalRatePerSecond(), chosen, chosenMean, bestC, bestMean, meanByC.size());
    }

    private static double simulate(Plan plan, Fleet fleet, Settings settings) {
        double[] m = new double[settings.seeds().size()];
        for (int s = 0; s < m.length; s++) {
            m[s] = Simulator.run(SimulationConfig.of(settings.requests(), settings.seeds().get(s)),
                    PoissonArrivals.atRate(fleet.arrivalRatePerSecond()), new ExponentialServiceModel(),
                    new PolicyRoutingModel(new JffcDispatchPolicy(), RoutingPlan.of(plan, 1)))
                    .responseTime().meanSeconds();
        }
        return Arrays.stream(m).average().orElse(Double.NaN);
    }
}
