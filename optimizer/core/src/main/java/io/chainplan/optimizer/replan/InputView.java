package io.chainplan.optimizer.replan;

import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.optimizer.model.TokenTimings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The optimizer's latest view of one model: its spec, the servers that are up (as the plan is solved
 * for them), and the demand.
 *
 * @param model        the model spec (L, s_m, s_c of DESIGN.md §1)
 * @param upServers    the up servers of the model, sorted by id on construction, ids unique: M_j, and
 *                     {@code tau_c}, {@code tau_p} at the demand's token mix for a server in
 *                     {@code tokenTimings}, else the server's per-request estimate
 * @param demand       the latest arrival-rate estimate and token mix
 * @param tokenTimings the per-token coefficients known for up servers, by server id (copied, sorted,
 *                     unmodifiable; empty if none); {@link #atDemandMix} evaluates them at the demand's mix
 * @param fittedAt     for servers in {@code tokenTimings}, the token mix of the requests their coefficients
 *                     were fitted to (the estimate's reference mix), by server id (copied, sorted, unmodifiable;
 *                     a server without one is treated as fitted at any mix)
 */
public record InputView(ModelSpec model, List<Server> upServers, DemandView demand,
        Map<String, TokenTimings> tokenTimings, Map<String, TokenMix> fittedAt) {
    /** Validates the fields and sorts the servers by id. */
    public InputView {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(demand, "demand");
        upServers = sortedById(upServers, "upServers");
        tokenTimings = copy(tokenTimings, upServers, "tokenTimings");
        fittedAt = copy(fittedAt, upServers, "fittedAt");
    }

    /**
     * A view without the mixes the coefficients were fitted at.
     *
     * @param model        the model spec
     * @param upServers    the up servers
     * @param demand       the demand
     * @param tokenTimings the per-token coefficients known for up servers
     */
    public InputView(ModelSpec model, List<Server> upServers, DemandView demand, Map<String, TokenTimings> tokenTimings) {
        this(model, upServers, demand, tokenTimings, Map.of());
    }

    /**
     * A view whose servers carry per-request values only.
     *
     * @param model     the model spec
     * @param upServers the up servers
     * @param demand    the demand
     */
    public InputView(ModelSpec model, List<Server> upServers, DemandView demand) {
        this(model, upServers, demand, Map.of(), Map.of());
    }

    /**
     * The view a plan is solved from when the demand's mix is known (issue 17 item 2): each server with
     * coefficients gets {@code tau_c}, {@code tau_p} of {@link TokenTimings#server} at the demand's token
     * means, so that one change of the mix moves every server's timings at once; a server without
     * coefficients, or whose coefficients give {@code tau_p = 0} at the mix, keeps its per-request
     * estimate. Without a usable mix ({@link TokenMix#usable()}) every server keeps its estimate.
     *
     * @param model        the model spec
     * @param estimates    the up servers' per-request estimates
     * @param coefficients per-token coefficients of those servers that have them, by server id
     * @param fittedAt     the mix each server's coefficients were fitted to, by server id
     * @param demand       the demand, with the measured mix
     * @return the view
     */
    public static InputView atDemandMix(ModelSpec model, List<Server> estimates, Map<String, TokenTimings> coefficients,
            Map<String, TokenMix> fittedAt, DemandView demand) {
        Objects.requireNonNull(coefficients, "coefficients");
        TokenMix mix = demand.tokens();
        List<Server> servers = new ArrayList<>();
        for (Server s : estimates) {
            TokenTimings t = coefficients.get(s.id());
            servers.add(evaluates(t, mix) ? t.server(s.id(), s.memoryBytes(), mix.inputTokens(), mix.outputTokens()) : s);
        }
        return new InputView(model, servers, demand, coefficients, fittedAt);
    }

    /**
     * {@link #atDemandMix(ModelSpec, List, Map, Map, DemandView)} without the mixes the coefficients were fitted at.
     *
     * @param model        the model spec
     * @param estimates    the up servers' per-request estimates
     * @param coefficients per-token coefficients of those servers that have them, by server id
     * @param demand       the demand, with the measured mix
     * @return the view
     */
    public static InputView atDemandMix(ModelSpec model, List<Server> estimates, Map<String, TokenTimings> coefficients,
            DemandView demand) {
        return atDemandMix(model, estimates, coefficients, Map.of(), demand);
    }

    /**
     * @return the coefficients {@link #atDemandMix} evaluated at the demand's mix, by server id: those of
     *         {@code tokenTimings} that give {@code tau_p > 0} there; empty without a usable mix
     */
    public Map<String, TokenTimings> evaluatedTimings() {
        Map<String, TokenTimings> used = new TreeMap<>();
        tokenTimings.forEach((id, t) -> {
            if (evaluates(t, demand.tokens())) {
                used.put(id, t);
            }
        });
        return Collections.unmodifiableMap(used);
    }

    /**
     * @param t   coefficients, or null
     * @param mix a token mix
     * @return whether a server's timings are {@code t} at {@code mix}: both known and {@code tau_p > 0} there
     */
    static boolean evaluates(TokenTimings t, TokenMix mix) {
        return t != null && mix.usable() && t.perBlockSeconds(mix.inputTokens(), mix.outputTokens()) > 0;
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

    static <V> Map<String, V> copy(Map<String, V> timings, List<Server> servers, String name) {
        Objects.requireNonNull(timings, name);
        Set<String> ids = new HashSet<>();
        servers.forEach(s -> ids.add(s.id()));
        for (String id : timings.keySet()) {
            if (!ids.contains(id)) {
                throw new IllegalArgumentException(name + " names server " + id + ", which is not among the servers");
            }
        }
        return Collections.unmodifiableMap(new TreeMap<>(timings));
    }
}
