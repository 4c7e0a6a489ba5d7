/** Readers of recorded request traces (files), turning them into pure {@link io.chainplan.optimizer.sim.RequestTrace}s. */
package io.chainplan.optimizer.trace;
