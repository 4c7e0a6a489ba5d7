package io.chainplan.optimizer.service;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Which models this instance owns (see {@link OptimizerService}, "Inputs and ownership"): the
 * demand-estimates partitions the group assigned it, where each one's restore ends (its end offset
 * at assignment), from which offset its records are live (the group's committed offset: records
 * before it were handled by the previous owner), and the offsets committed since. A model is owned
 * when its id hashes (murmur2, as Kafka's default partitioner) to an assigned partition, and
 * restored once the consumer's position on that partition has reached the restore end.
 * <p>Pure bookkeeping: consumer positions are passed in. Not thread-safe.
 */
final class PartitionOwnership {
    private static final Comparator<TopicPartition> ORDER = Comparator.comparing(TopicPartition::topic)
            .thenComparingInt(TopicPartition::partition);

    private final String demandTopic;
    private final Set<TopicPartition> assigned = new TreeSet<>(ORDER);
    private final Map<TopicPartition, Long> restoreEnd = new TreeMap<>(ORDER);
    private final Map<TopicPartition, Long> liveFrom = new TreeMap<>(ORDER);
    private final Map<TopicPartition, Long> committed = new TreeMap<>(ORDER);
    private int demandPartitions;
    private int planPartitions;

    /**
     * @param demandTopic the demand-estimates topic
     */
    PartitionOwnership(String demandTopic) {
        this.demandTopic = demandTopic;
    }

    /**
     * @param demand partitions of the demand-estimates topic
     * @param plans  partitions of the plans topic
     */
    void partitionCounts(int demand, int plans) {
        this.demandPartitions = demand;
        this.planPartitions = plans;
    }

    /** @return partitions of the plans topic */
    int planPartitions() {
        return planPartitions;
    }

    /**
     * Takes on newly assigned demand partitions.
     *
     * @param parts     the partitions
     * @param committed the group's committed offsets of them (absent: none)
     * @param end       their end offsets now: the restore ends
     */
    void assign(Collection<TopicPartition> parts, Map<TopicPartition, OffsetAndMetadata> committed,
                Map<TopicPartition, Long> end) {
        for (TopicPartition tp : parts) {
            OffsetAndMetadata c = committed.get(tp);
            long from = c == null ? 0 : c.offset();
            liveFrom.put(tp, from);
            this.committed.put(tp, from);
            restoreEnd.put(tp, end.get(tp));
        }
        assigned.addAll(parts);
    }

    /** @param parts demand partitions revoked or lost */
    void revoke(Collection<TopicPartition> parts) {
        assigned.removeAll(parts);
        parts.forEach(tp -> {
            restoreEnd.remove(tp);
            liveFrom.remove(tp);
            committed.remove(tp);
        });
    }

    /** @return the assigned demand partitions, ordered */
    Set<TopicPartition> assigned() {
        return Set.copyOf(assigned);
    }

    /** @return the live-from offset of each assigned partition */
    Map<TopicPartition, Long> liveFrom() {
        return Map.copyOf(liveFrom);
    }

    /**
     * @param tp     a demand partition
     * @param offset a record's offset
     * @return whether the record is live (not handled before by a previous owner)
     */
    boolean isLive(TopicPartition tp, long offset) {
        return offset >= liveFrom.getOrDefault(tp, 0L);
    }

    /**
     * Records of the broadcast topics (models, server estimates) are read by every instance; the
     * one assigned demand-estimates partition {@code p mod n} reports the bad ones of partition
     * {@code p}, so each bad record is reported by one live instance.
     *
     * @param partition a partition of a broadcast topic
     * @return whether this instance reports its bad records
     */
    boolean responsibleFor(int partition) {
        if (demandPartitions == 0) {
            return false;
        }
        int p = partition % demandPartitions;
        return assigned.stream().anyMatch(tp -> tp.partition() == p);
    }

    /**
     * @param modelId a model
     * @return the demand partition its id hashes to
     */
    TopicPartition demandPartition(String modelId) {
        return new TopicPartition(demandTopic, partitionOf(modelId, demandPartitions));
    }

    /**
     * @param modelId a model
     * @return the plans partition of the model: fixed by its key, as the default partitioner would
     */
    int planPartition(String modelId) {
        return partitionOf(modelId, planPartitions);
    }

    /**
     * @param modelId a model
     * @param parts   demand partitions
     * @return whether the model's demand partition is one of them
     */
    boolean hashesTo(String modelId, Collection<TopicPartition> parts) {
        return parts.contains(demandPartition(modelId));
    }

    /**
     * @param modelId a model
     * @return whether this instance owns it
     */
    boolean owns(String modelId) {
        return demandPartitions != 0 && assigned.contains(demandPartition(modelId));
    }

    /**
     * @param modelId  a model
     * @param position the consumer's position on a demand partition
     * @return whether its demand partition is assigned and restored to its end at assignment
     */
    boolean restored(String modelId, ToLongFunction<TopicPartition> position) {
        TopicPartition tp = demandPartition(modelId);
        Long end = restoreEnd.get(tp);
        return end != null && position.applyAsLong(tp) >= end;
    }

    /**
     * @param position the consumer's position on a demand partition
     * @return the assigned partitions whose position is past the last committed offset, with it
     */
    Map<TopicPartition, OffsetAndMetadata> offsetsToCommit(ToLongFunction<TopicPartition> position) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartition tp : assigned) {
            long pos = position.applyAsLong(tp);
            if (pos > committed.getOrDefault(tp, 0L)) {
                out.put(tp, new OffsetAndMetadata(pos));
            }
        }
        return out;
    }

    /** @param offsets offsets just committed */
    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
    }

    private static int partitionOf(String key, int partitions) {
        return partitions == 0 ? 0 : Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
