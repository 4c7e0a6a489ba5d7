package io.chainplan.local.loop;

import io.chainplan.optimizer.baseline.BaselinePlacement;
import io.chainplan.optimizer.baseline.CachePool;
import io.chainplan.optimizer.baseline.HopCostRule;
import io.chainplan.optimizer.baseline.PetalsBlockPlacement;
import io.chainplan.optimizer.baseline.PooledRoutingModel;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.sim.RequestTrace;
import io.chainplan.optimizer.sim.SimulationConfig;
import io.chainplan.optimizer.sim.SimulationResult;
import io.chainplan.optimizer.sim.Simulator;
import io.chainplan.optimizer.sim.TraceArrivals;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code --compare petals}: the same arrivals (times and tokens) served by the same simulated servers
 * under PETALS' placement and routing, computed offline with the optimizer's discrete-event simulator:
 * {@link PetalsBlockPlacement} (the attention cache a PETALS server reserves per block by default,
 * {@link SimModel#petalsReservedRequestsPerBlock}, as its cache pool; seeded join order, least-served windows) and {@link PooledRoutingModel} with {@link HopCostRule#petals PETALS' routing cost} (cheapest
 * path on arrival, 10 s penalty for a server believed to lack cache, no central queue, waiting on the
 * server), with service times from {@link SimFleet#serviceModel} (the closed loop's physics and noise).
 * PETALS gets the true server timings, not estimates.
 */
public final class PetalsComparison {
    /** PETALS' {@code alloc_delay}: routing penalty for a server believed to lack cache, seconds. */
    public static final double PENALTY_SECONDS = 10.0;

    private PetalsComparison() {
    }

    /**
     * Outcome of the comparison.
     *
     * @param requests   requests simulated
     * @param placement  PETALS' placement
     * @param result     the simulator's statistics
     */
    public record Result(int requests, BaselinePlacement placement, SimulationResult result) {
        /**
         * @return one line describing PETALS' placement, e.g. "mig40-1 [0,32) 64 slots (2 at once), ...": each
         *         server's blocks, its cache slots and how many requests they hold at once
         */
        public String describePlacement() {
            StringBuilder b = new StringBuilder();
            placement.placement().servers().forEach(s -> b.append(String.format(Locale.ROOT, "%s [%d,%d) %d slots (%d at once); ",
                    s.serverId(), s.range().start(), s.range().end(), s.cacheSlots(),
                    s.cacheSlots() / Math.max(1, s.range().end() - s.range().start()))));
            return b.toString().trim();
        }
    }

    /**
     * Runs PETALS on the arrivals.
     *
     * @param fleet    the simulated fleet
     * @param settings its noise settings
     * @param arrivals the arrivals, in time order (times are shifted to start at the first one)
     * @param seed     seed of the join order and the service noise
     * @return the result
     * @throws IllegalArgumentException if there are no arrivals or PETALS cannot cover the model
     */
    public static Result run(SimFleet fleet, FleetSimulation.Settings settings, List<Arrival> arrivals, long seed) {
        if (arrivals.isEmpty()) {
            throw new IllegalArgumentException("no arrivals to replay");
        }
        Fleet f = toFleet(fleet, arrivals);
        BaselinePlacement bp = new PetalsBlockPlacement(fleet.model().petalsReservedRequestsPerBlock(), CachePool.RESERVED)
                .place(f, new SplittableRandom(seed));
        if (!bp.coversAllBlocks()) {
            throw new IllegalArgumentException("PETALS' placement does not cover all " + fleet.model().blocks() + " blocks");
        }
        PooledRoutingModel routing = new PooledRoutingModel("petals", f, bp.placement(), HopCostRule.petals(PENALTY_SECONDS));
        int n = arrivals.size();
        SimulationResult r = Simulator.run(replayConfig(n, seed), new TraceArrivals(trace(arrivals)),
                fleet.serviceModel(settings.computeNoiseCv(), settings.networkNoiseCv()), routing);
        return new Result(n, bp, r);
    }

    /**
     * @param arrivals arrivals in time order
     * @return them as a trace starting at the first one (times and tokens)
     */
    static RequestTrace trace(List<Arrival> arrivals) {
        int n = arrivals.size();
        double t0 = arrivals.get(0).timeSeconds();
        double[] times = new double[n];
        int[] in = new int[n];
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            times[i] = arrivals.get(i).timeSeconds() - t0;
            in[i] = arrivals.get(i).inputTokens();
            out[i] = arrivals.get(i).outputTokens();
        }
        return new RequestTrace(times, in, out);
    }

    /**
     * @param requests requests replayed, all measured (no warm-up)
     * @param seed     seed of the service noise
     * @return the simulator's settings for replaying a run's arrivals
     */
    static SimulationConfig replayConfig(int requests, long seed) {
        return new SimulationConfig(requests, 0, seed, Math.max(2, Math.min(20, requests / 10)));
    }

    /**
     * The fleet as the optimizer's model sees it: true mean timings at the model's typical tokens.
     *
     * @param fleet    the simulated fleet
     * @param arrivals arrivals, for the mean rate
     * @return the solver's fleet
     */
    static Fleet toFleet(SimFleet fleet, List<Arrival> arrivals) {
        SimModel m = fleet.model();
        ModelSpec spec = new ModelSpec(m.id(), m.blocks(), m.blockBytes(), m.cacheBytesPerBlockPerJob());
        List<Server> servers = fleet.servers().stream()
                .map(s -> new Server(s.id(), s.memoryBytes(), s.tauC(m), s.tauP(m))).toList();
        double span = arrivals.get(arrivals.size() - 1).timeSeconds() - arrivals.get(0).timeSeconds();
        double rate = span > 0 ? arrivals.size() / span : 1;
        return new Fleet(spec, servers, rate, Fleet.DEFAULT_TARGET_LOAD);
    }
}
