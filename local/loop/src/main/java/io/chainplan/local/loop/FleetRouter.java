package io.chainplan.local.loop;

import io.chainplan.optimizer.model.Hop;
import io.chainplan.router.dispatch.Dispatcher;
import io.chainplan.router.dispatch.RoutingPlan;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The simulated fleet's router: where {@link FleetSimulation} leases chains. {@link #embedded} is the
 * router library's {@link Dispatcher} in this process; {@link ServiceRouter} goes through the dispatch
 * service over HTTP ({@code chainplan local --dispatch service}, the default).
 */
public interface FleetRouter extends AutoCloseable {
    /**
     * A chain leased for one request.
     *
     * @param epoch               plan epoch of the lease
     * @param chainIndex          chain index in that plan
     * @param hops                the chain's hops
     * @param release             gives the lease back (once)
     * @param overheadWallSeconds wall time the router itself spent on the grant (HTTP and the lease log's
     *                            Kafka transaction), apart from any wait in the central queue; 0 in-process
     */
    record Lease(long epoch, int chainIndex, List<Hop> hops, Runnable release, double overheadWallSeconds) {
        /** Validates and copies. */
        public Lease {
            hops = List.copyOf(hops);
            Objects.requireNonNull(release, "release");
            if (!(overheadWallSeconds >= 0)) {
                throw new IllegalArgumentException("overheadWallSeconds must be >= 0, was " + overheadWallSeconds);
            }
        }
    }

    /** @return the plan new requests are dispatched to, as the router knows it */
    Optional<RoutingPlan> currentPlan();

    /** @return a lease, completed when a chain is granted (on any thread) */
    CompletableFuture<Lease> acquire();

    /** @return requests waiting for a lease */
    int queueLength();

    /**
     * @return whether the router's own round trips lag behind the simulation (a release long pending), so that
     *         the loop should hold the virtual clock back to wall speed; never for the embedded router
     */
    default boolean lagging() {
        return false;
    }

    /** Stops what the router started (nothing for the embedded one). */
    @Override
    default void close() {
    }

    /**
     * @param dispatcher the dispatcher, fed by a plan subscriber
     * @return the embedded router: leases from the dispatcher in this process
     */
    static FleetRouter embedded(Dispatcher dispatcher) {
        Objects.requireNonNull(dispatcher, "dispatcher");
        return new FleetRouter() {
            @Override
            public Optional<RoutingPlan> currentPlan() {
                return dispatcher.currentPlan();
            }

            @Override
            public CompletableFuture<Lease> acquire() {
                return dispatcher.acquireAsync().thenApply(l -> new Lease(l.epoch(), l.chainIndex(), l.hops(),
                        () -> dispatcher.release(l), 0));
            }

            @Override
            public int queueLength() {
                return dispatcher.queueLength();
            }
        };
    }
}
