package io.chainplan.optimizer.service;

import io.chainplan.optimizer.arrival.Burstiness;
import io.chainplan.optimizer.arrival.Mmpp2Fit;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.optimizer.model.TokenTimings;
import io.chainplan.optimizer.replan.DemandView;
import io.chainplan.optimizer.replan.InputView;
import io.chainplan.schemas.validate.InputLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The latest model specs, server estimates and demand estimates (latest record per key, as a
 * compacted topic holds them), as domain values, and the per-model {@link InputView} built from
 * them.
 * <p>Which servers serve a model: those whose estimate names the model; an estimate without a
 * model id belongs to the configured default model, or to every model when none is configured
 * (the natural reading for a single-model fleet). Only servers with status {@code UP} count;
 * {@code DRAINING} and {@code DOWN} servers are left out of new plans, and so are servers whose
 * timings are implausible for the model ({@link InputLimits#serverForModel}: a request through the
 * server alone would take more than a day), each with its reason ({@link #excluded}).
 * <p>A server with per-token coefficients is seen at the demand's measured token mix
 * ({@link InputView#atDemandMix}, issue 17): one change of the mix moves every server's timings at once.
 * Until a mix is measured, the model spec's declared token means stand for it, so that every plan records
 * the mix its servers were evaluated at and the triggers compare like with like.
 * <p>Not thread-safe: owned by the service's loop thread.
 */
public final class ModelViews {
    private final Map<String, ModelInput> models = new TreeMap<>();
    /** Last good specs from the accepted-models topic: used for a model the models topic has no good spec of. */
    private final Map<String, ModelInput> accepted = new TreeMap<>();
    private final Map<String, ServerInput> servers = new TreeMap<>();
    private final Map<String, DemandView> demand = new TreeMap<>();
    private final Optional<String> defaultModelId;
    private final double minRatePerSecond;

    /**
     * @param defaultModelId   model of server estimates without a model id; empty: every model
     * @param minRatePerSecond lambda below this is raised to it (an idle model still gets a plan), &gt; 0
     */
    public ModelViews(Optional<String> defaultModelId, double minRatePerSecond) {
        this.defaultModelId = Objects.requireNonNull(defaultModelId, "defaultModelId");
        this.minRatePerSecond = minRatePerSecond;
    }

    /** @param model a validated model spec, replacing the previous one of its id */
    public void put(ModelInput model) {
        models.put(model.spec().id(), model);
    }

    /**
     * @param model a validated spec read from the accepted-models topic (telemetry-ingest's record of
     *              each model's last good spec): the model's spec while the models topic holds no good
     *              one (after compaction left a bad spec as its only record)
     */
    public void putAccepted(ModelInput model) {
        accepted.put(model.spec().id(), model);
    }

    /** @param modelId a model whose accepted spec was deleted (tombstone on the accepted-models topic) */
    public void removeAccepted(String modelId) {
        accepted.remove(modelId);
    }

    /** @param server a validated server estimate, replacing the previous one of its server */
    public void put(ServerInput server) {
        servers.put(server.server().id(), server);
    }

    /**
     * A validated demand estimate, replacing the previous one of its model. The rate is raised to
     * the minimum rate, and the interval widened to contain it. The arrival process is fitted to its
     * burstiness ({@link Mmpp2Fit}: Poisson when none was measured or the fit finds none) at that rate.
     * A token mix that is not {@link TokenMix#usable()} (a window without completions, an old writer) leaves
     * the model's last usable mix in place.
     *
     * @param modelId        the model
     * @param ratePerSecond  lambda, finite and &gt;= 0
     * @param lowerPerSecond lower end of its 95% interval, finite, &gt;= 0
     * @param upperPerSecond upper end, finite, &gt;= lowerPerSecond
     * @param burstiness     what was measured of the arrivals (its rate is the estimate's)
     * @param tokens         the measured mean prompt and generated tokens per request
     * @param tokenErrors    their standard errors
     * @param mixPending     whether the mix of the requests seen is still to be measured (only while no mix is known)
     */
    public void putDemand(String modelId, double ratePerSecond, double lowerPerSecond, double upperPerSecond,
            Burstiness burstiness, TokenMix tokens, DemandView.TokenErrors tokenErrors, boolean mixPending) {
        double rate = Math.max(ratePerSecond, minRatePerSecond);
        Mmpp2Fit.Result fit = Mmpp2Fit.fit(burstiness);
        // an estimate that measured no mix keeps the last one measured
        DemandView last = demand.get(modelId);
        boolean measured = tokens.usable() || last == null;
        TokenMix mix = measured ? (tokens.usable() ? tokens : TokenMix.UNKNOWN) : last.tokens();
        DemandView.TokenErrors errors = measured ? (tokens.usable() ? tokenErrors : DemandView.TokenErrors.UNKNOWN)
                : last.tokenErrors();
        demand.put(modelId, new DemandView(rate, Math.min(lowerPerSecond, rate), Math.max(upperPerSecond, rate),
                fit.model().withRate(rate), fit.reason(), mix, errors, false, mixPending && !mix.usable()));
    }

    /**
     * A demand estimate without a token mix (see the full form).
     *
     * @param modelId        the model
     * @param ratePerSecond  lambda
     * @param lowerPerSecond lower end of its 95% interval
     * @param upperPerSecond upper end
     * @param burstiness     what was measured of the arrivals
     */
    public void putDemand(String modelId, double ratePerSecond, double lowerPerSecond, double upperPerSecond,
            Burstiness burstiness) {
        putDemand(modelId, ratePerSecond, lowerPerSecond, upperPerSecond, burstiness, TokenMix.UNKNOWN,
                DemandView.TokenErrors.UNKNOWN, false);
    }

    /** @param modelId a model whose spec was deleted (tombstone) */
    public void removeModel(String modelId) {
        models.remove(modelId);
    }

    /** @param serverId a server whose estimate was deleted (tombstone) */
    public void removeServer(String serverId) {
        servers.remove(serverId);
    }

    /** @param modelId a model whose demand estimate was deleted (tombstone) */
    public void removeDemand(String modelId) {
        demand.remove(modelId);
    }

    /**
     * @param modelId a model id
     * @return its latest spec, if any
     */
    public Optional<ModelInput> model(String modelId) {
        return Optional.ofNullable(spec(modelId));
    }

    /** @return the ids of all models with a spec, sorted */
    public List<String> modelIds() {
        Set<String> ids = new TreeSet<>(models.keySet());
        ids.addAll(accepted.keySet());
        return List.copyOf(ids);
    }

    /**
     * @param modelId a model id
     * @return whether a spec is known for it
     */
    public boolean knowsModel(String modelId) {
        return spec(modelId) != null;
    }

    /**
     * @param modelId a model id
     * @return its spec, up servers and demand; empty until a spec, a demand estimate or a declared rate in the
     *         spec ({@link DemandView#declared}: then the demand is that rate, issue 16 item 2), and at least one
     *         server estimate of the model (any status) exist, so that no plan is solved from an empty
     *         fleet view at start-up (a fleet whose known servers are all down still gets its
     *         {@code INFEASIBLE} plan)
     */
    public Optional<InputView> view(String modelId) {
        ModelInput model = spec(modelId);
        if (model == null || servers.values().stream().noneMatch(s -> serves(s, modelId))) {
            return Optional.empty();
        }
        TokenMix declared = new TokenMix(model.meanInputTokens(), model.meanOutputTokens());
        DemandView d = demand.get(modelId);
        if (d == null && model.declaredRatePerSecond().isPresent()) {
            d = DemandView.declared(Math.max(model.declaredRatePerSecond().getAsDouble(), minRatePerSecond), declared);
        }
        if (d == null) {
            return Optional.empty();
        }
        List<Server> up = new ArrayList<>();
        Map<String, TokenTimings> coefficients = new TreeMap<>();
        Map<String, TokenMix> fittedAt = new TreeMap<>();
        for (ServerInput s : servers.values()) {
            if (s.up() && serves(s, modelId) && exclusion(s.server(), model).isEmpty()) {
                up.add(s.server());
                s.tokenTimings().ifPresent(t -> {
                    coefficients.put(s.server().id(), t);
                    fittedAt.put(s.server().id(), s.fittedAt());
                });
            }
        }
        DemandView mixed = d.tokens().usable() || !declared.usable() ? d : d.withTokens(declared);
        return Optional.of(InputView.atDemandMix(model.spec(), up, coefficients, fittedAt, mixed));
    }

    /**
     * @param modelId a model with a spec
     * @return the servers of the model left out of its view, by id, with the reason
     */
    public Map<String, String> excluded(String modelId) {
        ModelInput model = spec(modelId);
        Map<String, String> out = new TreeMap<>();
        if (model != null) {
            for (ServerInput s : servers.values()) {
                if (s.up() && serves(s, modelId)) {
                    exclusion(s.server(), model).ifPresent(why -> out.put(s.server().id(), why));
                }
            }
        }
        return out;
    }

    /** The model's spec from the models topic, else its last accepted one, else null. */
    private ModelInput spec(String modelId) {
        ModelInput m = models.get(modelId);
        return m != null ? m : accepted.get(modelId);
    }

    private static Optional<String> exclusion(Server s, ModelInput model) {
        return InputLimits.serverForModel(s.id(), s.commSeconds(), s.perBlockComputeSeconds(), model.spec().id(),
                model.spec().blocks());
    }

    private boolean serves(ServerInput s, String modelId) {
        return s.model().or(() -> defaultModelId).map(modelId::equals).orElse(true);
    }
}
