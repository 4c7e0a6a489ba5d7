package io.chainplan.router;

import io.chainplan.router.dispatch.Dispatcher;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.PlanStatus;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.AvroSerdes;
import io.chainplan.schemas.serde.ClusterRefusal;
import io.chainplan.schemas.serde.DeadLetters;
import io.chainplan.schemas.serde.FailureMode;
import io.chainplan.schemas.serde.RecordRejection;
import io.chainplan.schemas.serde.RegistryUnavailableException;
import io.chainplan.schemas.serde.TopicReader;
import io.chainplan.schemas.serde.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the plans topic ({@code chainplan.plans}, Avro {@link ChainPlan} in the Confluent wire format)
 * and hands each model's newest valid plan to a {@link Listener}, e.g. the model's {@link Dispatcher}
 * (DESIGN.md §2.4).
 * <ul>
 *   <li>Starts from the latest plans already in the topic, not from the beginning of time: each
 *       partition is read from {@code end - lookback} (default 1, the last record) onwards. With one
 *       model per partition (plans are keyed by model id) that is the model's latest plan.</li>
 *   <li>Keeps the newest plan per model: a plan whose epoch is not newer than the one in force is
 *       ignored (counted).</li>
 *   <li>A record that does not deserialize, whose status is not {@code OK}, or whose chains are malformed
 *       never replaces the last good plan: it is counted ({@code chainplan.router.plans.rejected}, tag
 *       {@code stage}) and handled by the failure mode ({@link RecordRejection}, shared with the optimizer;
 *       default {@link FailureMode#DEAD_LETTER}: logged once with topic-partition@offset and sent with its
 *       original bytes to the dead-letter topic, {@link DeadLetters}, stage {@code deserialize} or
 *       {@code validate}).</li>
 * </ul>
 * <p>Reads through the one reader of the plans topic ({@link TopicReader}: {@code read_committed}, so plans
 * of aborted or open transactions are never applied). No consumer group: every router reads every
 * partition (manual assignment), no offsets are committed. Every Kafka client it creates (the consumer
 * and the dead-letter producer) gets the full client properties, so security settings apply to both.
 * Use {@link #poll(Duration)} from your own loop, or {@link #start()} for a daemon thread; {@link #close()}
 * stops it. Not thread-safe apart from {@link #close()} and {@link #latest(String)}.
 * <p>A plan the schema registry cannot serve now is not a bad plan: {@link #poll(Duration)} throws
 * {@link RegistryUnavailableException} with the reader rewound, the plan in force stays, and the
 * next poll reads the records again; the thread of {@link #start()} logs it (once a minute) and
 * goes on polling.
 * <p>A cluster that refuses the credentials or access for good ({@link ClusterRefusal}: a wrong SASL
 * password, a missing ACL) is not retried: {@link #poll(Duration)} throws an
 * {@link IllegalStateException} saying what was refused and what to check; the thread of
 * {@link #start()} logs that one line, stops, and tells the listener
 * ({@link Listener#onStopped(IllegalStateException)}); {@link #failure()} returns it. The plan in force stays.
 */
public final class PlanSubscriber implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlanSubscriber.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration REGISTRY_LOG_EVERY = Duration.ofMinutes(1);

    /** Receives each newly accepted plan (called on the polling thread). */
    @FunctionalInterface
    public interface Listener {
        /**
         * A newer valid plan for {@code plan.modelId()}.
         *
         * @param plan the plan
         */
        void onPlan(RoutingPlan plan);

        /**
         * The thread of {@link #start()} stopped for good: the cluster refused the credentials or
         * access (called once, on that thread; default: nothing, see {@link #failure()}).
         *
         * @param failure why, in one line naming what to check
         */
        default void onStopped(IllegalStateException failure) {
        }
    }

    private final TopicReader<ChainPlan> reader;
    private final Supplier<Producer<byte[], byte[]>> producerFactory;
    private final RecordRejection rejection;
    private final FailureMode failureMode;
    private final Listener listener;
    private final int lookback;
    private final Map<String, RoutingPlan> latest = new TreeMap<>();
    private final Map<String, Counter> rejected = new HashMap<>();
    private final MeterRegistry meters;
    private Producer<byte[], byte[]> producer;
    private boolean positioned;
    private Map<Integer, Long> endAtStart = Map.of();
    private volatile boolean caughtUp;
    private volatile boolean closed;
    private volatile IllegalStateException failure;
    private Thread thread;

    private PlanSubscriber(Builder b) {
        this.listener = b.listener;
        this.lookback = b.lookback;
        this.meters = b.meterRegistry;
        if (meters != null) {
            // every stage's counter exists from the start (at 0), so a dashboard's sum over them has data
            for (String stage : new String[] {"deserialize", "validate", "stale"}) {
                rejectedCounter(stage);
            }
        }
        this.failureMode = b.failureMode;
        Consumer<byte[], byte[]> consumer = b.consumers.apply(TopicReader.properties(b.clientProperties));
        this.reader = new TopicReader<>(consumer, b.topics.plans(),
                AvroSerdes.specific(ChainPlan.class, b.registry, false).deserializer());
        Map<String, Object> producerProps = producerProps(b.clientProperties);
        this.producerFactory = () -> b.producers.apply(producerProps);
        this.rejection = new RecordRejection(b.topics.deadLetters(), LOG, (topic, stage, mode) -> count(stage));
    }

    /**
     * The dead-letter producer's properties: every client property (bootstrap servers, security,
     * client tuning), with {@code acks=all}.
     */
    static Map<String, Object> producerProps(Map<String, Object> client) {
        Map<String, Object> p = new HashMap<>(client);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    /**
     * Starts building a subscriber.
     *
     * @param clientProperties Kafka client properties ({@code bootstrap.servers} at least)
     * @param registry         the schema registry the plans were written with
     * @param listener         receives accepted plans
     * @return a builder
     */
    public static Builder builder(Map<String, Object> clientProperties, SchemaRegistry registry, Listener listener) {
        return new Builder(clientProperties, registry, listener);
    }

    /**
     * A listener that applies each plan to the dispatcher of its model; plans of other models are ignored.
     *
     * @param dispatchers dispatchers by model id
     * @return the listener
     */
    public static Listener applyingTo(Map<String, Dispatcher> dispatchers) {
        Map<String, Dispatcher> copy = Map.copyOf(dispatchers);
        return plan -> {
            Dispatcher d = copy.get(plan.modelId());
            if (d != null) {
                d.apply(plan);
            }
        };
    }

    /**
     * The plan in force for a model.
     *
     * @param modelId the model
     * @return its newest accepted plan, if any
     */
    public Optional<RoutingPlan> latest(String modelId) {
        synchronized (latest) {
            return Optional.ofNullable(latest.get(modelId));
        }
    }

    /**
     * @return whether every plan that was on the topic when this subscriber positioned itself has been
     *         processed: until then, a model without a plan may only not have been read yet
     */
    public boolean caughtUp() {
        return caughtUp;
    }

    /**
     * Polls once and processes what arrived (on the first call, positions every partition first).
     *
     * @param timeout how long to wait for records
     * @return number of plans accepted
     * @throws RegistryUnavailableException if the registry cannot serve a plan's schema now (nothing
     *                                      of this poll is applied; the next poll reads it again)
     * @throws IllegalStateException        if the cluster refuses the credentials or access
     *                                      ({@link ClusterRefusal#message()}, the client's exception as cause)
     */
    public int poll(Duration timeout) {
        try {
            return pollOnce(timeout);
        } catch (RuntimeException e) {
            Optional<ClusterRefusal> refused = ClusterRefusal.in(e);
            if (refused.isEmpty()) {
                throw e;
            }
            throw refused.get().failure();
        }
    }

    private int pollOnce(Duration timeout) {
        if (!positioned) {
            position();
        }
        int accepted = 0;
        for (TopicReader.Read<ChainPlan> r : reader.poll(timeout)) {
            if (handle(r)) {
                accepted++;
            }
        }
        if (!caughtUp && reader.reached(endAtStart)) {
            caughtUp = true;
        }
        if (producer != null) {
            producer.flush();
        }
        return accepted;
    }

    /** Polls on a daemon thread until {@link #close()}. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(() -> {
            try {
                long lastLog = System.nanoTime() - REGISTRY_LOG_EVERY.toNanos();
                while (!closed) {
                    try {
                        poll(POLL);
                    } catch (RegistryUnavailableException e) {
                        if (System.nanoTime() - lastLog >= REGISTRY_LOG_EVERY.toNanos()) {
                            lastLog = System.nanoTime();
                            LOG.warn("{}; the plan in force stays, the plans are read again (logged once a minute)",
                                    e.getMessage());
                        }
                        pause(e);
                    }
                }
            } catch (WakeupException e) {
                if (!closed) {
                    throw e;
                }
            } catch (IllegalStateException e) {
                if (ClusterRefusal.in(e).isEmpty()) {
                    throw e;
                }
                LOG.error("plan subscriber stopped: {}", e.getMessage());
                failure = e;
                listener.onStopped(e);
            } finally {
                closeClients();
            }
        }, "chainplan-plan-subscriber");
        thread.setDaemon(true);
        thread.start();
    }

    /** A refusal is thrown at once: wait a little so that retrying it is not a busy loop. */
    private void pause(RegistryUnavailableException e) {
        if (e.retriable()) {
            return;
        }
        try {
            Thread.sleep(REGISTRY_LOG_EVERY.toMillis() / 60);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    private void position() {
        List<Integer> parts = reader.partitions(METADATA_TIMEOUT);
        Map<Integer, Long> begin = reader.beginningOffsets(parts);
        Map<Integer, Long> end = reader.endOffsets(parts);
        Map<Integer, Long> from = new HashMap<>();
        for (int p : parts) {
            from.put(p, Math.max(begin.get(p), end.get(p) - lookback));
        }
        reader.seek(from);
        endAtStart = end;
        positioned = true;
    }

    private boolean handle(TopicReader.Read<ChainPlan> read) {
        ConsumerRecord<byte[], byte[]> r = read.record();
        if (read instanceof TopicReader.Tombstone<ChainPlan>) {
            reject(r, "deserialize", new IllegalArgumentException("null value (tombstone)"));
            return false;
        }
        if (read instanceof TopicReader.Undecodable<ChainPlan> u) {
            reject(r, "deserialize", u.error());
            return false;
        }
        ChainPlan avro = ((TopicReader.Value<ChainPlan>) read).value();
        RoutingPlan plan;
        try {
            if (avro.getStatus() != PlanStatus.OK) {
                throw new IllegalArgumentException("status " + avro.getStatus() + ": " + avro.getReason());
            }
            plan = AvroPlans.toRoutingPlan(avro);
        } catch (RuntimeException e) {
            reject(r, "validate", e);
            return false;
        }
        synchronized (latest) {
            RoutingPlan current = latest.get(plan.modelId());
            if (current != null && plan.epoch() <= current.epoch()) {
                count("stale");
                return false;
            }
            latest.put(plan.modelId(), plan);
        }
        listener.onPlan(plan);
        return true;
    }

    /** Applies the failure mode to a bad record (which counts it); the last good plan stays in force. */
    private void reject(ConsumerRecord<byte[], byte[]> r, String stage, Exception e) {
        rejection.reject(failureMode, r, stage, e).ifPresent(dl -> {
            if (producer == null) {
                producer = producerFactory.get();
            }
            producer.send(dl);
        });
    }

    private void count(String stage) {
        if (meters == null) {
            return;
        }
        rejectedCounter(stage).increment();
    }

    private Counter rejectedCounter(String stage) {
        return rejected.computeIfAbsent(stage, s -> Counter.builder("chainplan.router.plans.rejected")
                .description("plan records not applied").tag("stage", s).register(meters));
    }

    /**
     * @return why the thread of {@link #start()} stopped on its own (the cluster refused the
     *         credentials or access), if it did
     */
    public Optional<IllegalStateException> failure() {
        return Optional.ofNullable(failure);
    }

    /** Stops polling (if started) and closes the Kafka clients. */
    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            closeClients();
            return;
        }
        reader.wakeup();
        try {
            t.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeClients() {
        reader.close();
        if (producer != null) {
            producer.close();
        }
    }

    /** Builder of a {@link PlanSubscriber}. */
    public static final class Builder {
        private final Map<String, Object> clientProperties;
        private final SchemaRegistry registry;
        private final Listener listener;
        private Topics topics = Topics.defaults();
        private int lookback = 1;
        private MeterRegistry meterRegistry;
        private FailureMode failureMode = FailureMode.DEAD_LETTER;
        private Function<Map<String, Object>, Consumer<byte[], byte[]>> consumers =
                p -> new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        private Function<Map<String, Object>, Producer<byte[], byte[]>> producers =
                p -> new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());

        private Builder(Map<String, Object> clientProperties, SchemaRegistry registry, Listener listener) {
            this.clientProperties = Map.copyOf(Objects.requireNonNull(clientProperties, "clientProperties"));
            this.registry = Objects.requireNonNull(registry, "registry");
            this.listener = Objects.requireNonNull(listener, "listener");
        }

        /**
         * Topic names (default {@link Topics#defaults()}).
         *
         * @param topics the topics
         * @return this builder
         */
        public Builder topics(Topics topics) {
            this.topics = Objects.requireNonNull(topics, "topics");
            return this;
        }

        /**
         * How many records before the end of each partition to start reading at (default 1).
         *
         * @param records {@code >= 1}
         * @return this builder
         */
        public Builder lookback(int records) {
            if (records < 1) {
                throw new IllegalArgumentException("lookback must be >= 1, was " + records);
            }
            this.lookback = records;
            return this;
        }

        /**
         * Counts rejected and stale records.
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * What to do with a bad plan record (default {@link FailureMode#DEAD_LETTER}); under
         * {@link FailureMode#FAIL}, {@link #poll} throws an
         * {@link io.chainplan.schemas.serde.InputFailureException} naming it.
         *
         * @param mode the failure mode
         * @return this builder
         */
        public Builder failureMode(FailureMode mode) {
            this.failureMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Creates the clients with these factories instead of Kafka's (visible for testing); each is
         * given the properties the subscriber made for it from the client properties.
         *
         * @param consumers makes the consumer
         * @param producers makes the dead-letter producer
         * @return this builder
         */
        Builder clients(Function<Map<String, Object>, Consumer<byte[], byte[]>> consumers,
                        Function<Map<String, Object>, Producer<byte[], byte[]>> producers) {
            this.consumers = Objects.requireNonNull(consumers, "consumers");
            this.producers = Objects.requireNonNull(producers, "producers");
            return this;
        }

        /**
         * Builds the subscriber (creates the consumer; the producer is created at the first dead letter).
         *
         * @return the subscriber
         */
        public PlanSubscriber build() {
            return new PlanSubscriber(this);
        }
    }
}
