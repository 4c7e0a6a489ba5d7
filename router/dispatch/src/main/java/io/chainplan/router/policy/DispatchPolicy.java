package io.chainplan.router.policy;

import io.chainplan.router.dispatch.RoutingPlan;
import java.util.random.RandomGenerator;

/**
 * A rule for assigning arriving requests to chains with capacities (DESIGN.md §1.2). The policy
 * object is immutable and stateless; {@link #newState} creates the mutable per-plan state that makes
 * the decisions. The same state objects drive the production {@link io.chainplan.router.dispatch.Dispatcher}
 * (under its lock) and the simulator (single-threaded), so the simulated logic is the production logic.
 */
public interface DispatchPolicy {
    /**
     * Short lower-case name used on command lines and in reports, e.g. {@code "jffc"}.
     *
     * @return the name
     */
    String name();

    /**
     * Creates the dispatch state for a plan, with every chain empty and no request queued.
     *
     * @param plan   the plan whose chains requests are dispatched to
     * @param random source of randomness for randomised policies (JIQ); unused by the others
     * @return a new, not thread-safe state
     */
    DispatchState newState(RoutingPlan plan, RandomGenerator random);
}
