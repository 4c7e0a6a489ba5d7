package io.chainplan.router.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dispatch service's meters, beside those of each model's {@link io.chainplan.router.dispatch.Dispatcher}
 * ({@code chainplan.router.queue.length}, {@code .in.service} per chain, {@code .wait}, {@code .plan.epoch},
 * {@code .plans.applied}, the names the router panels of {@code ops/grafana} query). Per model, tag
 * {@code model}: counters {@code chainplan.router.leases.granted}, {@code .released}, {@code .renewed},
 * {@code .expired} and {@code .restored} (rebuilt from {@code chainplan.leases} on takeover). Per instance:
 * gauge {@code chainplan.dispatch.owned.models}, timer {@code chainplan.dispatch.log.write} with tag
 * {@code step} = {@code acked} (a lease change sent until the broker acknowledged it) or {@code confirmed}
 * (until no other owner's fence can lie before it, by its own consecutive offsets or the reader: when it is
 * answered), counters
 * {@code chainplan.dispatch.log.failed} (changes not recorded or not confirmed), {@code chainplan.dispatch.log.fenced}
 * (partitions another owner's fence took from this instance),
 * {@code chainplan.dispatch.session.restarts}, {@code chainplan.dispatch.bad.lease.records} and
 * {@code chainplan.dispatch.http.responses} (tags {@code status}, {@code error}).
 * <p>Thread-safe.
 */
public final class DispatchMetrics {
    private static final String LEASES = "chainplan.router.leases.";
    private final MeterRegistry registry;
    private final AtomicInteger ownedModels = new AtomicInteger();
    private final Timer acked;
    private final Timer confirmed;
    private final Counter failed;
    private final Counter fenced;
    private final Counter restarts;
    private final Counter badRecords;
    private final Map<String, LeaseCounters> leaseCounters = new ConcurrentHashMap<>();
    private final Map<String, Counter> responses = new ConcurrentHashMap<>();

    /**
     * @param registry where the meters go
     */
    public DispatchMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        registry.gauge("chainplan.dispatch.owned.models", ownedModels);
        acked = step(registry, "acked", "a lease change sent until the broker acknowledged it");
        confirmed = step(registry, "confirmed", "a lease change sent until it was confirmed (then it is answered)");
        failed = Counter.builder("chainplan.dispatch.log.failed").description("lease changes not recorded or not confirmed")
                .register(registry);
        fenced = Counter.builder("chainplan.dispatch.log.fenced")
                .description("leases partitions another owner's fence took from this instance").register(registry);
        restarts = Counter.builder("chainplan.dispatch.session.restarts").register(registry);
        badRecords = Counter.builder("chainplan.dispatch.bad.lease.records")
                .description("records of chainplan.leases that did not decode; skipped").register(registry);
    }

    /** @return the registry */
    MeterRegistry registry() {
        return registry;
    }

    /** A model's lease counters, registered together when the first of them counts (the others at 0). */
    private record LeaseCounters(Counter granted, Counter released, Counter renewed, Counter expired) {
        static LeaseCounters register(MeterRegistry registry, String model) {
            return new LeaseCounters(counter(registry, "granted", model), counter(registry, "released", model),
                    counter(registry, "renewed", model), counter(registry, "expired", model));
        }

        private static Counter counter(MeterRegistry registry, String name, String model) {
            return Counter.builder(LEASES + name).tag("model", model).register(registry);
        }
    }

    private LeaseCounters leases(String model) {
        return leaseCounters.computeIfAbsent(model, m -> LeaseCounters.register(registry, m));
    }

    /** Counts a grant. */
    void granted(String model) {
        leases(model).granted().increment();
    }

    void released(String model) {
        leases(model).released().increment();
    }

    void renewed(String model) {
        leases(model).renewed().increment();
    }

    void expired(String model) {
        leases(model).expired().increment();
    }

    void restored(String model, int leases) {
        Counter.builder(LEASES + "restored").tag("model", model).register(registry).increment(leases);
    }

    void ownedModels(int n) {
        ownedModels.set(n);
    }

    /** @param t a lease change sent until the broker acknowledged it */
    void acked(Duration t) {
        acked.record(t);
    }

    /** @param t a lease change sent until it was confirmed */
    void confirmed(Duration t) {
        confirmed.record(t);
    }

    private static Timer step(MeterRegistry registry, String step, String description) {
        return Timer.builder("chainplan.dispatch.log.write").tag("step", step).description(description)
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    /**
     * @return one line on the lease log's writes so far: count, mean and max time to the broker's
     *         acknowledgement and to the reader's confirmation (for the bench)
     */
    public String logSummary() {
        java.util.concurrent.TimeUnit ms = java.util.concurrent.TimeUnit.MILLISECONDS;
        return String.format(java.util.Locale.ROOT, "%d changes confirmed: acknowledged by the broker after %.2f ms"
                        + " (mean; max %.1f), confirmed after %.2f ms (mean; max %.1f); %.0f not recorded",
                confirmed.count(), acked.mean(ms), acked.max(ms), confirmed.mean(ms), confirmed.max(ms), failed.count());
    }

    void fenced() {
        fenced.increment();
    }

    void failedWrite() {
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
        String e = error == null ? "" : error;
        responses.computeIfAbsent(status + " " + e, k -> Counter.builder("chainplan.dispatch.http.responses")
                .tag("status", Integer.toString(status)).tag("error", e).register(registry)).increment();
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
        leaseCounters.remove(model);
        List<Meter> mine = registry.getMeters().stream()
                .filter(m -> m.getId().getName().startsWith("chainplan.router.") && model.equals(m.getId().getTag("model")))
                .toList();
        mine.forEach(registry::remove);
    }
}
