package io.chainplan.optimizer.service;

import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.replan.DemandView;
import io.chainplan.optimizer.replan.InputView;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.PlanInputs;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The latest model specs, server estimates and demand estimates (latest record per key, as a
 * compacted topic holds them), and the per-model {@link InputView} built from them.
 * <p>Which servers serve a model: those whose estimate names the model; an estimate without a
 * model id belongs to the configured default model, or to every model when none is configured
 * (the natural reading for a single-model fleet). Only servers with status {@code UP} count;
 * {@code DRAINING} and {@code DOWN} servers are left out of new plans.
 * <p>Not thread-safe: owned by the service's loop thread.
 */
public final class ModelViews {
    private final Map<String, ModelSpec> models = new TreeMap<>();
    private final Map<String, ServerEstimate> servers = new TreeMap<>();
    private final Map<String, DemandEstimate> demand = new TreeMap<>();
    private final Optional<String> defaultModelId;
    private final double minRatePerSecond;

    /**
     * @param defaultModelId   model of server estimates without a model id; empty: every model
     * @param minRatePerSecond lambda below this is raised to it (an idle model still gets a plan)
     */
    public ModelViews(Optional<String> defaultModelId, double minRatePerSecond) {
        this.defaultModelId = Objects.requireNonNull(defaultModelId, "defaultModelId");
        this.minRatePerSecond = minRatePerSecond;
    }

    /** @param spec a validated model spec, replacing the previous one of its id */
    public void put(ModelSpec spec) {
        models.put(spec.getId(), spec);
    }

    /** @param e a validated server estimate, replacing the previous one of its server */
    public void put(ServerEstimate e) {
        servers.put(e.getServerId(), e);
    }

    /** @param e a validated demand estimate, replacing the previous one of its model */
    public void put(DemandEstimate e) {
        demand.put(e.getModelId(), e);
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
    public Optional<ModelSpec> model(String modelId) {
        return Optional.ofNullable(models.get(modelId));
    }

    /** @return the ids of all models with a spec, sorted */
    public List<String> modelIds() {
        return List.copyOf(models.keySet());
    }

    /**
     * @param modelId a model id
     * @return whether a spec is known for it
     */
    public boolean knowsModel(String modelId) {
        return models.containsKey(modelId);
    }

    /**
     * @param modelId a model id
     * @return its spec, up servers and demand; empty until both a spec and a demand estimate exist
     */
    public Optional<InputView> view(String modelId) {
        ModelSpec spec = models.get(modelId);
        DemandEstimate d = demand.get(modelId);
        if (spec == null || d == null) {
            return Optional.empty();
        }
        return Optional.of(new InputView(AvroMappers.model(spec), upServers(modelId), demandView(d)));
    }

    /**
     * The inputs of a solve exactly as they will be recorded in the plan.
     *
     * @param modelId        the model
     * @param view           its view (from {@link #view(String)})
     * @param targetLoad     rho_bar
     * @param objective      objective name of the search over c
     * @param fixedPlacement the placement kept, or empty for a full search
     * @return the Avro inputs
     */
    public PlanInputs inputs(String modelId, InputView view, double targetLoad, String objective,
                             Placement fixedPlacement) {
        return PlanInputs.newBuilder()
                .setModel(ModelSpec.newBuilder(models.get(modelId)).build())
                .setServers(view.upServers().stream().map(AvroMappers::parameters).toList())
                .setArrivalRatePerSecond(view.demand().ratePerSecond())
                .setTargetLoad(targetLoad)
                .setObjective(objective)
                .setFixedPlacement(AvroMappers.assignments(fixedPlacement))
                .build();
    }

    private List<Server> upServers(String modelId) {
        List<Server> up = new ArrayList<>();
        for (ServerEstimate e : servers.values()) {
            if (e.getStatus() == ServerStatus.UP && serves(e, modelId)) {
                up.add(AvroMappers.server(e));
            }
        }
        up.sort(Comparator.comparing(Server::id));
        return up;
    }

    private boolean serves(ServerEstimate e, String modelId) {
        if (e.getModelId() != null) {
            return e.getModelId().equals(modelId);
        }
        return defaultModelId.map(modelId::equals).orElse(true);
    }

    private DemandView demandView(DemandEstimate d) {
        double rate = Math.max(d.getArrivalRatePerSecond(), minRatePerSecond);
        double lower = Math.min(d.getLowerPerSecond(), rate);
        double upper = Math.max(d.getUpperPerSecond(), rate);
        return new DemandView(rate, lower, upper);
    }
}
