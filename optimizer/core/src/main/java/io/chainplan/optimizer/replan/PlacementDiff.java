package io.chainplan.optimizer.replan;

import io.chainplan.optimizer.model.BlockRange;
import io.chainplan.optimizer.model.ServerPlacement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What changes between two placements (DESIGN.md §2.4: servers reload blocks only when their
 * range changes): per server the old and new range, the servers whose range changed, and the
 * blocks (and bytes of weights) newly loaded, i.e. blocks in a server's new range that were not
 * in its old range, summed over servers.
 *
 * @param servers      one entry per server present in either placement, sorted by server id
 * @param serversMoved servers whose range changed (including servers that gained or lost a range)
 * @param blocksMoved  blocks newly loaded, summed over servers
 * @param bytesMoved   blocksMoved times s_m
 */
public record PlacementDiff(List<ServerChange> servers, int serversMoved, int blocksMoved, long bytesMoved) {

    /** Validates the fields. */
    public PlacementDiff {
        servers = List.copyOf(servers);
        if (serversMoved < 0 || blocksMoved < 0 || bytesMoved < 0) {
            throw new IllegalArgumentException("counts must be >= 0, were " + serversMoved + ", "
                    + blocksMoved + ", " + bytesMoved);
        }
    }

    /**
     * One server's ranges before and after; {@code start == end == -1} encodes "hosts nothing"
     * (records hold no nulls); use {@link #oldRange()} / {@link #newRange()}.
     *
     * @param serverId  the server
     * @param oldStart  old first block, or -1
     * @param oldEnd    old end block (exclusive), or -1
     * @param newStart  new first block, or -1
     * @param newEnd    new end block (exclusive), or -1
     * @param newBlocks blocks of the new range not in the old one
     */
    public record ServerChange(String serverId, int oldStart, int oldEnd, int newStart, int newEnd, int newBlocks) {
        /** Validates the fields. */
        public ServerChange {
            Objects.requireNonNull(serverId, "serverId");
        }

        /** @return the old range, empty if the server hosted nothing */
        public Optional<BlockRange> oldRange() {
            return oldStart < 0 ? Optional.empty() : Optional.of(new BlockRange(oldStart, oldEnd));
        }

        /** @return the new range, empty if the server hosts nothing */
        public Optional<BlockRange> newRange() {
            return newStart < 0 ? Optional.empty() : Optional.of(new BlockRange(newStart, newEnd));
        }

        /** @return whether the range changed */
        public boolean moved() {
            return oldStart != newStart || oldEnd != newEnd;
        }
    }

    /**
     * @param before     the old placement (servers hosting nothing may be absent)
     * @param after      the new placement
     * @param blockBytes s_m, bytes per block, &gt;= 0
     * @return the difference
     */
    public static PlacementDiff between(List<ServerPlacement> before, List<ServerPlacement> after, long blockBytes) {
        if (blockBytes < 0) {
            throw new IllegalArgumentException("blockBytes must be >= 0, was " + blockBytes);
        }
        Map<String, BlockRange> old = ranges(before, "before");
        Map<String, BlockRange> now = ranges(after, "after");
        TreeSet<String> ids = new TreeSet<>(old.keySet());
        ids.addAll(now.keySet());
        List<ServerChange> changes = new ArrayList<>();
        int moved = 0;
        int blocks = 0;
        for (String id : ids) {
            ServerChange c = change(id, old.get(id), now.get(id));
            changes.add(c);
            moved += c.moved() ? 1 : 0;
            blocks += c.newBlocks();
        }
        return new PlacementDiff(changes, moved, blocks, Math.multiplyExact((long) blocks, blockBytes));
    }

    private static ServerChange change(String id, BlockRange was, BlockRange now) {
        int newBlocks = 0;
        if (now != null) {
            int size = now.end() - now.start();
            int kept = was == null ? 0 : Math.max(0, Math.min(was.end(), now.end()) - Math.max(was.start(), now.start()));
            newBlocks = size - kept;
        }
        return new ServerChange(id,
                was == null ? -1 : was.start(), was == null ? -1 : was.end(),
                now == null ? -1 : now.start(), now == null ? -1 : now.end(), newBlocks);
    }

    private static Map<String, BlockRange> ranges(List<ServerPlacement> placements, String name) {
        Objects.requireNonNull(placements, name);
        Map<String, BlockRange> m = new TreeMap<>();
        for (ServerPlacement p : placements) {
            if (p.range().end() <= p.range().start()) {
                continue;
            }
            if (m.put(p.serverId(), p.range()) != null) {
                throw new IllegalArgumentException(name + " has server " + p.serverId() + " twice");
            }
        }
        return m;
    }
}
