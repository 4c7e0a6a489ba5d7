/**
 * Pure re-planning decisions of the optimizer service (DESIGN.md §2.3, §2.4): when to re-solve
 * ({@link io.chainplan.optimizer.replan.TriggerDetector}, debounced by
 * {@link io.chainplan.optimizer.replan.ReplanPolicy}), whether to move blocks or keep the current
 * placement and only redo the cache allocation ({@link io.chainplan.optimizer.replan.Replanner},
 * {@link io.chainplan.optimizer.replan.KeepOrMove}), and what a new placement moves
 * ({@link io.chainplan.optimizer.replan.PlacementDiff}).
 * <p>No Kafka, Avro, clock or I/O: time is passed in as epoch milliseconds taken from an
 * {@code InstantSource} by the caller.
 */
package io.chainplan.optimizer.replan;
