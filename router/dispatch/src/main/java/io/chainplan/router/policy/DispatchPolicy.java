package io.chainplan.router.policy;

import io.chainplan.optimizer.model.Chain;
import java.util.List;
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
     * Creates the dispatch state for a plan's chains, with every chain empty and no request queued.
     *
     * @param chains the chains requests are dispatched to; chain {@code k} is position {@code k}
     * @param random source of randomness for randomised policies (JIQ); unused by the others
     * @return a new, not thread-safe state
     */
    DispatchState newState(List<Chain> chains, RandomGenerator random);
}
