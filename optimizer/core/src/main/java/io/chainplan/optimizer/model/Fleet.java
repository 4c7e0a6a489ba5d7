package io.chainplan.optimizer.model;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A solve input: the model, the servers that are up, the demand and the target load (DESIGN.md §1, §4.1).
 * The server list may be empty (then every plan is {@link PlanStatus#INFEASIBLE}); its order does
 * not influence any result, algorithms order servers by id.
 *
 * @param model the model spec
 * @param servers servers, ids unique
 * @param arrivalRatePerSecond lambda, requests per second ({@code >= 0})
 * @param targetLoad rho_bar in (0, 1), default {@link #DEFAULT_TARGET_LOAD}
 */
public record Fleet(ModelSpec model, List<Server> servers, double arrivalRatePerSecond, double targetLoad) {
    /** The default target load rho_bar (DESIGN.md §1). */
    public static final double DEFAULT_TARGET_LOAD = 0.7;

    /** Validates the fields and copies the server list. */
    public Fleet {
        Objects.requireNonNull(model, "model");
        servers = List.copyOf(Objects.requireNonNull(servers, "servers"));
        Set<String> ids = new HashSet<>();
        for (Server s : servers) {
            if (!ids.add(s.id())) {
                throw new IllegalArgumentException("servers must have unique ids, duplicate id " + s.id());
            }
        }
        Checks.nonNegativeFinite(arrivalRatePerSecond, "arrivalRatePerSecond");
        if (!(targetLoad > 0 && targetLoad < 1)) {
            throw new IllegalArgumentException("targetLoad must be in (0, 1), was " + targetLoad);
        }
    }

    /**
     * @param id a server id
     * @return the server with that id, if any
     */
    public Optional<Server> server(String id) {
        return servers.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /**
     * @param rate a new lambda
     * @return this fleet with another arrival rate
     */
    public Fleet withArrivalRate(double rate) {
        return new Fleet(model, servers, rate, targetLoad);
    }

    /**
     * @param load a new rho_bar
     * @return this fleet with another target load
     */
    public Fleet withTargetLoad(double load) {
        return new Fleet(model, servers, arrivalRatePerSecond, load);
    }
}
