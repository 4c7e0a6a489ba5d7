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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
 * writer that records every lease change before it is answered. {@link DispatchService} starts a new
 * session after a fatal error. Threads: the consumer's ({@link #run}) and those of the
 * {@value DispatchConfig#LOG_PRODUCERS_CONFIG} {@link LeaseWriter}s (a lease's changes always go to the
 * same writer, so they are recorded in order).
 *
 * <h2>Ownership</h2>
 * The instances form the consumer group {@code chainplan.dispatch.group.id} on the leases topic
 * (cooperative-sticky assignment, static membership {@code group.instance.id = instance.id}). A model's
 * leases go to the partition its id hashes to; the instance assigned that partition serves the model,
 * as the optimizer shares models by demand-estimates partition.
 *
 * <h2>Rebuilding on assignment</h2>
 * On assignment the session takes the partition's high watermark ({@code read_uncommitted}, through the
 * admin client), reads the partition from the beginning with {@code read_committed}, and serves its
 * models only once its position reached that watermark. A {@code read_committed} consumer cannot pass
 * the first offset of a transaction still open, so this waits until every transaction that had records
 * in the partition at assignment has ended: committed (its leases are read) or aborted (they never
 * count); a crashed owner's open transaction is aborted by the broker after
 * {@code chainplan.dispatch.transaction.timeout.ms}. Then the partition is paused.
 *
 * <h2>Fencing</h2>
 * Every batch of lease records is one transaction of one writer: the records, {@code flush()} (they are in the log),
 * then {@code sendOffsetsToTransaction} with the consumer's group metadata (KIP-447), then commit; only
 * a committed batch is answered. The group coordinator refuses that offset commit from a member whose
 * generation is no longer current, so the transaction aborts. An old owner that lost its partitions
 * (paused, partitioned away, or simply not told yet) therefore cannot record a grant once the group has
 * moved on, and an instance that is assigned a partition does so in a later generation: any grant of the
 * old owner that did commit had its records in the log before the new generation formed, so before the
 * new owner's high watermark, and is read during the rebuild. Grants answered by the old owner are in
 * the log; grants not in the log were never answered. A restarted instance with the same id also fences
 * its predecessor's producer ({@code transactional.id = <group.id>-<instance.id>}). The batch's offsets
 * are the owned partitions' positions; they carry no meaning beyond the fencing (the rebuild always
 * starts from the beginning, the topic is compacted).
 */
final class LeaseSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseSession.class);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final int MAX_BATCH = 1_000;

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
    private final List<LeaseWriter> writers = new ArrayList<>();
    private volatile Snapshot snapshot = new Snapshot(null, Map.of());
    private volatile boolean stopping;
    private volatile boolean abandon;
    private volatile RuntimeException fatal;

    /**
     * What the writers need from the consumer thread: the group metadata and the ready partitions' positions.
     *
     * @param group     the consumer's group metadata after its last poll (null before the first)
     * @param positions position of each ready partition, by partition number
     */
    record Snapshot(ConsumerGroupMetadata group, Map<Integer, OffsetAndMetadata> positions) {
    }

    LeaseSession(Map<String, Object> kafka, Topics topics, DispatchConfig config, SchemaRegistry registry,
                 OwnedModels models, DispatchMetrics metrics, PollHook hook) {
        this.topics = topics;
        this.config = config;
        this.models = models;
        this.metrics = metrics;
        this.hook = hook;
        this.deserializer = new AvroDeserializer<>(DispatchLease.class, registry);
        this.admin = Admin.create(kafka);
        this.consumer = new KafkaConsumer<>(consumerProps(kafka), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        AvroSerializer<DispatchLease> serializer = new AvroSerializer<>(registry, false);
        for (int i = 0; i < config.logProducers(); i++) {
            String txnId = config.transactionalId() + "-" + i;
            writers.add(new LeaseWriter(new KafkaProducer<>(producerProps(kafka, txnId), new ByteArraySerializer(),
                    new ByteArraySerializer()), txnId, topics.leases(), serializer, config.instanceId(), models, metrics,
                    () -> snapshot, this::writerFailed));
        }
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
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, config.transactionalId() + "-leases");
        return p;
    }

    private Map<String, Object> producerProps(Map<String, Object> kafka, String transactionalId) {
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) config.transactionTimeout().toMillis());
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        return p;
    }

    /**
     * The {@link LeaseLog} of this session: queues the change for the writer its lease id hashes to, so
     * that the changes of one lease are recorded in order.
     */
    LeaseLog log() {
        return (modelId, leaseId, lease) -> {
            if (stopping || fatal != null) {
                return CompletableFuture.failedFuture(DispatchFailure.unavailable(modelId,
                        "this instance is restarting its session"));
            }
            return writers.get(Math.floorMod(leaseId.hashCode(), writers.size())).submit(modelId, leaseId, lease);
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
        writers.forEach(LeaseWriter::start);
        consumer.subscribe(List.of(topics.leases()), new Listener());
        try {
            while (running.getAsBoolean() && fatal == null && !abandon) {
                hook.beforePoll();
                try {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                        onRecord(r);
                    }
                    finishRestores();
                    snapshot = new Snapshot(consumer.groupMetadata(), readyPositions());
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

    private Map<Integer, OffsetAndMetadata> readyPositions() {
        Map<Integer, OffsetAndMetadata> out = new TreeMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            if (models.ready(tp.partition())) {
                out.put(tp.partition(), new OffsetAndMetadata(consumer.position(tp)));
            }
        }
        return out;
    }

    /** Rebuilds the owned partitions' leases from the log (class doc). */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> parts) {
            if (parts.isEmpty()) {
                return;
            }
            Map<TopicPartition, Long> hw = highWatermarks(parts);
            for (TopicPartition tp : parts) {
                restoreEnd.put(tp, hw.get(tp));
                restoring.put(tp, new LinkedHashMap<>());
            }
            consumer.resume(parts);
            consumer.seekToBeginning(parts);
            models.assigned(numbers(parts));
            LOG.info("{}: assigned {}; rebuilding leases up to {}", config.instanceId(), parts, hw);
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
        writers.forEach(w -> w.stop(true));
        consumer.close(CloseOptions.timeout(Duration.ZERO)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
        admin.close(Duration.ZERO);
    }

    /** Leaves the group (another instance takes the models over at once) and closes the clients. */
    @Override
    public void close() {
        stopping = true;
        writers.forEach(w -> w.stop(false));
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
