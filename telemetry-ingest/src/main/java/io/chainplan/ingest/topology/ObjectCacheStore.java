package io.chainplan.ingest.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The outermost layer of the ingest's small key-value stores: keeps the <em>decoded</em> values
 * in a heap map and writes the changed ones into the wrapped (metered, change-logged) store only
 * when Kafka Streams flushes caches, i.e. right before every commit ({@code flushCache} is
 * called from the task's {@code prepareCommit}, so under exactly-once the changelog records are
 * part of the same transaction as the consumed offsets, exactly as with Kafka Streams' own
 * record cache). The hot path thus costs a hash-map lookup per {@code get} and {@code put}
 * instead of a serialization, a record-cache update and position tracking per call (about 40% of
 * the stream thread's CPU in the {@code bench ingest} profile).
 *
 * <p>Extends Kafka Streams' internal {@link WrappedStateStore} (the class every built-in layer
 * extends) because that is how a layer receives {@code flushCache}/{@code clearCache}; the Kafka
 * version is pinned in the parent pom. The map holds every key read or written since the store
 * was opened (the ingest stores have one entry per model or per server); {@link #clearCache()}
 * (aborted transaction) and {@link #close()} drop it, and a restored store is read back lazily.
 * Range reads ({@link #all()}, {@link #range}) first write the changed entries through. Used from
 * the stream thread only; interactive queries on the wrapped store see the state as of the last
 * flush.
 *
 * @param <K> key type
 * @param <V> value type (immutable values: the map hands out the same instance)
 */
final class ObjectCacheStore<K, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V> implements KeyValueStore<K, V> {
    /** A cached value and whether it still has to be written to the wrapped store. */
    private static final class Slot<V> {
        private V value;
        private boolean dirty;

        private Slot(V value) {
            this.value = value;
        }
    }

    private final Map<K, Slot<V>> cache = new HashMap<>();
    private final List<K> dirtyKeys = new ArrayList<>();

    private ObjectCacheStore(KeyValueStore<K, V> wrapped) {
        super(wrapped);
    }

    /**
     * @param inner builder of the wrapped store (its own record cache is best disabled: this
     *              layer already coalesces the writes between commits)
     * @param <K>   key type
     * @param <V>   value type
     * @return a builder whose stores are wrapped in this layer
     */
    static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> inner) {
        return new Builder<>(inner);
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        dropCache();
        super.init(context, root);
    }

    @Override
    public V get(K key) {
        Slot<V> s = cache.get(key);
        if (s != null) {
            return s.value;
        }
        V v = wrapped().get(key);
        if (v != null) {
            cache.put(key, new Slot<>(v));
        }
        return v;
    }

    @Override
    public void put(K key, V value) {
        Objects.requireNonNull(key, "key");
        if (value == null) {
            delete(key);
            return;
        }
        Slot<V> s = cache.get(key);
        if (s == null) {
            s = new Slot<>(value);
            cache.put(key, s);
        }
        s.value = value;
        if (!s.dirty) {
            s.dirty = true;
            dirtyKeys.add(key);
        }
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V old = get(key);
        if (old == null) {
            put(key, value);
        }
        return old;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        for (KeyValue<K, V> kv : entries) {
            put(kv.key, kv.value);
        }
    }

    @Override
    public V delete(K key) {
        Slot<V> s = cache.remove(key);
        V old = wrapped().delete(key);
        return s != null ? s.value : old;
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        writeDirty();
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        writeDirty();
        return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        writeDirty();
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        writeDirty();
        return wrapped().reverseAll();
    }

    @Override
    public long approximateNumEntries() {
        writeDirty();
        return wrapped().approximateNumEntries();
    }

    /** Writes the changed entries to the wrapped store, then flushes its caches (before a commit). */
    @Override
    public void flushCache() {
        writeDirty();
        super.flushCache();
    }

    /** Drops the cached entries, changed or not (the transaction they belong to was aborted). */
    @Override
    public void clearCache() {
        dropCache();
        super.clearCache();
    }

    @Override
    public void close() {
        dropCache();
        super.close();
    }

    private void writeDirty() {
        for (K key : dirtyKeys) {
            Slot<V> s = cache.get(key);
            if (s != null && s.dirty) {
                s.dirty = false;
                wrapped().put(key, s.value);
            }
        }
        dirtyKeys.clear();
    }

    private void dropCache() {
        cache.clear();
        dirtyKeys.clear();
    }

    /** Builds the wrapped store and puts this layer around it. */
    private static final class Builder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {
        private final StoreBuilder<KeyValueStore<K, V>> inner;

        private Builder(StoreBuilder<KeyValueStore<K, V>> inner) {
            this.inner = Objects.requireNonNull(inner, "inner");
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
            inner.withCachingEnabled();
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
            inner.withCachingDisabled();
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
            inner.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
            inner.withLoggingDisabled();
            return this;
        }

        @Override
        public KeyValueStore<K, V> build() {
            return new ObjectCacheStore<>(inner.build());
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
