package io.chainplan.router.service;

import io.chainplan.schemas.avro.DispatchLease;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.AvroDeserializer;
import io.chainplan.schemas.serde.AvroSerializer;
import io.chainplan.schemas.serde.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of an instance against Kafka: ownership of models by consumer-group membership on
 * {@code chainplan.leases}, rebuilding a partition's leases when it is assigned, and the transactional
 * writers that record every lease change before it is answered. {@link DispatchService} starts a new
 * session after a fatal error. Threads: the consumer's ({@link #run}) and one {@link LeaseWriter} per
 * owned partition (a model's, hence a lease's, changes always go to the same writer, so they are
 * recorded in order).
 *
 * <h2>Ownership</h2>
 * The instances form the consumer group {@code chainplan.dispatch.group.id} on the leases topic
 * (cooperative-sticky assignment, static membership {@code group.instance.id = instance.id}). A model's
 * leases go to the partition its id hashes to; the instance assigned that partition serves the model,
 * as the optimizer shares models by demand-estimates partition.
 *
 * <h2>Fencing: one transactional id per partition</h2>
 * Every lease change of partition {@code p} is written by the transactional producer
 * {@code transactional.id = <group.id>-leases-<p>}, whoever owns {@code p}; a batch is one transaction
 * (records, {@code flush()}, commit) and only a committed batch is answered. On assignment the new
 * owner calls {@code initTransactions} for that id before anything else: the coordinator bumps the
 * id's epoch, aborts the previous owner's open transaction and from then on refuses every produce and
 * commit of the previous owner's producer ({@code ProducerFencedException}, the EOS-v1 "one producer
 * per input partition" scheme of KIP-98). The guarantees:
 * <ol>
 *   <li>A grant the old owner answered is seen by the new owner. It was answered after its commit
 *       succeeded, so before the new owner's {@code initTransactions} returned (a commit after it is
 *       refused); the new owner takes the partition's high watermark after that, so the grant is below
 *       it and is read during the rebuild (below).</li>
 *   <li>Never overbooked during a takeover. The old owner's records that were not committed before the
 *       fence are aborted and never count; from the fence on the old owner can neither grant nor free a
 *       slot (its writes fail, {@code 503 unavailable}, and its session restarts), so the new owner's
 *       counts rebuilt from the committed log are an upper bound of the leases in use (ModelDispatch
 *       records a grant before answering it and frees a slot only after its release is recorded).</li>
 *   <li>A lease granted by the old owner can be released on the new one: it is in the rebuilt state.</li>
 * </ol>
 * Neither the group generation nor the instance id is part of the fencing: a restarted instance with
 * the same id, an instance that was dropped from the group without noticing (a "zombie") and a clean
 * hand-over under cooperative rebalancing are all the same case. Two takeovers in a row each bump the
 * epoch, and each new owner reads the log up to a high watermark taken after its own fence, which is
 * after every earlier owner's last commit. Compaction keeps the latest record of each lease, so it
 * changes nothing of the rebuilt state. Before this scheme each batch also called
 * {@code sendOffsetsToTransaction} with the consumer's group metadata (KIP-447) under a per-instance
 * transactional id; that cost two more broker round trips per batch and a marker on
 * {@code __consumer_offsets} that the next transaction's first produce waited for.
 *
 * <h2>Why not fencing by the log alone</h2>
 * Without transactions (an idempotent {@code acks=all} producer, a fence record appended by each new owner,
 * an owner answering a write only once its own consumer read past it without meeting a newer fence) a
 * write would cost one produce round trip instead of a transaction; a prototype measured about 4x less
 * per write at 2,000 writes/s on localhost. But a fenced owner's writes would still land in the log, and
 * compaction keeps the latest record per key regardless of fences: a zombie's expiry tombstone (or
 * renewal) written after the new owner's renewal of the same lease replaces it once the segment is
 * cleaned, so unless the new owner rewrites every lease a zombie touched before the cleaner runs (and
 * survives until it has), a later rebuild loses a lease that is still held, and the chain is overbooked.
 * Fence records compacted under one key break the "latest fence" test in the same way. Keys per owner
 * ({@code <fence>/<lease id>}) would fix it at the cost of a rebuild that merges keys and releases that
 * tombstone every owner's key. With transactions a fenced owner's records are aborted and never read, so
 * compaction cannot bring them back.
 *
 * <h2>Rebuilding on assignment</h2>
 * After the fence the session takes the partition's high watermark ({@code read_uncommitted}, through the
 * admin client), reads the partition from the beginning with {@code read_committed}, and serves its
 * models only once its position reached that watermark. The fence already aborted the previous owner's
 * open transaction; a {@code read_committed} consumer cannot pass the first offset of any other
 * transaction still open (written under another transactional id, e.g. by an instance of an older
 * version), so the rebuild also waits for those to end: committed (their leases are read) or aborted,
 * by the broker after their {@code transaction.timeout.ms}. Then the partition is paused.
 */
