package io.chainplan.router.service;

import io.chainplan.schemas.avro.DispatchLease;
import io.chainplan.schemas.avro.LeaseRecordKind;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.AvroDeserializer;
import io.chainplan.schemas.serde.AvroSerializer;
import io.chainplan.schemas.serde.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of an instance against Kafka: ownership of models by consumer-group membership on
 * {@code chainplan.leases}, fencing a partition's previous owners when it is assigned, rebuilding its
 * leases, and recording every lease change before it is answered. {@link DispatchService} starts a new
 * session after a fatal error. Threads: the group consumer's ({@link #run}), the {@link LeaseReader}'s, and
 * the {@link LeaseWriter}'s producer I/O thread.
 *
 * <h2>Ownership</h2>
 * The instances form the consumer group {@code chainplan.dispatch.group.id} on the leases topic
 * (cooperative-sticky assignment, static membership {@code group.instance.id = instance.id}). A model's
 * leases go to the partition its id hashes to; the instance assigned that partition serves the model,
 * as the optimizer shares models by demand-estimates partition. The group only decides who should own a
 * partition; who does is decided by the log.
 *
 * <h2>Fencing by the log</h2>
 * On assignment the new owner picks a fresh owner id ({@code <instance.id>/<uuid>}) and appends a FENCE
 * record (key {@code fence/<owner id>}) to the partition. Every later record it writes names that owner
 * id, and a change is answered only once no other owner's fence can lie between the owner's own fence and
 * the change's offset ({@link PartitionTail}): every offset in between holds one of the owner's own
 * acknowledged writes (the usual case, confirmed as the broker acknowledges it), or the owner's
 * {@link LeaseReader} has read past it without meeting another owner's fence. The
 * log's order decides: a change before the next owner's fence is answered and is read by that owner
 * when it rebuilds (it reads through its own fence); a change after it is refused ({@code 503
 * unavailable}) and, when the reader meets the fence, the instance stops serving the partition. Writes
 * are plain idempotent produces ({@code acks=all}), so a change costs one produce round trip, not a
 * transaction, and waits for the reader only after a gap in the owner's offsets. The guarantees:
 * <ol>
 *   <li>A grant the old owner answered is seen by the new owner: it lies before the new owner's fence,
 *       which the new owner reads past before it serves.</li>
 *   <li>Never overbooked during a takeover. The old owner answers nothing after the new owner's fence, so
 *       it cannot grant a slot the new owner does not count, and it frees a slot only after its release
 *       was confirmed ({@link ModelDispatch}); the new owner counts every lease whose latest record is
 *       live (below), an upper bound of the leases in use.</li>
 *   <li>A lease granted by the old owner can be released on the new one: it is in the rebuilt state.</li>
 * </ol>
 * A fenced owner's records still land in the log, and compaction keeps the latest record per key whoever
 * wrote it, so a zombie's late write can replace a record that counted. The rebuild ({@link LeaseRebuild})
 * is therefore conservative: a HELD record counts whoever wrote it; a tombstone is written only for a
 * release the client asked for (the client is done with the slot, whoever answers it); an expiry is
 * written first as an EXPIRED record, and counts as gone only if its writer was the owner of the latest
 * fence before it, and the tombstone that clears its key follows only once it was confirmed. A fenced
 * owner's late renewal or expiry therefore counts the lease as held until its expiry, never less. Fence
 * keys are unique per owner, so compaction keeps every fence. Neither the group generation nor the
 * instance id is part of the fencing: a restarted instance, a member dropped from the group without
 * noticing (a "zombie") and a clean hand-over are the same case.
 *
 * <p>If another owner's fence takes a partition the group still assigns to this instance (an instance
 * that was dropped from the group fenced late, after this one), the session fences it again after
 * {@value #RETAKE_AFTER_MS} ms, so the partition is not left unserved while the stale owner learns it
 * is out of the group.
 *
 * <h2>Rebuilding on assignment</h2>
 * After its fence the owner reads the partition from the beginning with {@code read_committed} and serves
 * its models once it is past its own fence. Before fencing it also calls {@code initTransactions} for the
 * partition's transactional id of earlier versions ({@code <group.id>-leases-<p>}), which aborts a
 * transaction such a version left open (a {@code read_committed} reader cannot pass it) and fences that
 * version's writer. A change the reader does not confirm within {@code chainplan.dispatch.confirm.timeout.ms} (the
 * partition is stuck behind another open transaction) is refused.
 */
