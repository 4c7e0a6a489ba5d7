/**
 * The optimizer service (DESIGN.md §2, issue 7): consumes model specs, server estimates and
 * demand estimates, keeps the latest view per model, re-solves when a trigger holds
 * ({@link io.chainplan.optimizer.replan}), and publishes {@code ChainPlan} records on the plans
 * topic in Kafka transactions together with the consumed offsets. Also the Avro &lt;-&gt; domain
 * mappers. See {@link io.chainplan.optimizer.service.OptimizerService} for the delivery
 * guarantees.
 */
package io.chainplan.optimizer.service;