final class LeaseSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseSession.class);
    private static final Duration POLL = Duration.ofMillis(50);

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
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Admin admin;
    private final AvroDeserializer<DispatchLease> deserializer;
    private final Map<TopicPartition, Long> restoreEnd = new TreeMap<>(LeaseSession::compare);
    private final Map<TopicPartition, Map<String, LeaseEntry>> restoring = new TreeMap<>(LeaseSession::compare);
    private final AvroSerializer<DispatchLease> serializer;
    private final Map<String, Object> kafka;
    private final Map<Integer, LeaseWriter> writers = new ConcurrentHashMap<>();
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
        this.deserializer = new AvroDeserializer<>(DispatchLease.class, registry);
        this.kafka = kafka;
        this.admin = Admin.create(kafka);
        this.consumer = new KafkaConsumer<>(consumerProps(kafka), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.serializer = new AvroSerializer<>(registry, false);
    }

    /**
     * @param groupId   the dispatch group
     * @param partition a leases partition
     * @return the transactional id of that partition's writer, whichever instance owns it
     */
    static String transactionalId(String groupId, int partition) {
        return groupId + "-leases-" + partition;
    }

    private void writerFailed(RuntimeException e) {
        fatal = e;
        stopping = true;
        consumer.wakeup();
    }

    private Map<String, Object> consumerProps(Map<String, Object> kafka) {
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.instanceId());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, config.clientIdPrefix() + "-leases");
        return p;
    }

    private Map<String, Object> producerProps(String transactionalId, int partition) {
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) config.transactionTimeout().toMillis());
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, config.clientIdPrefix() + "-writer-" + partition);
        return p;
    }

    /** Creates, fences (initTransactions) and starts the writer of a newly assigned partition. */
    private void startWriter(int partition) {
        String txnId = transactionalId(config.groupId(), partition);
        LeaseWriter w = new LeaseWriter(new KafkaProducer<>(producerProps(txnId, partition), new ByteArraySerializer(),
                new ByteArraySerializer()), txnId, topics.leases(), partition, serializer, config.instanceId(), models,
                metrics, this::writerFailed);
        writers.put(partition, w);
        w.init();
        w.start();
    }

    private void stopWriter(int partition, boolean abandonIt) {
        LeaseWriter w = writers.remove(partition);
        if (w != null) {
            w.stop(abandonIt);
        }
    }

    /**
     * The {@link LeaseLog} of this session: queues the change for the writer of the model's partition, so
     * that the changes of one lease are recorded in order.
     */
    LeaseLog log() {
        return (modelId, leaseId, lease) -> {
            if (stopping || fatal != null) {
                return CompletableFuture.failedFuture(DispatchFailure.unavailable(modelId,
                        "this instance is restarting its session"));
            }
            LeaseWriter w = writers.get(models.partitionOf(modelId));
            return w == null ? CompletableFuture.failedFuture(DispatchFailure.notRecorded(modelId))
                    : w.submit(modelId, leaseId, lease);
        };
    }

    /**
     * Runs the consumer loop on this thread (and the writer on its own) until {@code running} is false or
     * a fatal error.
     *
     * @param running checked once per poll
     * @throws RuntimeException the fatal error, if one ended the session
     */
    void run(BooleanSupplier running) {
        int partitions = consumer.partitionsFor(topics.leases()).size();
        models.reset(partitions);
        consumer.subscribe(List.of(topics.leases()), new Listener());
        try {
            while (running.getAsBoolean() && fatal == null && !abandon) {
                hook.beforePoll();
                try {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                        onRecord(r);
                    }
                    finishRestores();
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

    /** Makes the session stop as if its process died: no abort, no leave-group (see {@link #abandonClients}). */
    void abandon() {
        abandon = true;
        stopping = true;
        consumer.wakeup();
    }

    /** Rebuilds the owned partitions' leases from the log (class doc). */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> parts) {
            if (parts.isEmpty()) {
                return;
            }
            models.assigned(numbers(parts));
            parts.forEach(tp -> startWriter(tp.partition()));
            Map<TopicPartition, Long> hw = highWatermarks(parts);
            for (TopicPartition tp : parts) {
                restoreEnd.put(tp, hw.get(tp));
                restoring.put(tp, new LinkedHashMap<>());
            }
            consumer.resume(parts);
            consumer.seekToBeginning(parts);
            LOG.info("{}: assigned {}; fenced their previous writers (initTransactions); rebuilding leases up to {}", config.instanceId(),
                    parts, hw);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> parts) {
            forget(parts);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> parts) {
            forget(parts);
        }

        private void forget(Collection<TopicPartition> parts) {
            if (parts.isEmpty()) {
                return;
            }
            parts.forEach(tp -> {
                restoreEnd.remove(tp);
                restoring.remove(tp);
            });
            models.revoked(numbers(parts));
            parts.forEach(tp -> stopWriter(tp.partition(), false));
            LOG.info("{}: revoked {}", config.instanceId(), parts);
        }
    }

    private static Set<Integer> numbers(Collection<TopicPartition> parts) {
        Set<Integer> out = new TreeSet<>();
        parts.forEach(tp -> out.add(tp.partition()));
        return out;
    }

    private Map<TopicPartition, Long> highWatermarks(Collection<TopicPartition> parts) {
        Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
        parts.forEach(tp -> spec.put(tp, OffsetSpec.latest()));
        try {
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(spec, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                    .get(config.transactionTimeout().toMillis() + 30_000, TimeUnit.MILLISECONDS)
                    .forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while listing offsets of " + parts, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new KafkaException("cannot list the offsets of " + parts, e);
        }
    }

    private void onRecord(ConsumerRecord<byte[], byte[]> r) {
        Map<String, LeaseEntry> leases = restoring.get(new TopicPartition(r.topic(), r.partition()));
        if (leases == null) {
            return;
        }
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        if (key == null) {
            bad(r, "no key");
            return;
        }
        if (r.value() == null) {
            leases.remove(key);
            return;
        }
        try {
            leases.put(key, LeaseRecords.fromAvro(key, deserializer.deserialize(r.topic(), r.value())));
        } catch (RuntimeException e) {
            bad(r, e.toString());
        }
    }

    private void bad(ConsumerRecord<byte[], byte[]> r, String why) {
        metrics.badRecord();
        LOG.warn("skipping lease record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), why);
    }

    private void finishRestores() {
        for (TopicPartition tp : List.copyOf(restoring.keySet())) {
            if (consumer.position(tp) < restoreEnd.get(tp)) {
                continue;
            }
            Map<String, List<LeaseEntry>> byModel = new TreeMap<>();
            restoring.remove(tp).values().forEach(e -> byModel.computeIfAbsent(e.modelId(), m -> new ArrayList<>()).add(e));
            consumer.pause(List.of(tp));
            models.restored(tp.partition(), byModel);
            LOG.info("{}: rebuilt {}: {} models with live leases", config.instanceId(), tp, byModel.size());
        }
    }

    // ---------------------------------------------------------------- close

    /** Closes the clients as if the process died: no abort, no commit, no leave-group. */
    void abandonClients() {
        stopping = true;
        List.copyOf(writers.keySet()).forEach(p -> stopWriter(p, true));
        consumer.close(CloseOptions.timeout(Duration.ZERO)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
        admin.close(Duration.ZERO);
    }

    /** Leaves the group (another instance takes the models over at once) and closes the clients. */
    @Override
    public void close() {
        stopping = true;
        List.copyOf(writers.keySet()).forEach(p -> stopWriter(p, false));
        try {
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            LOG.warn("closing the leases consumer: {}", e.toString());
        }
        admin.close(Duration.ofSeconds(5));
    }

    private static int compare(TopicPartition a, TopicPartition b) {
        int c = a.topic().compareTo(b.topic());
        return c != 0 ? c : Integer.compare(a.partition(), b.partition());
    }
}
