package io.chainplan.optimizer.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.optimizer.model.Bounds;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.model.SolverStats;
import io.chainplan.optimizer.replan.PlanBasis;
import io.chainplan.schemas.serde.TopicReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Backward recovery on an in-memory partition: offsets go up by 2 per plan (each plan is one
 * transaction: the record and its commit marker), so the scan must cope with offsets that hold no
 * record.
 */
class PlanRecoveryTest {
    private static PublishedPlan plan(String model, long epoch, PlanStatus status) {
        Plan p = new Plan(model, status, status == PlanStatus.OK ? "" : "no", 0, 1, Placement.empty(), List.of(), 0,
                Bounds.UNBOUNDED, new SolverStats(0, Objective.LOWER_BOUND, 0, 0));
        return new PublishedPlan(new PlanBasis(epoch, 0, new ModelSpec(model, 1, 1, 1), List.of(), 1, List.of()), p);
    }

    /** An in-memory partition that counts what was read. */
    private static final class Log implements PlanRecovery.Partition {
        private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        private final Map<Long, PublishedPlan> plans = new HashMap<>();
        private long begin;
        private long next;
        private long read;

        Log append(String model, long epoch, PlanStatus status) {
            records.add(new ConsumerRecord<>("plans", 0, next, model.getBytes(StandardCharsets.UTF_8), new byte[] {1}));
            plans.put(next, plan(model, epoch, status));
            next += 2;
            return this;
        }

        Log unreadable(String model) {
            records.add(new ConsumerRecord<>("plans", 0, next, model.getBytes(StandardCharsets.UTF_8), new byte[] {1}));
            next += 2;
            return this;
        }

        Log noise(int n) {
            for (int i = 1; i <= n; i++) {
                append("noise", i, PlanStatus.OK);
            }
            return this;
        }

        @Override
        public long beginningOffset() {
            return begin;
        }

        @Override
        public long endOffset() {
            return next;
        }

        @Override
        public TopicReader.Batch<PublishedPlan> read(long from, long to, Set<String> keys) {
            List<ConsumerRecord<byte[], byte[]>> in = records.stream()
                    .filter(r -> r.offset() >= Math.max(from, begin) && r.offset() < to).toList();
            read += in.size();
            List<TopicReader.Read<PublishedPlan>> out = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : in) {
                if (!keys.contains(new String(r.key(), StandardCharsets.UTF_8))) {
                    continue;
                }
                PublishedPlan p = plans.get(r.offset());
                out.add(p == null ? new TopicReader.Undecodable<>(r, new IllegalArgumentException("bad bytes"))
                        : new TopicReader.Value<>(r, p));
            }
            return new TopicReader.Batch<>(out, in.size());
        }

        PlanRecovery.Found scan(String... models) {
            return PlanRecovery.scan(this, Set.of(models));
        }
    }

    private static long epoch(Map<String, PublishedPlan> m, String model) {
        return m.get(model).epoch();
    }

    @Test
    void shouldFindTheLastPlansNearTheEndWithoutReadingTheWholeLog() {
        Log log = new Log().append("x", 1, PlanStatus.OK).append("y", 1, PlanStatus.OK).noise(10_000)
                .append("x", 2, PlanStatus.OK).noise(5).append("y", 2, PlanStatus.OK).noise(3);

        PlanRecovery.Found f = log.scan("x", "y");

        assertThat(epoch(f.last(), "x")).isEqualTo(2);
        assertThat(epoch(f.lastOk(), "x")).isEqualTo(2);
        assertThat(epoch(f.last(), "y")).isEqualTo(2);
        assertThat(f.recordsRead()).as("one first chunk of offsets").isLessThanOrEqualTo(PlanRecovery.FIRST_CHUNK)
                .isEqualTo(log.read);
    }

    @Test
    void shouldReadAboutTwiceTheDistanceToTheOldestLastPlanWithDoublingChunks() {
        Log log = new Log().noise(3_000).append("x", 7, PlanStatus.OK).noise(1_000);

        PlanRecovery.Found f = log.scan("x");

        assertThat(epoch(f.last(), "x")).isEqualTo(7);
        assertThat(f.recordsRead()).isGreaterThan(1_000).isLessThanOrEqualTo(2 * 1_001 + PlanRecovery.FIRST_CHUNK);
    }

    @Test
    void shouldScanPastInfeasibleAndUnstablePlansToTheLastOkPlan() {
        Log log = new Log().append("x", 4, PlanStatus.OK).append("x", 5, PlanStatus.OK).noise(500)
                .append("x", 6, PlanStatus.INFEASIBLE).noise(500).append("x", 7, PlanStatus.UNSTABLE).noise(10);

        PlanRecovery.Found f = log.scan("x");

        assertThat(epoch(f.last(), "x")).isEqualTo(7);
        assertThat(f.last().get("x").plan().status()).isEqualTo(PlanStatus.UNSTABLE);
        assertThat(epoch(f.lastOk(), "x")).isEqualTo(5);
    }

    @Test
    void shouldReadTheWholePartitionForAModelThatNeverHadAPlan() {
        Log log = new Log().noise(700).append("x", 1, PlanStatus.OK);

        PlanRecovery.Found f = log.scan("x", "new-model");

        assertThat(f.last()).containsOnlyKeys("x");
        assertThat(f.recordsRead()).isEqualTo(701);
    }

    @Test
    void shouldSkipUnreadableRecordsAndKeepLookingFurtherBack() {
        Log log = new Log().append("x", 3, PlanStatus.OK).noise(100).unreadable("x").noise(2);

        PlanRecovery.Found f = log.scan("x");

        assertThat(epoch(f.last(), "x")).isEqualTo(3);
    }

    @Test
    void shouldKeepTheHighestEpochWithinAChunk() {
        Log log = new Log().append("x", 9, PlanStatus.OK).append("x", 8, PlanStatus.OK);

        assertThat(epoch(log.scan("x").last(), "x")).isEqualTo(9);
    }

    @Test
    void shouldNotReadBelowTheLogStartOffset() {
        Log log = new Log().append("x", 1, PlanStatus.OK).noise(200);
        log.begin = 10;

        PlanRecovery.Found f = log.scan("x");

        assertThat(f.isEmpty()).isTrue();
        assertThat(f.recordsRead()).isEqualTo(200 - 4);
    }

    @Test
    void shouldReadNothingFromAnEmptyPartitionOrForNoModels() {
        assertThat(new Log().scan("x").recordsRead()).isZero();
        Log log = new Log().noise(10);
        assertThat(log.scan().recordsRead()).isZero();
    }
}
