package io.chainplan.optimizer.replan;

import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Server;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The optimizer's latest view of one model: its spec, the servers that are up, and the demand.
 *
 * @param model     the model spec (L, s_m, s_c of DESIGN.md §1)
 * @param upServers the up servers of the model, sorted by id on construction, ids unique
 * @param demand    the latest arrival-rate estimate
 */
public record InputView(ModelSpec model, List<Server> upServers, DemandView demand) {
    /** Validates the fields and sorts the servers by id. */
    public InputView {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(demand, "demand");
        upServers = sortedById(upServers, "upServers");
    }

    static List<Server> sortedById(List<Server> servers, String name) {
        Objects.requireNonNull(servers, name);
        List<Server> sorted = servers.stream().sorted(Comparator.comparing(Server::id)).toList();
        Set<String> ids = new HashSet<>();
        for (Server s : sorted) {
            if (!ids.add(s.id())) {
                throw new IllegalArgumentException(name + " has server id " + s.id() + " twice");
            }
        }
        return sorted;
    }
}
