package io.chainplan.schemas.testing;

import io.chainplan.schemas.registry.InMemorySchemaRegistry;
import io.chainplan.schemas.registry.RegisteredSchema;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.registry.SchemaRegistryException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/**
 * An {@link InMemorySchemaRegistry} that can be switched to fail every call with a given error
 * code, as an unreachable (code 0), failing (50001, 503, ...) or refusing (401) registry does: for
 * tests of what consumers do while the registry is out. Thread-safe.
 */
public final class SwitchableRegistry implements SchemaRegistry {
    private final InMemorySchemaRegistry inner = new InMemorySchemaRegistry();
    private final AtomicInteger failing = new AtomicInteger(-1);
    private final AtomicInteger failedCalls = new AtomicInteger();
    private final AtomicInteger failuresLeft = new AtomicInteger(Integer.MAX_VALUE);

    /** @return the registry behind, which always answers (for setting up data) */
    public InMemorySchemaRegistry inner() {
        return inner;
    }

    /**
     * Fails every call from now on, until {@link #up()}.
     *
     * @param errorCode the code of each failure, e.g. {@link SchemaRegistryException#NO_RESPONSE}
     * @return this
     */
    public SwitchableRegistry failWith(int errorCode) {
        return failWith(errorCode, Integer.MAX_VALUE);
    }

    /**
     * Fails the next {@code times} calls, then answers again.
     *
     * @param errorCode the code of each failure
     * @param times     how many calls fail
     * @return this
     */
    public SwitchableRegistry failWith(int errorCode, int times) {
        failuresLeft.set(times);
        failing.set(errorCode);
        return this;
    }

    /** Answers every call again. */
    public void up() {
        failing.set(-1);
    }

    /** @return how many calls failed so far */
    public int failedCalls() {
        return failedCalls.get();
    }

    private void maybeFail() {
        int code = failing.get();
        if (code >= 0 && failuresLeft.getAndDecrement() > 0) {
            failedCalls.incrementAndGet();
            throw new SchemaRegistryException(code, code == SchemaRegistryException.NO_RESPONSE
                    ? "schema registry GET http://registry.test/ failed: java.net.ConnectException: Connection refused"
                    : "registry failure (HTTP " + SchemaRegistryException.httpStatusOf(code) + ")");
        }
        if (code >= 0) {
            up();
        }
    }

    @Override
    public int register(String subject, Schema schema) {
        maybeFail();
        return inner.register(subject, schema);
    }

    @Override
    public Schema schemaById(int id) {
        maybeFail();
        return inner.schemaById(id);
    }

    @Override
    public Optional<RegisteredSchema> latest(String subject) {
        maybeFail();
        return inner.latest(subject);
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        maybeFail();
        return inner.isCompatible(subject, schema);
    }
}
