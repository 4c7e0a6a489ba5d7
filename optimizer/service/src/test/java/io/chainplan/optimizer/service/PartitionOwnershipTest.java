package io.chainplan.optimizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** Ownership bookkeeping with consumer positions given by the test. */
class PartitionOwnershipTest {
    private static final String DEMAND = "demand";
    private static final TopicPartition P0 = new TopicPartition(DEMAND, 0);
    private static final TopicPartition P1 = new TopicPartition(DEMAND, 1);

    private final PartitionOwnership ownership = new PartitionOwnership(DEMAND);
    private final Map<TopicPartition, Long> positions = new HashMap<>();

    private static int kafkaPartition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static String modelOn(int partition) {
        for (int i = 0; ; i++) {
            if (kafkaPartition("model-" + i, 2) == partition) {
                return "model-" + i;
            }
        }
    }

    private long position(TopicPartition tp) {
        return positions.get(tp);
    }

    @Test
    void shouldHashModelsToPartitionsAsKafkasDefaultPartitioner() {
        ownership.partitionCounts(2, 3);

        for (String m : List.of("a", "bloom-176b", "llama-2-7b", "model-17")) {
            assertThat(ownership.demandPartition(m).partition()).isEqualTo(kafkaPartition(m, 2));
            assertThat(ownership.planPartition(m)).isEqualTo(kafkaPartition(m, 3));
        }
    }

    @Test
    void shouldOwnTheModelsOfAssignedPartitionsOnly() {
        ownership.partitionCounts(2, 1);
        String on0 = modelOn(0);
        String on1 = modelOn(1);
        assertThat(ownership.owns(on0)).isFalse();

        ownership.assign(List.of(P0), Map.of(), Map.of(P0, 5L));

        assertThat(ownership.owns(on0)).isTrue();
        assertThat(ownership.owns(on1)).isFalse();
        assertThat(ownership.hashesTo(on0, List.of(P0))).isTrue();
        ownership.revoke(List.of(P0));
        assertThat(ownership.owns(on0)).isFalse();
    }

    @Test
    void shouldBeRestoredOnceThePositionReachesTheEndAtAssignment() {
        ownership.partitionCounts(2, 1);
        String on1 = modelOn(1);
        ownership.assign(List.of(P1), Map.of(), Map.of(P1, 7L));

        positions.put(P1, 6L);
        assertThat(ownership.restored(on1, this::position)).isFalse();
        positions.put(P1, 7L);
        assertThat(ownership.restored(on1, this::position)).isTrue();
        assertThat(ownership.restored(modelOn(0), this::position)).as("not assigned").isFalse();
    }

    @Test
    void shouldTreatRecordsBeforeTheCommittedOffsetAsRestoredNotLive() {
        ownership.partitionCounts(2, 1);
        ownership.assign(List.of(P0), Map.of(P0, new OffsetAndMetadata(10)), Map.of(P0, 12L));

        assertThat(ownership.isLive(P0, 9)).isFalse();
        assertThat(ownership.isLive(P0, 10)).isTrue();
        assertThat(ownership.liveFrom()).containsEntry(P0, 10L);
    }

    @Test
    void shouldCommitOnlyPositionsPastTheLastCommit() {
        ownership.partitionCounts(2, 1);
        ownership.assign(List.of(P0, P1), Map.of(P0, new OffsetAndMetadata(3)), Map.of(P0, 3L, P1, 0L));
        positions.put(P0, 3L);
        positions.put(P1, 0L);
        assertThat(ownership.offsetsToCommit(this::position)).isEmpty();

        positions.put(P0, 5L);
        Map<TopicPartition, OffsetAndMetadata> offsets = ownership.offsetsToCommit(this::position);
        assertThat(offsets).containsOnlyKeys(P0);
        assertThat(offsets.get(P0).offset()).isEqualTo(5);

        ownership.committed(offsets);
        assertThat(ownership.offsetsToCommit(this::position)).isEmpty();
    }

    @Test
    void shouldReportBadBroadcastRecordsOfThePartitionNumberItOwnsModuloTheCount() {
        ownership.partitionCounts(2, 1);
        assertThat(ownership.responsibleFor(0)).isFalse();

        ownership.assign(List.of(P1), Map.of(), Map.of(P1, 0L));

        assertThat(ownership.responsibleFor(1)).isTrue();
        assertThat(ownership.responsibleFor(3)).isTrue();
        assertThat(ownership.responsibleFor(0)).isFalse();
        assertThat(ownership.responsibleFor(2)).isFalse();
    }
}
