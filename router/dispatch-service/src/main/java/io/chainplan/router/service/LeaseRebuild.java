package io.chainplan.router.service;

import io.chainplan.schemas.avro.DispatchLease;
import io.chainplan.schemas.avro.LeaseRecordKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The live leases of one {@code chainplan.leases} partition, rebuilt from its log in offset order (the
 * rules of {@link LeaseSession}, "Fencing by the log"). The log may be compacted: only the latest record
 * of each key is left, so a record written by a fenced owner may have replaced one that still counted.
 * Hence a lease counts as held when its latest record is HELD (whoever wrote it), or EXPIRED by an owner
 * that had been fenced when it wrote it (its expiry was never answered, and a renewal on the new owner may
 * be what it replaced); it is gone after a tombstone, or after an EXPIRED record of the owner of the
 * latest fence before it. Fences are never compacted away (one key per owner). Pure: no I/O.
 */
final class LeaseRebuild {
    /** Key prefix of the fence records. */
    static final String FENCE_PREFIX = "fence/";

    private final Map<String, LeaseEntry> live = new LinkedHashMap<>();
    private String owner;
    private int heldForAFencedOwner;

    /** @return the key of an owner's fence record */
    static String fenceKey(String owner) {
        return FENCE_PREFIX + owner;
    }

    /** @return the owner a fence key names, or null if the key is a lease id */
    static String fenceOwner(String key) {
        return key.startsWith(FENCE_PREFIX) ? key.substring(FENCE_PREFIX.length()) : null;
    }

    /**
     * Applies the next record.
     *
     * @param key   the record key
     * @param value its value, null for a tombstone
     * @throws IllegalArgumentException if the record is malformed (the caller counts and skips it)
     */
    void apply(String key, DispatchLease value) {
        String fencedBy = fenceOwner(key);
        if (fencedBy != null) {
            if (value != null && (value.getKind() != LeaseRecordKind.FENCE || !fencedBy.equals(value.getOwner()))) {
                throw new IllegalArgumentException("fence key " + key + " holds a " + value.getKind() + " record of owner "
                        + value.getOwner());
            }
            owner = fencedBy;
            return;
        }
        if (value == null) {
            live.remove(key);
            return;
        }
        switch (value.getKind()) {
            case FENCE -> throw new IllegalArgumentException("a FENCE record under the lease key " + key);
            case HELD -> live.put(key, LeaseRecords.fromAvro(key, value));
            case EXPIRED -> {
                if (Objects.equals(owner, value.getOwner())) {
                    live.remove(key);
                } else {
                    live.put(key, LeaseRecords.fromAvro(key, value));
                    heldForAFencedOwner++;
                }
            }
        }
    }

    /** @return the owner of the latest fence applied, or null */
    String owner() {
        return owner;
    }

    /** @return EXPIRED records counted as held because their owner had been fenced when it wrote them */
    int heldForAFencedOwner() {
        return heldForAFencedOwner;
    }

    /** @return the live leases by model, in record order within a model */
    Map<String, List<LeaseEntry>> byModel() {
        Map<String, List<LeaseEntry>> out = new TreeMap<>();
        live.values().forEach(e -> out.computeIfAbsent(e.modelId(), m -> new ArrayList<>()).add(e));
        return out;
    }
}
