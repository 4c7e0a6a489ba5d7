package io.chainplan.cli;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.sim.ExponentialServiceModel;
import io.chainplan.optimizer.sim.PoissonArrivals;
import io.chainplan.optimizer.sim.PolicyRoutingModel;
import io.chainplan.optimizer.sim.SimulationConfig;
import io.chainplan.optimizer.sim.SimulationResult;
import io.chainplan.optimizer.sim.Simulator;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.DispatchPolicies;
import io.chainplan.router.policy.DispatchPolicy;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chainplan bench simulate}: speed of the simulator (one thread) with the router library's
 * policies over random chains (capacity 1-8, service time 1-10 s) at a given load, Poisson arrivals
 * and exponential service. Prints requests per second per policy (goal: at least 1 million with JFFC
 * over 100 chains).
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Benchmark the simulator: simulated requests per second on one thread.")
public final class BenchSimulateCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--chains", defaultValue = "100", description = "Number of chains (default ${DEFAULT-VALUE}).")
    private int chains;

    @Option(names = "--requests", defaultValue = "5000000", description = "Requests per run (default ${DEFAULT-VALUE}).")
    private long requests;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs per policy (default ${DEFAULT-VALUE}).")
    private int runs;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed warm-up runs per policy (default ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--load", defaultValue = "0.7", description = "Load, fraction of the chains' total rate (default ${DEFAULT-VALUE}).")
    private double load;

    @Option(names = "--policies", split = ",", defaultValue = "jffc", description = "Policies (default ${DEFAULT-VALUE}).")
    private List<String> policies;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of chains and runs (default ${DEFAULT-VALUE}).")
    private long seed;

    @CommandLine.Mixin

    private VerboseOption verbose;

    @Override
    public Integer call() {
        if (chains < 1 || requests < 10 || runs < 1 || warmup < 0 || !(load > 0 && load < 1)) {
            throw new UsageException("need --chains >= 1, --requests >= 10, --runs >= 1, --warmup >= 0, --load in (0, 1)");
        }
        RoutingPlan plan = randomPlan(chains, new SplittableRandom(seed));
        double lambda = load * plan.totalServiceRatePerSecond();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "# chainplan bench simulate: %d chains (total capacity %d), load %.2f, %d requests per run,"
                + " %d timed runs after %d warm-up, one thread, max heap %d MB%n", chains, plan.totalCapacity(), load, requests,
                runs, warmup, Runtime.getRuntime().maxMemory() >> 20);
        out.printf(Locale.ROOT, "%-8s %7s %12s %12s %14s %14s %12s%n", "policy", "chains", "requests", "median_s",
                "median_req/s", "best_req/s", "mean_resp_s");
        out.flush();
        for (String name : policies) {
            DispatchPolicy p;
            try {
                p = DispatchPolicies.byName(name);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
            }
            row(out, p, plan, lambda);
        }
        return 0;
    }

    private void row(PrintWriter out, DispatchPolicy p, RoutingPlan plan, double lambda) {
        double[] seconds = new double[runs];
        SimulationResult last = null;
        for (int i = -warmup; i < runs; i++) {
            long t0 = System.nanoTime();
            last = Simulator.run(SimulationConfig.of(requests, seed + i), PoissonArrivals.atRate(lambda),
                    new ExponentialServiceModel(), new PolicyRoutingModel(p, plan));
            double s = (System.nanoTime() - t0) / 1e9;
            if (i >= 0) {
                seconds[i] = s;
            }
        }
        Arrays.sort(seconds);
        double median = seconds[runs / 2];
        out.printf(Locale.ROOT, "%-8s %7d %12d %12.3f %14.0f %14.0f %12.4f%n", p.name(), plan.chainCount(), requests, median,
                requests / median, requests / seconds[0], last.responseTime().meanSeconds());
        out.flush();
    }

    static RoutingPlan randomPlan(int k, SplittableRandom random) {
        List<Chain> list = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            list.add(new Chain(List.of(new Hop("s" + i, 0, 70)), 1 + random.nextInt(8), 1 + random.nextDouble() * 9));
        }
        return new RoutingPlan("bench", 1, list);
    }
}
