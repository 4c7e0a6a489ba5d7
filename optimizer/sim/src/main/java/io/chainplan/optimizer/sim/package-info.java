/**
 * Discrete-event simulator of request dispatch over chains (DESIGN.md §1.2, §1.3): pure and
 * deterministic for a seed, no clock or I/O. An event core ({@link io.chainplan.optimizer.sim.Simulator})
 * drives a pluggable {@link io.chainplan.optimizer.sim.RoutingModel}; the JFFC family runs the router
 * library's own dispatch states ({@link io.chainplan.optimizer.sim.PolicyRoutingModel}).
 */
package io.chainplan.optimizer.sim;
