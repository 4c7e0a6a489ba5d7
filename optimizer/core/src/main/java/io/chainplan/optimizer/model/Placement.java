package io.chainplan.optimizer.model;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which blocks each server hosts (servers that host nothing are absent), ordered by server id.
 *
 * @param servers per-server placements, ids unique; stored sorted by server id
 */
public record Placement(List<ServerPlacement> servers) {
    /** Copies, sorts by server id and checks ids are unique. */
    public Placement {
        Objects.requireNonNull(servers, "servers");
        servers = servers.stream().sorted(Comparator.comparing(ServerPlacement::serverId)).toList();
        Set<String> ids = new HashSet<>();
        for (ServerPlacement s : servers) {
            if (!ids.add(s.serverId())) {
                throw new IllegalArgumentException("placement lists server " + s.serverId() + " twice");
            }
        }
    }

    /** @return the empty placement */
    public static Placement empty() {
        return new Placement(List.of());
    }

    /**
     * @param serverId a server id
     * @return that server's placement, if it hosts anything
     */
    public Optional<ServerPlacement> server(String serverId) {
        return servers.stream().filter(s -> s.serverId().equals(serverId)).findFirst();
    }

    /** @return whether no server hosts anything */
    public boolean isEmpty() {
        return servers.isEmpty();
    }
}
