/**
 * Experiment runners reproducing the paper's §5 comparisons (DESIGN.md §1.3) on the simulator:
 * dispatch policies against the Theorem 4 bounds, and the choice of the cache reservation {@code c}.
 * Deterministic for their seeds; plotting and file output live in the cli module.
 */
package io.chainplan.optimizer.experiment;
