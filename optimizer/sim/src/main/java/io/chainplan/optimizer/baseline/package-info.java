/**
 * Baselines the paper (arXiv 2604.14993, §6) compares against: PETALS and BPRR block placement with
 * on-arrival path routing over per-server cache pools, and whole-model-per-server chains for JFFC
 * (DESIGN.md §1.3). Pure code: no I/O, no clock; randomness is passed in.
 */
package io.chainplan.optimizer.baseline;
