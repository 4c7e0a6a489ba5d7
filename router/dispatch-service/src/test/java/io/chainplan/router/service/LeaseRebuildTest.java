package io.chainplan.router.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainplan.optimizer.model.Hop;
import io.chainplan.schemas.avro.DispatchLease;
import io.chainplan.schemas.avro.LeaseRecordKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rebuild rules of fencing by the log, on logs as compaction may leave them: a fenced owner's late
 * records never make a lease that is in use disappear.
 */
class LeaseRebuildTest {
    private record Rec(String key, DispatchLease value) {
    }

    private static LeaseEntry lease(String id) {
        return new LeaseEntry(id, "m", 1, 0, List.of(new Hop("s", 0, 8)), 1_000, 31_000, null);
    }

    private static Rec fence(String owner) {
        return new Rec(LeaseRebuild.fenceKey(owner), LeaseRecords.fence(owner, "i", 0));
    }

    private static Rec held(String id, String owner) {
        return new Rec(id, LeaseRecords.toAvro(lease(id), "i", owner, LeaseRecordKind.HELD));
    }

    private static Rec expired(String id, String owner) {
        return new Rec(id, LeaseRecords.toAvro(lease(id), "i", owner, LeaseRecordKind.EXPIRED));
    }

    private static Rec tombstone(String id) {
        return new Rec(id, null);
    }

    /** What compaction may leave of a log: the latest record of each key, at its offset. */
    private static List<Rec> compacted(List<Rec> log) {
        Map<String, Integer> latest = new LinkedHashMap<>();
        for (int i = 0; i < log.size(); i++) {
            latest.put(log.get(i).key(), i);
        }
        List<Rec> out = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            if (latest.get(log.get(i).key()) == i) {
                out.add(log.get(i));
            }
        }
        return out;
    }

    private static List<String> live(List<Rec> log) {
        LeaseRebuild r = new LeaseRebuild();
        log.forEach(rec -> r.apply(rec.key(), rec.value()));
        return r.byModel().getOrDefault("m", List.of()).stream().map(LeaseEntry::leaseId).toList();
    }

    @Test
    void shouldKeepHeldLeasesAndDropReleasedAndValidlyExpiredOnes() {
        List<Rec> log = List.of(fence("a"), held("l1", "a"), held("l2", "a"), held("l3", "a"), tombstone("l2"),
                expired("l3", "a"), tombstone("l3"));
        assertThat(live(log)).containsExactly("l1");
        assertThat(live(compacted(log))).containsExactly("l1");
    }

    @Test
    void shouldCountALeaseAZombieExpiredAfterTheNewOwnerRenewedIt() {
        // b fenced a and renewed l1; a, not yet aware, expired l1 (its client renews on b now)
        List<Rec> log = List.of(fence("a"), held("l1", "a"), fence("b"), held("l1", "b"), expired("l1", "a"));
        assertThat(live(log)).containsExactly("l1");
        assertThat(live(compacted(log))).as("compaction left only a's expiry").containsExactly("l1");
        LeaseRebuild r = new LeaseRebuild();
        compacted(log).forEach(rec -> r.apply(rec.key(), rec.value()));
        assertThat(r.heldForAFencedOwner()).isEqualTo(1);
        assertThat(r.owner()).isEqualTo("b");
    }

    @Test
    void shouldCountAZombiesLateRenewalAndGrant() {
        List<Rec> log = List.of(fence("a"), held("l1", "a"), fence("b"), tombstone("l1"), held("l1", "a"),
                held("l2", "a"));
        assertThat(live(compacted(log))).as("never fewer than in use; l1, l2 expire in time").containsExactly("l1", "l2");
    }

    @Test
    void shouldReadRecordsWrittenBeforeFencingExisted() {
        List<Rec> log = List.of(held("old", null), expired("gone", null), fence("a"), held("l1", "a"));
        assertThat(live(log)).containsExactly("old", "l1");
    }

    @Test
    void shouldRefuseMalformedFenceRecords() {
        LeaseRebuild r = new LeaseRebuild();
        assertThatThrownBy(() -> r.apply(LeaseRebuild.fenceKey("a"), LeaseRecords.fence("b", "i", 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fence/a");
        assertThatThrownBy(() -> r.apply("l1", LeaseRecords.fence("a", "i", 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("l1");
        assertThat(LeaseRebuild.fenceOwner("6f1c2f2e-4a4b")).isNull();
        assertThat(LeaseRebuild.fenceOwner("fence/x/1")).isEqualTo("x/1");
    }
}
