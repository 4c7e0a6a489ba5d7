package io.chainplan.local.loop;

import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.TopicReader;
import io.chainplan.schemas.serde.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet reports before it takes traffic, as servers register with a real deployment before a
 * load balancer sends them requests: the simulated servers send telemetry (no arrivals) until
 * telemetry-ingest has published an estimate of every one of them on {@code chainplan.server-estimates}
 * and the router has a plan. The model spec declares the run's rate ({@code declaredRatePerSecond}), so the
 * optimizer plans from it and the reported servers once the fleet has settled (issue 16 item 2), without
 * waiting for traffic: no request waits for a first plan. (A 70B model fits on no single GPU: a first plan from
 * the first server estimated alone would be INFEASIBLE; the optimizer waits for the fleet to settle.)
 */
final class FleetAnnouncement {
    private static final Logger LOG = LoggerFactory.getLogger(FleetAnnouncement.class);
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(20);

    private FleetAnnouncement() {
    }

    /**
     * Runs a telemetry-only simulation of the fleet until every server has an estimate and the router has a plan
     * (or {@link #TIMEOUT} of wall time has passed: then the run goes on with what was seen).
     *
     * @param planned   whether the router has a plan
     * @param kafka     client properties
     * @param registry  the schema registry
     * @param topics    topic names
     * @param fleet     the fleet
     * @param quietSim  a simulation of the fleet without arrivals, reporting from now on
     * @param clock     the run's clock
     * @return the ids of the servers estimated
     */
    static Set<String> await(BooleanSupplier planned, Map<String, Object> kafka, SchemaRegistry registry, Topics topics, SimFleet fleet,
            Supplier<FleetSimulation> quietSim, VirtualClock clock) {
        Set<String> wanted = fleet.servers().stream().map(SimServer::id).collect(Collectors.toCollection(TreeSet::new));
        Set<String> seen = new TreeSet<>();
        try (TopicReader<ServerEstimate> reader = TopicObserver.fromBeginning(kafka, "server-estimates",
                topics.serverEstimates(), Topics.valueSerde(ServerEstimate.class, registry).deserializer())) {
            FleetSimulation sim = quietSim.get();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!seen.containsAll(wanted) || !planned.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    LOG.warn("after {}, telemetry-ingest estimated {} of the fleet's servers and the router {} a plan;"
                            + " starting the traffic", TIMEOUT, seen, planned.getAsBoolean() ? "has" : "has no");
                    break;
                }
                sim.advanceTo(clock.elapsedSeconds());
                for (TopicReader.Read<ServerEstimate> r : reader.poll(POLL)) {
                    if (r instanceof TopicReader.Value<ServerEstimate> v) {
                        seen.add(v.value().getServerId());
                    }
                }
            }
        }
        LOG.info("servers estimated before the traffic starts: {}", seen);
        return seen;
    }

    /**
     * @param seed the run's seed
     * @return the generator of the fleet's noise: the same stream for the quiet and the real simulation,
     *         so both declare the same benchmark timings
     */
    static SplittableRandom noise(long seed) {
        return new SplittableRandom(seed + 1);
    }
}
