package io.chainplan.optimizer.service;

import io.chainplan.schemas.serde.FailureMode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Micrometer meters of the optimizer service (issue 7 item 7). Names:
 * <ul>
 *   <li>{@code chainplan.optimizer.solves} (counter; tags {@code trigger}, {@code status}): re-plans run</li>
 *   <li>{@code chainplan.optimizer.solve.time} (timer): wall time of one re-plan (both solves)</li>
 *   <li>{@code chainplan.optimizer.plans.published} (counter; tags {@code status}, {@code kept}):
 *       plans committed to the plans topic</li>
 *   <li>{@code chainplan.optimizer.triggers} (counter; tags {@code kind}, {@code action} = solve|defer)</li>
 *   <li>{@code chainplan.optimizer.dead.letters} (counter; tags {@code topic}, {@code stage}): bad
 *       input records written to the dead-letter topic ({@link FailureMode#DEAD_LETTER})</li>
 *   <li>{@code chainplan.optimizer.skipped.records} (counter; tags {@code topic}, {@code stage}): bad
 *       input records logged and skipped ({@link FailureMode#LOG_AND_SKIP})</li>
 *   <li>{@code chainplan.optimizer.recovery.time} (timer): one recovery of the last plans of the
 *       models taken over, including the wait for open transactions</li>
 *   <li>{@code chainplan.optimizer.recovery.records.read} (counter): plan records read by recoveries
 *       (reading backwards from the end; see {@link PlanRecovery})</li>
 *   <li>{@code chainplan.optimizer.recovery.transaction.waits} (counter): recoveries that found a
 *       transaction open on the plans topic and waited for it to end</li>
 *   <li>{@code chainplan.optimizer.recovery.transaction.waiting} (gauge): 1 while a recovery waits for a
 *       transaction open on the plans topic to end (a crashed or fenced instance's), else 0</li>
 *   <li>{@code chainplan.optimizer.session.restarts} (counter): Kafka sessions restarted after an error</li>
 *   <li>{@code chainplan.optimizer.solve.failures} (counter): solves of one model that threw; no plan was
 *       published for it, the other models' planning went on</li>
 *   <li>{@code chainplan.optimizer.servers.excluded} (counter): servers left out of a published plan
 *       because their timings are implausible for its model (named in the plan's trigger detail)</li>
 *   <li>{@code chainplan.optimizer.registry.unavailable} (counter; tag {@code topic}): input records
 *       that could not be decoded because the schema registry was unavailable; each is read again,
 *       never skipped or dead-lettered</li>
 *   <li>{@code chainplan.optimizer.owned.models} (gauge): models this instance plans for</li>
 * </ul>
 * Counters with tags appear once first incremented. In Prometheus form (served by
 * {@code io.chainplan.metrics.PrometheusEndpoint}) dots become underscores and counters get {@code _total}, e.g.
 * {@code chainplan_optimizer_plans_published_total}; the timer gives
 * {@code chainplan_optimizer_solve_time_seconds_count}/{@code _sum}/{@code _max}.
 */
public final class OptimizerMetrics {
    private final MeterRegistry registry;
    private final Timer solveTime;
    private final Counter restarts;
    private final Timer recoveryTime;
    private final Counter recoveryRecords;
    private final Counter transactionWaits;
    private final AtomicInteger ownedModels = new AtomicInteger();
    private final AtomicInteger waitingForTransactions = new AtomicInteger();

    /**
     * @param registry where meters are registered
     */
    public OptimizerMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.solveTime = Timer.builder("chainplan.optimizer.solve.time")
                .description("Wall time of one re-plan (full search and kept placement)").register(registry);
        this.restarts = Counter.builder("chainplan.optimizer.session.restarts")
                .description("Kafka sessions restarted after an error").register(registry);
        registry.gauge("chainplan.optimizer.owned.models", ownedModels);
        registry.gauge("chainplan.optimizer.recovery.transaction.waiting", waitingForTransactions);
        this.recoveryTime = Timer.builder("chainplan.optimizer.recovery.time")
                .description("Recovery of the last plans of models taken over, incl. waiting for open transactions")
                .register(registry);
        this.recoveryRecords = Counter.builder("chainplan.optimizer.recovery.records.read")
                .description("Plan records read while recovering epochs").register(registry);
        this.transactionWaits = Counter.builder("chainplan.optimizer.recovery.transaction.waits")
                .description("Recoveries that waited for a transaction open on the plans topic").register(registry);
    }

    /** @return the registry */
    public MeterRegistry registry() {
        return registry;
    }

    void registryUnavailable(String topic) {
        registry.counter("chainplan.optimizer.registry.unavailable", "topic", topic).increment();
    }

    void solved(String trigger, String status, Duration took) {
        registry.counter("chainplan.optimizer.solves", "trigger", trigger, "status", status).increment();
        solveTime.record(took);
    }

    void published(String status, boolean kept) {
        registry.counter("chainplan.optimizer.plans.published", "status", status, "kept", Boolean.toString(kept))
                .increment();
    }

    void trigger(String kind, String action) {
        registry.counter("chainplan.optimizer.triggers", "kind", kind, "action", action).increment();
    }

    /**
     * Registers, at 0, the dead-letter and skip counters of each input topic for both stages
     * ({@code deserialize}, {@code validate}), so that they are exported before the first bad record.
     *
     * @param topics the topics the optimizer reads
     */
    void declareInputs(List<String> topics) {
        for (String topic : topics) {
            for (String stage : List.of("deserialize", "validate")) {
                registry.counter("chainplan.optimizer.dead.letters", "topic", topic, "stage", stage);
                registry.counter("chainplan.optimizer.skipped.records", "topic", topic, "stage", stage);
            }
        }
    }

    void deadLetter(String topic, String stage) {
        registry.counter("chainplan.optimizer.dead.letters", "topic", topic, "stage", stage).increment();
    }

    void skipped(String topic, String stage) {
        registry.counter("chainplan.optimizer.skipped.records", "topic", topic, "stage", stage).increment();
    }

    void recovered(Duration took, long recordsRead, boolean waited) {
        recoveryTime.record(took);
        recoveryRecords.increment(recordsRead);
        if (waited) {
            transactionWaits.increment();
        }
    }

    void waitingForTransactions(boolean waiting) {
        waitingForTransactions.set(waiting ? 1 : 0);
    }

    void solveFailed() {
        registry.counter("chainplan.optimizer.solve.failures").increment();
    }

    void serversExcluded(int n) {
        registry.counter("chainplan.optimizer.servers.excluded").increment(n);
    }

    /** @return sessions restarted after an error, so far */
    public double sessionRestarts() {
        return restarts.count();
    }

    /** @return solves that threw, so far */
    public double solveFailures() {
        return registry.counter("chainplan.optimizer.solve.failures").count();
    }

    void restarted() {
        restarts.increment();
    }

    void ownedModels(int n) {
        ownedModels.set(n);
    }

    /**
     * @return plans committed so far, over all tags
     */
    public double plansPublished() {
        return registry.find("chainplan.optimizer.plans.published").counters().stream().mapToDouble(Counter::count).sum();
    }

    /**
     * @return records logged and skipped so far, over all tags
     */
    public double skippedRecords() {
        return registry.find("chainplan.optimizer.skipped.records").counters().stream().mapToDouble(Counter::count)
                .sum();
    }

    /**
     * @return recoveries that waited for a transaction open on the plans topic
     */
    public double recoveryTransactionWaits() {
        return transactionWaits.count();
    }

    /**
     * @return whether a recovery is waiting for a transaction open on the plans topic right now
     */
    public boolean waitingForTransactions() {
        return waitingForTransactions.get() == 1;
    }

    /**
     * @return plan records read by recoveries so far
     */
    public double recoveryRecordsRead() {
        return recoveryRecords.count();
    }

    /**
     * @return models this instance plans for, as last evaluated
     */
    public int ownedModels() {
        return ownedModels.get();
    }

    /**
     * @return records dead-lettered so far, over all tags
     */
    public double deadLetters() {
        return registry.find("chainplan.optimizer.dead.letters").counters().stream().mapToDouble(Counter::count).sum();
    }
}
