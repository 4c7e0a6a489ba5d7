package io.chainplan.optimizer.sim;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * How the simulated system routes requests: the pluggable part of the {@link Simulator}. The JFFC
 * family with a central queue is {@link PolicyRoutingModel}; baselines that route on arrival along a
 * cheapest path with per-server cache pools and per-server waiting (PETALS, BPRR, DESIGN.md §1.3)
 * implement this interface too, keeping their queues in their {@link RoutingRun}.
 * <p>The model itself is immutable and reusable; {@link #newRun} makes the per-run state.
 */
public interface RoutingModel {
    /**
     * Name for reports, e.g. {@code "jffc"}.
     *
     * @return the name
     */
    String name();

    /**
     * The routes service is accounted to (for utilisation): labels in route-index order.
     *
     * @return one label per route
     */
    List<String> routeLabels();

    /**
     * Capacity of route {@code route}, for utilisation ({@code busy time / (capacity * duration)}).
     *
     * @param route route index
     * @return concurrent requests the route can serve, {@code >= 1}
     */
    int routeCapacity(int route);

    /**
     * Creates the mutable state of one run.
     *
     * @param random the run's routing generator (for randomised routing)
     * @return fresh state
     */
    RoutingRun newRun(RandomGenerator random);

    /** Mutable per-run routing state, driven by the event core. */
    interface RoutingRun {
        /**
         * A request arrived: start it (via {@link SimContext#startService}) or keep it waiting.
         *
         * @param ctx     the core
         * @param request the request
         */
        void onArrival(SimContext ctx, int request);

        /**
         * A request finished its service on {@code route}: free its resources and start waiting requests.
         * The request's id may be reused after this returns.
         *
         * @param ctx     the core
         * @param request the request
         * @param route   the route it was served on
         */
        void onDeparture(SimContext ctx, int request, int route);
    }
}
