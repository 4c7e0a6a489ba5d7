package io.chainplan.optimizer.model;

import io.chainplan.optimizer.arrival.ArrivalModel;
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
 * @param arrivals the arrival process: its mean rate is lambda; Poisson unless burstiness was measured
 * @param targetLoad rho_bar in (0, 1), default {@link #DEFAULT_TARGET_LOAD}
 */
public record Fleet(ModelSpec model, List<Server> servers, ArrivalModel arrivals, double targetLoad) {
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
        Objects.requireNonNull(arrivals, "arrivals");
        if (!(targetLoad > 0 && targetLoad < 1)) {
            throw new IllegalArgumentException("targetLoad must be in (0, 1), was " + targetLoad);
        }
    }

    /**
     * A fleet with Poisson arrivals (the paper's model).
     *
     * @param model the model spec
     * @param servers servers, ids unique
     * @param arrivalRatePerSecond lambda, requests per second ({@code >= 0})
     * @param targetLoad rho_bar in (0, 1)
     */
    public Fleet(ModelSpec model, List<Server> servers, double arrivalRatePerSecond, double targetLoad) {
        this(model, servers, new ArrivalModel.Poisson(Checks.nonNegativeFinite(arrivalRatePerSecond,
                "arrivalRatePerSecond")), targetLoad);
    }

    /** @return lambda, the mean arrival rate, requests per second */
    public double arrivalRatePerSecond() {
        return arrivals.ratePerSecond();
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
     * @return this fleet with another mean arrival rate (the burst structure of its arrivals kept)
     */
    public Fleet withArrivalRate(double rate) {
        return new Fleet(model, servers, arrivals.withRate(Checks.nonNegativeFinite(rate, "arrivalRatePerSecond")),
                targetLoad);
    }

    /**
     * @param process another arrival process
     * @return this fleet with that arrival process
     */
    public Fleet withArrivals(ArrivalModel process) {
        return new Fleet(model, servers, process, targetLoad);
    }

    /**
     * @param load a new rho_bar
     * @return this fleet with another target load
     */
    public Fleet withTargetLoad(double load) {
        return new Fleet(model, servers, arrivals, load);
    }
}
