package io.chainplan.schemas.testing;

import io.chainplan.schemas.registry.RegisteredSchema;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.registry.SchemaRegistryException;
import io.chainplan.schemas.serde.RegistryRetry;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.avro.Schema;

/**
 * A service's registry client that counts the calls that found the registry unavailable (a
 * transient failure) and when: registry-outage ITs wait on it until the service has kept finding
 * the registry down for longer than its serdes wait before giving up on a record
 * ({@link RegistryRetry}), so that what they test is what happens after the retries. Thread-safe.
 */
public final class CountingRegistry implements SchemaRegistry {
    private final SchemaRegistry inner;
    private final AtomicInteger unavailable = new AtomicInteger();
    private volatile long firstNanos;
    private volatile long lastNanos;

    /** @param inner the client to delegate to */
    public CountingRegistry(SchemaRegistry inner) {
        this.inner = inner;
    }

    /** Forgets the failures so far: {@link #outlastedRetries} then measures the next outage. */
    public void reset() {
        unavailable.set(0);
    }

    /** @return calls that failed transiently so far (since {@link #reset}) */
    public int unavailable() {
        return unavailable.get();
    }

    /**
     * @return whether the calls have kept failing for longer than three times the default
     *         {@link RegistryRetry#maxWait()} (so at least two records gave up waiting)
     */
    public boolean outlastedRetries() {
        return unavailable.get() > 0 && lastNanos - firstNanos > 3 * RegistryRetry.DEFAULT.maxWait().toNanos();
    }

    private <T> T call(Supplier<T> c) {
        try {
            return c.get();
        } catch (SchemaRegistryException e) {
            if (e.isTransient()) {
                lastNanos = System.nanoTime();
                if (unavailable.getAndIncrement() == 0) {
                    firstNanos = lastNanos;
                }
            }
            throw e;
        }
    }

    @Override
    public int register(String subject, Schema schema) {
        return call(() -> inner.register(subject, schema));
    }

    @Override
    public Schema schemaById(int id) {
        return call(() -> inner.schemaById(id));
    }

    @Override
    public Optional<RegisteredSchema> latest(String subject) {
        return call(() -> inner.latest(subject));
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return call(() -> inner.isCompatible(subject, schema));
    }
}
