package io.chainplan.local.faults;

import io.chainplan.optimizer.audit.PlanAudit;
import io.chainplan.optimizer.replan.PaperSolver;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.TriggerKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The optimizer killed again and again while demand changes: for each of {@code kills} demand steps of a model
 * of the fault's (estimates written to the demand topic, alternating between two levels far enough apart to
 * trigger a re-plan), the {@code chainplan optimizer} process is killed with SIGKILL at a seeded random moment
 * within 0.6 s of the step (before, during or after its publish cycle), started again, and must publish the
 * step's plan; a first and a last step are planned without a kill. Then the epoch audit: the model's epochs are
 * 1..n without gap or duplicate, each step has exactly one plan, and every plan replays to itself
 * ({@code chainplan audit replay --all}). Meanwhile the fault's other model's traffic goes on through ingest.
 */
final class OptimizerKillFault implements Fault {
    private static final int KILL_WINDOW_MILLIS = 600;

    @Override
    public FaultKind kind() {
        return FaultKind.OPTIMIZER_KILL;
    }

    @Override
    public FaultRow run(Suite suite) {
        OwnedStack stack = suite.owned().orElseThrow();
        int kills = suite.settings().kills();
        Duration settle = suite.settings().settle();
        // declared before the other model waits for its first plan, so that the optimizer knows it at the first step
        try (SubjectModel steps = SubjectModel.startFleetOnly(suite, suite.model("optimizer-kill-steps"), suite.producer())) {
            FaultRun run = new FaultRun(suite, kind());
            Deliveries demand = new Deliveries(suite.producer());
            List<Double> rates = new ArrayList<>();
            List<String> recoveries = new ArrayList<>();
            run.faultStarts();
            for (int i = 0; i <= kills + 1; i++) {
                double rate = (i % 2 == 0 ? 1.0 : 2.0) * (1 + 0.1 * i);
                rates.add(rate);
                String key = steps.id();
                demand.send("demand step " + i, suite.topics().demandEstimates(), key,
                        suite.serdes().demand().serialize(suite.topics().demandEstimates(), Records.demand(key, rate,
                                System.currentTimeMillis())));
                long restarted = 0;
                if (i >= 1 && i <= kills) {
                    Waits.hold(Duration.ofMillis(suite.random().nextInt(KILL_WINDOW_MILLIS)));
                    stack.killOptimizer();
                    restarted = System.currentTimeMillis();
                    stack.startOptimizer();
                    if (i == kills) {
                        run.faultEnds();
                    }
                }
                Optional<Long> planned = awaitPlan(steps, rate, settle);
                if (planned.isEmpty()) {
                    run.problem(String.format(Locale.ROOT, "no plan for demand step %d (%.2f req/s) within %d s", i, rate,
                            settle.toSeconds()));
                } else if (restarted > 0 && planned.get() < restarted) {
                    recoveries.add("planned before the kill");
                } else if (restarted > 0) {
                    Duration took = Duration.ofMillis(planned.get() - restarted);
                    run.recovered(took);
                    recoveries.add(String.format(Locale.ROOT, "%.1f s", took.toMillis() / 1000.0));
                }
                if (!stack.optimizerAlive()) {
                    run.problem("the optimizer process stopped by itself after step " + i + " (see " + stack.dir() + "/optimizer-*.log)");
                    stack.startOptimizer();
                }
            }
            demand.awaitCompleted(settle);
            audit(run, steps.plans().stream().map(OutputWatch.Seen::value).toList(), rates, demand.acked().size());
            run.note("each kill's step, from the restart to its plan: " + String.join(", ", recoveries));
            steps.stop(settle);
            return run.finish(kills, kills + " SIGKILLs of the chainplan optimizer process, each within "
                    + KILL_WINDOW_MILLIS / 1000.0 + " s of a demand step");
        }
    }

    private static Optional<Long> awaitPlan(SubjectModel model, double rate, Duration timeout) {
        Waits.until(timeout, () -> planOf(model, rate).isPresent());
        return planOf(model, rate);
    }

    private static Optional<Long> planOf(SubjectModel model, double rate) {
        return model.plans().stream().filter(p -> forStep(p.value(), rate)).map(OutputWatch.Seen::receivedMillis).findFirst();
    }

    /** @return whether the plan answers the demand step of this rate (not a plan of another trigger) */
    private static boolean forStep(ChainPlan p, double rate) {
        TriggerKind k = p.getTrigger().getKind();
        return (k == TriggerKind.INITIAL || k == TriggerKind.DEMAND_SHIFT)
                && Math.abs(p.getInputs().getArrivalRatePerSecond() - rate) < 1e-9;
    }

    /** The epoch audit: gaps, duplicates, one plan per step, and every plan replayed. */
    private static void audit(FaultRun run, List<ChainPlan> plans, List<Double> rates, int acked) {
        Accounting.Epochs epochs = Accounting.epochs(plans.stream().map(ChainPlan::getEpoch).toList());
        long planned = 0;
        long extra = 0;
        for (double rate : rates) {
            long n = plans.stream().filter(p -> forStep(p, rate)).count();
            planned += n > 0 ? 1 : 0;
            extra += Math.max(0, n - 1);
        }
        long unplanned = rates.size() - planned;
        run.extra(rates.size(), acked, planned, unplanned + epochs.missing().size(), extra + epochs.duplicated());
        PaperSolver solver = new PaperSolver(1);
        long identical = 0;
        for (ChainPlan p : plans) {
            PlanAudit.Replay r = PlanAudit.replay(p, solver);
            if (r.identical()) {
                identical++;
            } else {
                run.problem("plan epoch " + p.getEpoch() + " does not replay: " + r.differences());
            }
        }
        if (!epochs.missing().isEmpty()) {
            run.problem("missing epochs " + epochs.missing());
        }
        String others = plans.stream().filter(p -> rates.stream().noneMatch(r -> forStep(p, r)))
                .map(p -> p.getEpoch() + " " + p.getTrigger().getKind()).collect(Collectors.joining(", "));
        run.note(String.format(Locale.ROOT, "epoch audit of %s: %d plans, epochs %s, %d missing, %d repeated; %d of %d demand steps"
                        + " planned, %d planned twice; replay identical %d of %d%s", plans.isEmpty() ? "-" : plans.get(0).getModelId(),
                plans.size(), plans.isEmpty() ? "-" : plans.get(0).getEpoch() + ".." + plans.get(plans.size() - 1).getEpoch(),
                epochs.missing().size(), epochs.duplicated(), planned, rates.size(), extra, identical, plans.size(),
                others.isEmpty() ? "" : "; other plans: " + others));
    }
}
