package io.chainplan.local.loop;

import io.chainplan.optimizer.sim.ServiceModel;
import io.chainplan.optimizer.sim.SimHop;
import io.chainplan.optimizer.sim.SimRoute;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The simulated fleet's service times as an {@link ServiceModel} for the optimizer's simulator, so a
 * baseline simulated offline sees exactly the physics of {@link FleetSimulation}: per hop, token-driven
 * compute ({@link SimServer#blockComputeSeconds}) times the hop's blocks and network
 * ({@link SimServer#hopNetworkSeconds}), each with the same log-normal noise.
 * <p>Immutable; randomness comes from the simulator.
 */
public final class FleetServiceModel implements ServiceModel {
    private final SimFleet fleet;
    private final FleetSimulation.Settings settings;

    /**
     * @param fleet    the fleet (true timings by server id)
     * @param settings the noise settings
     */
    public FleetServiceModel(SimFleet fleet, FleetSimulation.Settings settings) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public double serviceSeconds(SimRoute route, int inputTokens, int outputTokens, RandomGenerator random) {
        if (route.hops().isEmpty()) {
            throw new IllegalArgumentException("the fleet's service model needs the route's hops; route has none");
        }
        double total = 0;
        for (SimHop hop : route.hops()) {
            int j = fleet.indexOf(hop.serverId());
            if (j < 0) {
                throw new IllegalArgumentException("route names server " + hop.serverId() + ", not in the fleet");
            }
            SimServer s = fleet.servers().get(j);
            total += hop.blocks() * s.blockComputeSeconds(inputTokens, outputTokens)
                    * Noise.lognormal(random, settings.computeNoiseCv());
            total += s.hopNetworkSeconds(outputTokens) * Noise.lognormal(random, settings.networkNoiseCv());
        }
        return Math.max(total, Double.MIN_NORMAL);
    }

    @Override
    public String name() {
        return "fleet-tokens";
    }
}
