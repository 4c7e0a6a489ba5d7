package io.chainplan.optimizer.replan;

import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.optimizer.model.TokenTimings;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the model's current plan was solved from and what it decided: the reference the triggers
 * compare the latest view against, recovered from the plans log after a restart.
 *
 * @param epoch                the plan's epoch, &gt;= 1
 * @param createdAtMillis      when the plan was made, ms since the epoch
 * @param model                the model spec it was solved for
 * @param servers              the server parameters it was solved for, sorted by id
 * @param arrivals             the arrival process it was solved for (its mean rate is lambda)
 * @param placements           its per-server block ranges, sorted by server id (empty if none)
 * @param tokens               the token mix its servers' timings were evaluated at ({@link TokenMix#UNKNOWN}
 *                             when they were per-request estimates: plans before issue 17, or no usable mix)
 * @param tokenTimings         the per-token coefficients of the servers evaluated at {@code tokens}, by
 *                             server id (empty when none were)
 * @param declaredDemand       whether it was solved for the model spec's declared rate, before any demand
 *                             estimate ({@link DemandView#declared}): the first estimate then re-plans
 */
public record PlanBasis(
        long epoch,
        long createdAtMillis,
        ModelSpec model,
        List<Server> servers,
        ArrivalModel arrivals,
        List<ServerPlacement> placements,
        TokenMix tokens,
        Map<String, TokenTimings> tokenTimings,
        boolean declaredDemand) {

    /** Validates the fields and sorts the lists by server id. */
    public PlanBasis {
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be >= 1, was " + epoch);
        }
        Objects.requireNonNull(model, "model");
        servers = InputView.sortedById(servers, "servers");
        Objects.requireNonNull(arrivals, "arrivals");
        Objects.requireNonNull(placements, "placements");
        placements = placements.stream().sorted(Comparator.comparing(ServerPlacement::serverId)).toList();
        Objects.requireNonNull(tokens, "tokens");
        tokenTimings = InputView.copy(tokenTimings, servers, "tokenTimings");
    }

    /**
     * A basis of a plan solved for a demand estimate.
     *
     * @param epoch           the plan's epoch
     * @param createdAtMillis when the plan was made
     * @param model           the model spec
     * @param servers         the server parameters
     * @param arrivals        the arrival process
     * @param placements      the per-server block ranges
     * @param tokens          the token mix the servers' timings were evaluated at
     * @param tokenTimings    the per-token coefficients evaluated at it, by server id
     */
    public PlanBasis(long epoch, long createdAtMillis, ModelSpec model, List<Server> servers, ArrivalModel arrivals,
            List<ServerPlacement> placements, TokenMix tokens, Map<String, TokenTimings> tokenTimings) {
        this(epoch, createdAtMillis, model, servers, arrivals, placements, tokens, tokenTimings, false);
    }

    /**
     * A basis of a plan whose servers carry per-request values only.
     *
     * @param epoch           the plan's epoch
     * @param createdAtMillis when the plan was made
     * @param model           the model spec
     * @param servers         the server parameters
     * @param arrivals        the arrival process
     * @param placements      the per-server block ranges
     */
    public PlanBasis(long epoch, long createdAtMillis, ModelSpec model, List<Server> servers, ArrivalModel arrivals,
            List<ServerPlacement> placements) {
        this(epoch, createdAtMillis, model, servers, arrivals, placements, TokenMix.UNKNOWN, Map.of());
    }

    /**
     * A basis of a plan solved for Poisson arrivals.
     *
     * @param epoch                the plan's epoch
     * @param createdAtMillis      when the plan was made
     * @param model                the model spec
     * @param servers              the server parameters
     * @param arrivalRatePerSecond lambda ({@code >= 0}, finite)
     * @param placements           the per-server block ranges
     */
    public PlanBasis(long epoch, long createdAtMillis, ModelSpec model, List<Server> servers, double arrivalRatePerSecond,
            List<ServerPlacement> placements) {
        this(epoch, createdAtMillis, model, servers, poisson(arrivalRatePerSecond), placements);
    }

    private static ArrivalModel poisson(double rate) {
        if (!(Double.isFinite(rate) && rate >= 0)) {
            throw new IllegalArgumentException("arrivalRatePerSecond must be finite and >= 0, was " + rate);
        }
        return new ArrivalModel.Poisson(rate);
    }

    /** @return lambda the plan was solved for */
    public double arrivalRatePerSecond() {
        return arrivals.ratePerSecond();
    }
}
