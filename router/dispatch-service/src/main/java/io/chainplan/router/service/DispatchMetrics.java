package io.chainplan.router.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dispatch service's meters, beside those of each model's {@link io.chainplan.router.dispatch.Dispatcher}
 * ({@code chainplan.router.queue.length}, {@code .in.service} per chain, {@code .wait}, {@code .plan.epoch},
 * {@code .plans.applied}, the names the router panels of {@code ops/grafana} query). Per model, tag
 * {@code model}: counters {@code chainplan.router.leases.granted}, {@code .released}, {@code .renewed},
 * {@code .expired} and {@code .restored} (rebuilt from {@code chainplan.leases} on takeover). Per instance:
 * gauge {@code chainplan.dispatch.owned.models}, timer {@code chainplan.dispatch.log.commit} (one
 * transaction of lease records; {@code chainplan.dispatch.log.step} with tag {@code step} = flush or
 * commit times its two steps; {@code chainplan.dispatch.log.queue.wait}, how long a lease change waited for
 * its transaction to begin) and summary {@code chainplan.dispatch.log.batch.records}, counters {@code chainplan.dispatch.log.failed} (batches not recorded),
 * {@code chainplan.dispatch.session.restarts}, {@code chainplan.dispatch.bad.lease.records} and
 * {@code chainplan.dispatch.http.responses} (tags {@code status}, {@code error}).
 * <p>Thread-safe.
 */
public final class DispatchMetrics {
    private static final String LEASES = "chainplan.router.leases.";
    private final MeterRegistry registry;
    private final AtomicInteger ownedModels = new AtomicInteger();
    private final Timer commit;
    private final Timer flushStep;
    private final Timer commitStep;
    private final Timer queueWait;
    private final DistributionSummary batch;
    private final Counter failed;
    private final Counter restarts;
    private final Counter badRecords;

    /**
     * @param registry where the meters go
     */
    public DispatchMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        registry.gauge("chainplan.dispatch.owned.models", ownedModels);
        commit = Timer.builder("chainplan.dispatch.log.commit").description("one transaction of lease records")
                .publishPercentiles(0.5, 0.99).register(registry);
        flushStep = step(registry, "flush");
        commitStep = step(registry, "commit");
        queueWait = Timer.builder("chainplan.dispatch.log.queue.wait")
                .description("time a lease change waited for its writer's next transaction to begin")
                .publishPercentiles(0.5, 0.99).register(registry);
        batch = DistributionSummary.builder("chainplan.dispatch.log.batch.records")
                .description("lease records per transaction").register(registry);
        failed = Counter.builder("chainplan.dispatch.log.failed").description("lease-record batches not recorded")
                .register(registry);
        restarts = Counter.builder("chainplan.dispatch.session.restarts").register(registry);
        badRecords = Counter.builder("chainplan.dispatch.bad.lease.records")
                .description("records of chainplan.leases that did not decode; skipped").register(registry);
    }

    /** @return the registry */
    MeterRegistry registry() {
        return registry;
    }

    private void count(String name, String model) {
        Counter.builder(LEASES + name).tag("model", model).register(registry).increment();
    }

    /** Counts a grant; the model's other lease counters exist from its first grant on, at 0 until they count. */
    void granted(String model) {
        count("granted", model);
        for (String other : new String[] {"released", "renewed", "expired"}) {
            Counter.builder(LEASES + other).tag("model", model).register(registry);
        }
    }

    void released(String model) {
        count("released", model);
    }

    void renewed(String model) {
        count("renewed", model);
    }

    void expired(String model) {
        count("expired", model);
    }

    void restored(String model, int leases) {
        Counter.builder(LEASES + "restored").tag("model", model).register(registry).increment(leases);
    }

    void ownedModels(int n) {
        ownedModels.set(n);
    }

    /**
     * Records one committed transaction of the lease log and its two steps.
     *
     * @param records records in it
     * @param flush   sending the records until the broker acknowledged them ({@code flush()}; with transaction
     *                version 2 the first produce also adds the partition to the transaction)
     * @param end     {@code commitTransaction}
     */
    void committed(int records, Duration flush, Duration end) {
        commit.record(flush.plus(end));
        batch.record(records);
        flushStep.record(flush);
        commitStep.record(end);
    }

    /** @param wait how long one lease change waited in its writer's queue before its transaction began */
    void queued(Duration wait) {
        queueWait.record(wait);
    }

    private static Timer step(MeterRegistry registry, String step) {
        return Timer.builder("chainplan.dispatch.log.step").tag("step", step)
                .description("one step of a lease-log transaction: flush or commit").register(registry);
    }

    /**
     * @return one line on the lease log's transactions so far: count, mean and max commit time, mean
     *         records per transaction, mean wait of a change for its transaction (for the bench)
     */
    public String logSummary() {
        java.util.concurrent.TimeUnit ms = java.util.concurrent.TimeUnit.MILLISECONDS;
        return String.format(java.util.Locale.ROOT, "%d transactions, commit mean %.2f ms max %.1f ms (records+flush %.2f,"
                        + " commit %.2f ms), %.1f records each; a change waited %.2f ms (mean) for its transaction",
                commit.count(), commit.mean(ms), commit.max(ms), flushStep.mean(ms), commitStep.mean(ms), batch.mean(),
                queueWait.mean(ms));
    }

    void failedBatch() {
        failed.increment();
    }

    void restarted() {
        restarts.increment();
    }

    /** @return sessions restarted after a failure (visible for testing) */
    double sessionRestarts() {
        return restarts.count();
    }

    void badRecord() {
        badRecords.increment();
    }

    void response(int status, String error) {
        Counter.builder("chainplan.dispatch.http.responses").tag("status", Integer.toString(status))
                .tag("error", error == null ? "" : error).register(registry).increment();
    }

    /** @return leases expired on this instance, all models (for tests and the bench) */
    public double leasesExpired() {
        return registry.find(LEASES + "expired").counters().stream().mapToDouble(Counter::count).sum();
    }

    /** @return models served now */
    public int ownedModelCount() {
        return ownedModels.get();
    }

    /** Removes a model's meters when this instance stops serving it (another instance takes them over). */
    void forget(String model) {
        List<Meter> mine = registry.getMeters().stream()
                .filter(m -> m.getId().getName().startsWith("chainplan.router.") && model.equals(m.getId().getTag("model")))
                .toList();
        mine.forEach(registry::remove);
    }
}
