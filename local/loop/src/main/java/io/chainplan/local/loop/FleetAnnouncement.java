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
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet reports before it takes traffic, as servers register with a real deployment before a
 * load balancer sends them requests: the simulated servers send telemetry (no arrivals) until
 * telemetry-ingest has published an estimate of every one of them on {@code chainplan.server-estimates},
 * so that the optimizer's first plan sees the whole fleet. (A 70B model fits on no single GPU: a first
 * plan from the first server estimated alone would be INFEASIBLE.)
 */
final class FleetAnnouncement {
    private static final Logger LOG = LoggerFactory.getLogger(FleetAnnouncement.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(20);

    private FleetAnnouncement() {
    }

    /**
     * Runs a telemetry-only simulation of the fleet until every server has an estimate (or
     * {@link #TIMEOUT} of wall time has passed: then the run goes on with what was seen).
     *
     * @param kafka     client properties
     * @param registry  the schema registry
     * @param topics    topic names
     * @param fleet     the fleet
     * @param quietSim  a simulation of the fleet without arrivals, reporting from now on
     * @param clock     the run's clock
     * @return the ids of the servers estimated
     */
    static Set<String> await(Map<String, Object> kafka, SchemaRegistry registry, Topics topics, SimFleet fleet,
            Supplier<FleetSimulation> quietSim, VirtualClock clock) {
        Set<String> wanted = fleet.servers().stream().map(SimServer::id).collect(Collectors.toCollection(TreeSet::new));
        Set<String> seen = new TreeSet<>();
        try (TopicReader<ServerEstimate> reader = TopicObserver.fromBeginning(kafka, "server-estimates",
                topics.serverEstimates(), Topics.valueSerde(ServerEstimate.class, registry).deserializer())) {
            FleetSimulation sim = quietSim.get();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!seen.containsAll(wanted)) {
                if (System.nanoTime() > deadline) {
                    LOG.warn("telemetry-ingest estimated only {} of the fleet's servers after {}; starting the traffic",
                            seen, TIMEOUT);
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