final class LeaseSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseSession.class);
    private static final Duration POLL = Duration.ofMillis(50);
    /** How long after losing a partition to a stale owner's fence the session fences it again. */
    static final long RETAKE_AFTER_MS = 5_000;

    /** A test hook run before every consumer poll (visible for testing: a hook that blocks makes a zombie). */
    interface PollHook {
        /** Runs on the consumer thread before each poll. */
        void beforePoll();
    }

    private final Topics topics;
    private final DispatchConfig config;
    private final OwnedModels models;
    private final DispatchMetrics metrics;
    private final PollHook hook;
    private final Map<String, Object> kafka;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final LeaseWriter writer;
    private final LeaseReader reader;
    private final Map<Integer, PartitionTail> tails = new ConcurrentHashMap<>();
    private final Map<Integer, Long> lostAtNanos = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private volatile boolean abandon;
    private volatile RuntimeException fatal;

    LeaseSession(Map<String, Object> kafka, Topics topics, DispatchConfig config, SchemaRegistry registry,
                 OwnedModels models, DispatchMetrics metrics, PollHook hook) {
        this.topics = topics;
        this.config = config;
        this.models = models;
        this.metrics = metrics;
        this.hook = hook;
        this.kafka = kafka;
        this.consumer = new KafkaConsumer<>(consumerProps(kafka), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.writer = new LeaseWriter(new KafkaProducer<>(producerProps(kafka), new ByteArraySerializer(),
                new ByteArraySerializer()), topics.leases(), new AvroSerializer<>(registry, false), metrics, this::failed);
        this.reader = new LeaseReader(kafka, config.clientIdPrefix() + "-leases-reader", topics.leases(),
                new AvroDeserializer<>(DispatchLease.class, registry), metrics, config.confirmTimeout(),
                new ReaderEvents());
    }

    /**
     * @param groupId   the dispatch group
     * @param partition a leases partition
     * @return the transactional id earlier versions wrote that partition's leases with
     */
    static String legacyTransactionalId(String groupId, int partition) {
        return groupId + "-leases-" + partition;
    }

    private void failed(RuntimeException e) {
        if (fatal == null) {
            fatal = e;
        }
        stopping = true;
        consumer.wakeup();
    }

    private Map<String, Object> consumerProps(Map<String, Object> kafka) {
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.instanceId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, config.clientIdPrefix() + "-leases");
        return p;
    }

    private Map<String, Object> producerProps(Map<String, Object> kafka) {
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, config.clientIdPrefix() + "-writer");
        return p;
    }

    /**
     * The {@link LeaseLog} of this session: sends the change to the model's partition if this instance
     * owns it and has rebuilt it.
     */
    LeaseLog log() {
        return (modelId, leaseId, lease, change) -> {
            if (stopping || fatal != null) {
                return CompletableFuture.failedFuture(DispatchFailure.unavailable(modelId,
                        "this instance is restarting its session"));
            }
            int p = models.partitionOf(modelId);
            PartitionTail tail = tails.get(p);
            if (tail == null || !models.ready(p)) {
                return CompletableFuture.failedFuture(DispatchFailure.notRecorded(modelId));
            }
            return switch (change) {
                case HELD -> writer.write(tail, modelId, leaseId,
                        LeaseRecords.toAvro(lease, config.instanceId(), tail.owner(), LeaseRecordKind.HELD));
                case RELEASED -> writer.write(tail, modelId, leaseId, null);
                case EXPIRED -> writer.write(tail, modelId, leaseId,
                        LeaseRecords.toAvro(lease, config.instanceId(), tail.owner(), LeaseRecordKind.EXPIRED))
                        .thenRun(() -> writer.write(tail, modelId, leaseId, null));
            };
        };
    }

    /**
     * Runs the group consumer on this thread (and the reader on its own) until {@code running} is false or
     * a fatal error.
     *
     * @param running checked once per poll
     * @throws RuntimeException the fatal error, if one ended the session
     */
    void run(BooleanSupplier running) {
        int partitions = consumer.partitionsFor(topics.leases()).size();
        models.reset(partitions);
        reader.start();
        consumer.subscribe(List.of(topics.leases()), new Listener());
        try {
            while (running.getAsBoolean() && fatal == null && !abandon) {
                hook.beforePoll();
                try {
                    consumer.poll(POLL);
                    retakeLost();
                } catch (WakeupException e) {
                    // close() or kill(): the loop condition decides
                }
            }
        } finally {
            stopping = true;
        }
        if (fatal != null) {
            throw fatal;
        }
    }

    /** Wakes the consumer loop; thread-safe. */
    void wakeup() {
        consumer.wakeup();
    }

    /** Makes the session stop as if its process died: no leave-group (see {@link #abandonClients}). */
    void abandon() {
        abandon = true;
        stopping = true;
        consumer.wakeup();
    }

    /** Takes over newly assigned partitions; the group consumer pauses them (it reads nothing itself). */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> parts) {
            if (parts.isEmpty()) {
                return;
            }
            consumer.pause(parts);
            models.assigned(numbers(parts));
            numbers(parts).forEach(LeaseSession.this::takeOver);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> parts) {
            forget(parts, "this instance no longer owns partition");
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> parts) {
            forget(parts, "this instance lost partition");
        }

        private void forget(Collection<TopicPartition> parts, String why) {
            if (parts.isEmpty()) {
                return;
            }
            Set<Integer> numbers = numbers(parts);
            for (int p : numbers) {
                lostAtNanos.remove(p);
                PartitionTail tail = tails.remove(p);
                if (tail != null) {
                    tail.close(why + " " + p + " of the leases; not recorded");
                    reader.remove(p);
                }
            }
            models.revoked(numbers);
            LOG.info("{}: revoked {}", config.instanceId(), parts);
        }
    }

    /** Fences partition {@code p}'s previous owners and starts rebuilding it (on the group consumer's thread). */
    private void takeOver(int p) {
        abortLegacyTransaction(p);
        String owner = config.instanceId() + "/" + UUID.randomUUID();
        long offset = writer.fence(p, owner, LeaseRecords.fence(owner, config.instanceId(), System.currentTimeMillis()));
        PartitionTail tail = new PartitionTail(p, owner, offset);
        tails.put(p, tail);
        reader.add(tail);
        LOG.info("{}: assigned partition {} of the leases; fenced it as owner {} at offset {}; rebuilding",
                config.instanceId(), p, owner, offset);
    }

    /** Aborts an open transaction of an earlier version's writer of the partition, and fences that writer. */
    private void abortLegacyTransaction(int p) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, legacyTransactionalId(config.groupId(), p));
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) config.transactionTimeout().toMillis());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, config.clientIdPrefix() + "-legacy-fence-" + p);
        try (KafkaProducer<byte[], byte[]> legacy = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            legacy.initTransactions();
        }
    }

    private void retakeLost() {
        if (lostAtNanos.isEmpty()) {
            return;
        }
        Set<Integer> assigned = numbers(consumer.assignment());
        long now = System.nanoTime();
        for (Map.Entry<Integer, Long> e : List.copyOf(lostAtNanos.entrySet())) {
            int p = e.getKey();
            if (!assigned.contains(p)) {
                lostAtNanos.remove(p);
            } else if (now - e.getValue() >= Duration.ofMillis(RETAKE_AFTER_MS).toNanos()) {
                lostAtNanos.remove(p);
                LOG.warn("{}: partition {} of the leases is still assigned here; fencing it again", config.instanceId(), p);
                models.assigned(Set.of(p));
                takeOver(p);
            }
        }
    }

    /** The reader's news, on its thread. */
    private final class ReaderEvents implements LeaseReader.Events {
        @Override
        public void rebuilt(PartitionTail tail, LeaseRebuild rebuilt) {
            if (tails.get(tail.partition()) != tail) {
                return;
            }
            Map<String, List<LeaseEntry>> byModel = rebuilt.byModel();
            models.restored(tail.partition(), byModel);
            LOG.info("{}: rebuilt partition {} of the leases: {} models with live leases ({} counted because their "
                            + "expiry was written by a fenced owner)", config.instanceId(), tail.partition(), byModel.size(),
                    rebuilt.heldForAFencedOwner());
        }

        @Override
        public void fenced(PartitionTail tail, String by) {
            if (tails.remove(tail.partition(), tail)) {
                models.revoked(Set.of(tail.partition()));
                lostAtNanos.put(tail.partition(), System.nanoTime());
            }
        }

        @Override
        public void failed(RuntimeException e) {
            LeaseSession.this.failed(e);
        }
    }

    private static Set<Integer> numbers(Collection<TopicPartition> parts) {
        Set<Integer> out = new TreeSet<>();
        parts.forEach(tp -> out.add(tp.partition()));
        return out;
    }

    // ---------------------------------------------------------------- close

    /** Closes the clients as if the process died: unsent records dropped, no leave-group. */
    void abandonClients() {
        stopping = true;
        writer.close(true);
        reader.close(true);
        consumer.close(CloseOptions.timeout(Duration.ZERO)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
    }

    /** Leaves the group (another instance takes the models over at once) and closes the clients. */
    @Override
    public void close() {
        stopping = true;
        tails.values().forEach(t -> t.close("this instance is closing its session"));
        writer.close(false);
        reader.close(false);
        try {
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            LOG.warn("closing the leases consumer: {}", e.toString());
        }
    }
}
