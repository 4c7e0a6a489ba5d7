package io.chainplan.optimizer.service;

import io.chainplan.schemas.serde.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Epoch recovery (issue 7 item 4): the last plan and the last {@code OK} plan of the models an
 * instance takes over, read back from the plans topic ({@code read_committed}) after waiting until
 * every transaction that was open on their plans partitions has ended (committed, aborted, or timed
 * out), so a plan committed late by a crashed or fenced predecessor cannot be missed.
 * <p>Each model's plans partition is read <em>backwards</em> from its end ({@link #scan}) in chunks
 * that double in size ({@value #FIRST_CHUNK}, then 2x up to {@value #MAX_CHUNK} offsets), until
 * every model's last {@code OK} plan has been found or the beginning is reached. Why backwards:
 * the plans topic is the audit log and is never compacted or expired, so reading it from the
 * beginning on every partition assignment would cost O(all plans ever published). Backwards, a
 * model whose last plan is {@code OK} costs about twice the offsets since its last plan. Worst
 * cases, documented in {@link OptimizerService}: a model that never had a plan (its first plan is
 * about to be made), and a model whose plans since its last {@code OK} one are all
 * INFEASIBLE/UNSTABLE, scan back to the beginning of the partition. A model with no plan in its
 * own partition is looked for in the other partitions too (only matters if partitions were added
 * to the plans topic, which moves keys).
 * <p>Relies on a model's epochs increasing with the offset within its partition (a model is
 * published by one fenced producer at a time, in epoch order); within the chunks read the highest
 * epoch wins anyway. Records that do not decode are logged and skipped. Used by the session's
 * thread only.
 */
final class PlanRecovery {
    /** Offsets in the first chunk read back from the end. */
    static final int FIRST_CHUNK = 64;
    /** Largest chunk. */
    static final int MAX_CHUNK = 8192;
    /** Added to transaction.timeout.ms: the broker's default abort check interval (10 s) and a margin. */
    static final long ABORT_CHECK_GRACE_SECONDS = 15;
    /** Longest time one chunk may take to read. */
    private static final Duration CHUNK_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TRANSACTION_POLL = Duration.ofMillis(50);
    private static final Logger LOG = LoggerFactory.getLogger(PlanRecovery.class);

    /** One partition of the plans topic as seen by a {@code read_committed} reader. */
    interface Partition {
        /** @return the log start offset */
        long beginningOffset();

        /** @return the end (the last stable offset) */
        long endOffset();

        /**
         * @param from first offset, inclusive
         * @param to   last offset, exclusive
         * @param keys the model ids wanted
         * @return the committed records of those keys with offsets in {@code [from, to)}, ascending,
         *         and the count of all records read
         */
        TopicReader.Batch<PublishedPlan> read(long from, long to, Set<String> keys);
    }

    /**
     * What a recovery found.
     *
     * @param last        last plan by model (models without any plan are absent)
     * @param lastOk      last {@code OK} plan by model
     * @param recordsRead records read (all keys)
     */
    record Found(Map<String, PublishedPlan> last, Map<String, PublishedPlan> lastOk, long recordsRead) {
        /** Copies the maps. */
        Found {
            last = new TreeMap<>(last);
            lastOk = new TreeMap<>(lastOk);
        }

        /** @return whether nothing was found */
        boolean isEmpty() {
            return last.isEmpty();
        }
    }

    private final Admin admin;
    private final TopicReader<PublishedPlan> plans;
    private final PartitionOwnership ownership;
    private final Duration transactionWaitBound;
    private final OptimizerMetrics metrics;

    /**
     * @param admin              lists offsets to see open transactions
     * @param plans              a reader of the plans topic decoding to published plans
     * @param ownership          which plans partition a model's plans go to
     * @param transactionTimeout the producers' {@code transaction.timeout.ms}
     * @param metrics            shows while a recovery waits for open transactions
     */
    PlanRecovery(Admin admin, TopicReader<PublishedPlan> plans, PartitionOwnership ownership,
                 Duration transactionTimeout, OptimizerMetrics metrics) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.plans = Objects.requireNonNull(plans, "plans");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.transactionWaitBound = transactionTimeout.plusSeconds(ABORT_CHECK_GRACE_SECONDS);
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * What one call of {@link #recover} did.
     *
     * @param found  the plans found
     * @param waited whether a transaction was open and waited for
     * @param took   how long it took, waiting included
     */
    record Recovered(Found found, boolean waited, Duration took) {
    }

    /**
     * @param models models to recover, not empty
     * @return their last and last OK plans
     * @throws KafkaException if transactions stay open past {@code transaction.timeout.ms} + {@value #ABORT_CHECK_GRACE_SECONDS} s
     */
    Recovered recover(Collection<String> models) {
        long t0 = System.nanoTime();
        Map<Integer, Set<String>> byPartition = new TreeMap<>();
        models.forEach(m -> byPartition.computeIfAbsent(ownership.planPartition(m), k -> new TreeSet<>()).add(m));
        boolean waited = awaitNoOpenTransactions(byPartition.keySet());
        Map<String, PublishedPlan> last = new TreeMap<>();
        Map<String, PublishedPlan> lastOk = new TreeMap<>();
        long read = 0;
        Set<String> missing = new TreeSet<>();
        for (Map.Entry<Integer, Set<String>> e : byPartition.entrySet()) {
            Found f = scan(partition(e.getKey()), e.getValue());
            read += f.recordsRead();
            merge(f, last, lastOk);
            e.getValue().stream().filter(m -> !f.last().containsKey(m)).forEach(missing::add);
        }
        read += recoverElsewhere(missing, last, lastOk);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        LOG.info("recovered the last plans of {} models ({} found) from {} plan records in {} ms{}", models.size(),
                last.size(), read, took.toMillis(), waited ? " (waited for open transactions)" : "");
        return new Recovered(new Found(last, lastOk, read), waited, took);
    }

    /** Models without a plan in their own partition: the other partitions, in case keys moved. */
    private long recoverElsewhere(Set<String> missing, Map<String, PublishedPlan> last,
                                  Map<String, PublishedPlan> lastOk) {
        int partitions = ownership.planPartitions();
        if (missing.isEmpty() || partitions < 2) {
            return 0;
        }
        List<Integer> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(p);
        }
        awaitNoOpenTransactions(all);
        long read = 0;
        for (int p : all) {
            Set<String> here = new TreeSet<>(missing);
            here.removeIf(m -> ownership.planPartition(m) == p);
            if (!here.isEmpty()) {
                Found f = scan(partition(p), here);
                read += f.recordsRead();
                merge(f, last, lastOk);
            }
        }
        return read;
    }

    private static void merge(Found f, Map<String, PublishedPlan> last, Map<String, PublishedPlan> lastOk) {
        f.last().values().forEach(p -> last.merge(p.modelId(), p, PlanRecovery::newer));
        f.lastOk().values().forEach(p -> lastOk.merge(p.modelId(), p, PlanRecovery::newer));
    }

    /**
     * Reads one partition backwards from its end until every model's last OK plan is found.
     *
     * @param partition the partition
     * @param models    model ids (record keys) to recover
     * @return their last and last OK plans
     */
    static Found scan(Partition partition, Set<String> models) {
        Set<String> wanted = new TreeSet<>(models);
        Map<String, PublishedPlan> last = new TreeMap<>();
        Map<String, PublishedPlan> lastOk = new TreeMap<>();
        long begin = partition.beginningOffset();
        long hi = partition.endOffset();
        long chunk = FIRST_CHUNK;
        long read = 0;
        while (hi > begin && !wanted.isEmpty()) {
            long lo = Math.max(begin, hi - chunk);
            TopicReader.Batch<PublishedPlan> b = partition.read(lo, hi, Set.copyOf(wanted));
            read += b.recordsRead();
            for (TopicReader.Read<PublishedPlan> r : b.reads()) {
                if (r instanceof TopicReader.Value<PublishedPlan> v && v.value().modelId().equals(r.key())) {
                    keep(v.value(), last, lastOk);
                } else if (r instanceof TopicReader.Undecodable<PublishedPlan> u) {
                    LOG.warn("unreadable plan at {}-{}@{}: {}", u.record().topic(), u.record().partition(),
                            u.record().offset(), u.error().getMessage());
                }
            }
            wanted.removeAll(lastOk.keySet());
            hi = lo;
            chunk = Math.min(MAX_CHUNK, chunk * 2);
        }
        return new Found(last, lastOk, read);
    }

    private static void keep(PublishedPlan p, Map<String, PublishedPlan> last, Map<String, PublishedPlan> lastOk) {
        last.merge(p.modelId(), p, PlanRecovery::newer);
        if (p.isOk()) {
            lastOk.merge(p.modelId(), p, PlanRecovery::newer);
        }
    }

    private static PublishedPlan newer(PublishedPlan a, PublishedPlan b) {
        return b.epoch() > a.epoch() ? b : a;
    }

    private Partition partition(int p) {
        return new Partition() {
            @Override
            public long beginningOffset() {
                return plans.beginningOffsets(List.of(p)).get(p);
            }

            @Override
            public long endOffset() {
                return plans.endOffsets(List.of(p)).get(p);
            }

            @Override
            public TopicReader.Batch<PublishedPlan> read(long from, long to, Set<String> keys) {
                return plans.read(p, from, to, keys::contains, CHUNK_TIMEOUT);
            }
        };
    }

    /**
     * Waits until the last stable offset of each partition has reached its high watermark as of
     * the call, i.e. every transaction open at the call has ended. A crashed instance's open
     * transaction is aborted by the broker after {@code transaction.timeout.ms} (checked every
     * {@code transaction.abort.timed.out.transaction.cleanup.interval.ms}, default 10 s), so the
     * wait is bounded; after {@code transaction.timeout.ms} + {@value #ABORT_CHECK_GRACE_SECONDS} s
     * this gives up with an exception and the session restarts (recovering behind a stuck
     * transaction could miss a plan committed after it and duplicate its epoch).
     *
     * @return whether a transaction was open (and waited for)
     */
    private boolean awaitNoOpenTransactions(Collection<Integer> partitions) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(new TopicPartition(plans.topic(), p), OffsetSpec.latest()));
        long deadline = System.nanoTime() + transactionWaitBound.toNanos();
        try {
            Map<TopicPartition, Long> hw = offsets(latest, IsolationLevel.READ_UNCOMMITTED);
            boolean waited = false;
            while (true) {
                Map<TopicPartition, Long> lso = offsets(latest, IsolationLevel.READ_COMMITTED);
                if (latest.keySet().stream().allMatch(tp -> lso.get(tp) >= hw.get(tp))) {
                    return waited;
                }
                if (!waited) {
                    LOG.info("waiting for transactions open on {} to end (at most {})", latest.keySet(),
                            transactionWaitBound);
                    metrics.waitingForTransactions(true);
                }
                waited = true;
                if (System.nanoTime() - deadline > 0) {
                    throw new KafkaException("transactions still open on " + latest.keySet() + " after "
                            + transactionWaitBound + "; restarting the session");
                }
                Thread.sleep(TRANSACTION_POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while waiting for open transactions", e);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot list offsets of " + latest.keySet(), e.getCause());
        } finally {
            metrics.waitingForTransactions(false);
        }
    }

    private Map<TopicPartition, Long> offsets(Map<TopicPartition, OffsetSpec> spec, IsolationLevel level)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(spec, new ListOffsetsOptions(level)).all().get()
                .forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }
}
