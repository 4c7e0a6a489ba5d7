package io.chainplan.optimizer.service;

import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.PlanStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Recovers the last plan and the last {@code OK} plan of some models from one partition of the
 * plans topic (issue 7 item 4) by reading it <em>backwards</em> from its end in chunks that double
 * in size ({@value #FIRST_CHUNK}, then 2x up to {@value #MAX_CHUNK} offsets), until every model's
 * last {@code OK} plan has been found or the beginning is reached.
 * <p>Why backwards: the plans topic is the audit log and is never compacted or expired, so reading
 * it from the beginning on every partition assignment would cost O(all plans ever published).
 * Backwards, a model whose last plan is {@code OK} costs about twice the offsets since its last
 * plan (doubling chunks read at most 2x what is needed). Worst cases, documented in
 * {@link OptimizerService}: a model that never had a plan (its first plan is about to be made),
 * and a model whose plans since its last {@code OK} one are all INFEASIBLE/UNSTABLE, scan back to
 * the beginning of the partition.
 * <p>Relies on a model's epochs increasing with the offset within its partition (a model is
 * published by one fenced producer at a time, in epoch order); within the chunks read the highest
 * epoch wins anyway. The reader must be {@code read_committed}, and the caller must first wait for
 * transactions open on the partition to end (the end is the last stable offset).
 */
final class PlanRecovery {
    /** Offsets in the first chunk read back from the end. */
    static final int FIRST_CHUNK = 64;
    /** Largest chunk. */
    static final int MAX_CHUNK = 8192;

    private PlanRecovery() {
    }

    /** One partition of the plans topic as seen by a {@code read_committed} reader. */
    interface Partition {
        /** @return the log start offset */
        long beginningOffset();

        /** @return the end (the last stable offset) */
        long endOffset();

        /**
         * @param from first offset, inclusive
         * @param to   last offset, exclusive
         * @return the committed records with offsets in {@code [from, to)}, ascending
         */
        List<ConsumerRecord<byte[], byte[]>> read(long from, long to);
    }

    /**
     * What a scan found.
     *
     * @param last        last plan by model (models without any plan are absent)
     * @param lastOk      last {@code OK} plan by model
     * @param recordsRead records read (all keys)
     */
    record Found(Map<String, ChainPlan> last, Map<String, ChainPlan> lastOk, long recordsRead) {
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

    /**
     * @param partition the partition
     * @param models    model ids (record keys) to recover
     * @param decode    record to plan; empty for an unreadable record (skipped)
     * @return their last and last OK plans
     */
    static Found scan(Partition partition, Set<String> models,
                      Function<ConsumerRecord<byte[], byte[]>, Optional<ChainPlan>> decode) {
        Objects.requireNonNull(decode, "decode");
        Set<String> wanted = new TreeSet<>(models);
        Map<String, ChainPlan> last = new TreeMap<>();
        Map<String, ChainPlan> lastOk = new TreeMap<>();
        long begin = partition.beginningOffset();
        long hi = partition.endOffset();
        long chunk = FIRST_CHUNK;
        long read = 0;
        while (hi > begin && !wanted.isEmpty()) {
            long lo = Math.max(begin, hi - chunk);
            for (ConsumerRecord<byte[], byte[]> r : partition.read(lo, hi)) {
                read++;
                String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                if (key != null && r.value() != null && wanted.contains(key)) {
                    decode.apply(r).filter(p -> p.getModelId().equals(key)).ifPresent(p -> keep(p, last, lastOk));
                }
            }
            wanted.removeAll(lastOk.keySet());
            hi = lo;
            chunk = Math.min(MAX_CHUNK, chunk * 2);
        }
        return new Found(last, lastOk, read);
    }

    private static void keep(ChainPlan p, Map<String, ChainPlan> last, Map<String, ChainPlan> lastOk) {
        last.merge(p.getModelId(), p, PlanRecovery::newer);
        if (p.getStatus() == PlanStatus.OK) {
            lastOk.merge(p.getModelId(), p, PlanRecovery::newer);
        }
    }

    private static ChainPlan newer(ChainPlan a, ChainPlan b) {
        return b.getEpoch() > a.getEpoch() ? b : a;
    }

    /**
     * A {@link Partition} read through a {@code read_committed} consumer that this object assigns
     * to the one partition.
     */
    static final class ConsumerPartition implements Partition {
        private final Consumer<byte[], byte[]> consumer;
        private final TopicPartition tp;
        private final Duration timeout;

        /**
         * @param consumer a read_committed consumer without group, used by this thread only
         * @param tp       the partition
         * @param timeout  longest time one chunk may take
         */
        ConsumerPartition(Consumer<byte[], byte[]> consumer, TopicPartition tp, Duration timeout) {
            this.consumer = consumer;
            this.tp = tp;
            this.timeout = timeout;
            consumer.assign(List.of(tp));
        }

        @Override
        public long beginningOffset() {
            return consumer.beginningOffsets(List.of(tp)).get(tp);
        }

        @Override
        public long endOffset() {
            return consumer.endOffsets(List.of(tp)).get(tp);
        }

        @Override
        public List<ConsumerRecord<byte[], byte[]>> read(long from, long to) {
            consumer.seek(tp, from);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(tp) < to) {
                if (System.nanoTime() - deadline > 0) {
                    throw new KafkaException("cannot read " + tp + " [" + from + ", " + to + ") within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100)).records(tp)) {
                    if (r.offset() < to) {
                        out.add(r);
                    }
                }
            }
            return out;
        }
    }
}
