package io.chainplan.optimizer.sim;

import io.chainplan.optimizer.model.Chain;

/**
 * What the event core offers a {@link RoutingModel.RoutingRun}: the clock of the simulation, the
 * requests' token counts and service sampling, and starting a request's service on a route.
 * Requests are identified by small non-negative ints, valid from arrival until departure.
 */
public interface SimContext {
    /**
     * Current simulated time.
     *
     * @return seconds from the start of the run
     */
    double now();

    /**
     * Samples the service time of {@code request} on {@code chain} from the run's service model.
     *
     * @param request the request
     * @param chain   the chain it will run on
     * @return seconds
     */
    double sampleServiceSeconds(int request, Chain chain);

    /**
     * Starts serving {@code request} now; the core calls
     * {@link RoutingModel.RoutingRun#onDeparture} after {@code serviceSeconds}.
     *
     * @param request        the request, waiting since its arrival
     * @param route          route index (for per-route utilisation), in {@code [0, routeCount)}
     * @param serviceSeconds its service time, {@code >= 0}
     */
    void startService(int request, int route, double serviceSeconds);

    /**
     * Input tokens of a request.
     *
     * @param request the request
     * @return {@code l_in}
     */
    int inputTokens(int request);

    /**
     * Output tokens of a request.
     *
     * @param request the request
     * @return {@code l_out}
     */
    int outputTokens(int request);
}
