/**
 * Audit of the plans topic, the log being the only store (issue 7 item 6): read every committed
 * plan of a model ({@link io.chainplan.optimizer.audit.PlanLog}), list, show and diff plans, and
 * replay their recorded inputs through the solver ({@link io.chainplan.optimizer.audit.PlanAudit}).
 */
package io.chainplan.optimizer.audit;
