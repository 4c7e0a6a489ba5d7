/**
 * Confidence intervals, pure (no I/O, no clock) and backed by Apache Commons Statistics: of a mean
 * ({@link io.chainplan.stats.ConfidenceInterval}: Student t over independent values or batch means)
 * and of a Poisson rate ({@link io.chainplan.stats.PoissonInterval}: exact, Garwood).
 */
package io.chainplan.stats;
