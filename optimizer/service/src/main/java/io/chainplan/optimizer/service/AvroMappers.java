package io.chainplan.optimizer.service;

import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.arrival.Burstiness;
import io.chainplan.optimizer.arrival.Dispersion;
import io.chainplan.optimizer.model.BlockRange;
import io.chainplan.optimizer.model.Bounds;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.ServerPlacement;
import io.chainplan.optimizer.model.TokenMix;
import io.chainplan.optimizer.model.TokenTimings;
import io.chainplan.optimizer.replan.DemandView;
import io.chainplan.optimizer.replan.InputView;
import io.chainplan.optimizer.replan.PlanBasis;
import io.chainplan.optimizer.replan.ReplanResult;
import io.chainplan.optimizer.replan.Trigger;
import io.chainplan.schemas.avro.ArrivalProcess;
import io.chainplan.schemas.avro.BlockAssignment;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.PlanChain;
import io.chainplan.schemas.avro.PlanChange;
import io.chainplan.schemas.avro.PlanHop;
import io.chainplan.schemas.avro.PlanInputs;
import io.chainplan.schemas.avro.PlanStatus;
import io.chainplan.schemas.avro.PlanTrigger;
import io.chainplan.schemas.avro.RequestTokens;
import io.chainplan.schemas.avro.ResponseTimeBounds;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerParameters;
import io.chainplan.schemas.avro.ServerStatus;
import io.chainplan.schemas.avro.SolverStats;
import io.chainplan.schemas.avro.TokenCoefficients;
import io.chainplan.schemas.avro.TokenTimingEstimate;
import io.chainplan.schemas.avro.TriggerKind;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The optimizer's one mapper between the Avro records of its topics and the domain model, both
 * directions (STYLE.md §1: generated classes never reach the core). Inputs are mapped once, when a
 * record is read ({@link #modelInput}, {@link #serverInput}); a plan is mapped to Avro once, when
 * published ({@link #chainPlan} with {@link #inputs}), and back once, when recovered from the log
 * or read by the audit ({@link #published}, {@link #plan}).
 */
public final class AvroMappers {
    private AvroMappers() {
    }

    /**
     * @param spec the Avro model spec
     * @return L, s_m, s_c as the solver sees them
     */
    public static io.chainplan.optimizer.model.ModelSpec model(ModelSpec spec) {
        return new io.chainplan.optimizer.model.ModelSpec(spec.getId(), spec.getBlocks(), spec.getBlockBytes(),
                spec.getCacheBytesPerBlockPerJob());
    }

    /**
     * @param spec a validated Avro model spec (see {@link io.chainplan.schemas.validate.RecordChecks#modelSpec})
     * @return the spec as the solver sees it, with the token fields a plan records
     */
    public static ModelInput modelInput(ModelSpec spec) {
        Double declared = spec.getDeclaredRatePerSecond();
        return new ModelInput(model(spec), spec.getContextTokens(), spec.getMeanInputTokens(),
                spec.getMeanOutputTokens(), spec.getUpdatedAtMillis().toEpochMilli(),
                declared == null ? OptionalDouble.empty() : OptionalDouble.of(declared));
    }

    /**
     * @param m a model as read
     * @return the Avro spec a plan records in its inputs (field for field what was read)
     */
    public static ModelSpec recorded(ModelInput m) {
        return ModelSpec.newBuilder().setId(m.spec().id()).setBlocks(m.spec().blocks())
                .setBlockBytes(m.spec().blockBytes()).setCacheBytesPerBlockPerJob(m.spec().cacheBytesPerBlockPerJob())
                .setContextTokens(m.contextTokens()).setMeanInputTokens(m.meanInputTokens())
                .setMeanOutputTokens(m.meanOutputTokens()).setUpdatedAtMillis(Instant.ofEpochMilli(m.updatedAtMillis()))
                .setDeclaredRatePerSecond(m.declaredRatePerSecond().isPresent() ? m.declaredRatePerSecond().getAsDouble() : null)
                .build();
    }

    /**
     * @param e a validated server estimate (see {@link io.chainplan.schemas.validate.RecordChecks#serverEstimate})
     * @return the server's M_j, tau_c, tau_p, whether it is up, its model, and its per-token coefficients
     *         (empty when the estimate carries none: an old writer, or nothing known) with the mix they were
     *         fitted to (its reference tokens)
     */
    public static ServerInput serverInput(ServerEstimate e) {
        TokenTimingEstimate t = e.getTokenTimings();
        Optional<TokenTimings> timings = t == null ? Optional.empty() : Optional.of(tokenTimings(t));
        TokenMix fittedAt = t == null ? TokenMix.UNKNOWN
                : new TokenMix(t.getReferenceInputTokens(), t.getReferenceOutputTokens());
        return new ServerInput(server(e), e.getStatus() == ServerStatus.UP, e.getModelId() == null ? ""
                : e.getModelId(), timings, fittedAt);
    }

    /**
     * @param t a validated estimate's per-token coefficients
     * @return them as the cost model's coefficients (their standard errors and reference mix left out)
     */
    public static TokenTimings tokenTimings(TokenTimingEstimate t) {
        return new TokenTimings(t.getBlockOverheadSeconds(), t.getPrefillSecondsPerToken(), t.getDecodeSecondsPerToken(),
                t.getCommSecondsPerRequest(), t.getCommSecondsPerToken());
    }

    /**
     * The token mix a demand estimate measured ({@link TokenMix#usable()} is false when it saw no prompt or no
     * completion: an old writer's 0).
     *
     * @param e a demand estimate
     * @return its mean prompt and generated tokens per request
     */
    public static TokenMix tokens(DemandEstimate e) {
        return new TokenMix(e.getMeanInputTokens(), e.getMeanOutputTokens());
    }

    /**
     * @param e a demand estimate
     * @return the standard errors of its token means (unknown, 0, from an old writer)
     */
    public static DemandView.TokenErrors tokenErrors(DemandEstimate e) {
        return new DemandView.TokenErrors(e.getInputTokensStandardError(), e.getOutputTokensStandardError());
    }

    /**
     * @param e a server estimate
     * @return the server's M_j, tau_c, tau_p
     */
    public static Server server(ServerEstimate e) {
        return new Server(e.getServerId(), e.getMemoryBytes(), e.getCommSeconds(), e.getPerBlockComputeSeconds());
    }

    /**
     * @param p recorded server parameters
     * @return the server
     */
    public static Server server(ServerParameters p) {
        return new Server(p.getServerId(), p.getMemoryBytes(), p.getCommSeconds(), p.getPerBlockComputeSeconds());
    }

    /**
     * @param s a server whose timings are its per-request estimate
     * @return its parameters as recorded in plan inputs
     */
    public static ServerParameters parameters(Server s) {
        return parameters(s, null);
    }

    /**
     * @param s a server
     * @param t the coefficients its timings were evaluated from, or null if they are its per-request estimate
     * @return its parameters as recorded in plan inputs
     */
    public static ServerParameters parameters(Server s, TokenTimings t) {
        TokenCoefficients c = t == null ? null : new TokenCoefficients(t.blockOverheadSeconds(),
                t.prefillSecondsPerToken(), t.decodeSecondsPerToken(), t.commSecondsPerRequest(),
                t.commSecondsPerToken());
        return new ServerParameters(s.id(), s.memoryBytes(), s.commSeconds(), s.perBlockComputeSeconds(), c);
    }

    /**
     * @param inputs recorded plan inputs
     * @return the fleet they describe: the servers' recorded timings
     */
    public static Fleet fleet(PlanInputs inputs) {
        List<Server> servers = inputs.getServers().stream().map(AvroMappers::server).toList();
        return new Fleet(model(inputs.getModel()), servers, arrivals(inputs), inputs.getTargetLoad());
    }

    /**
     * The token mix recorded in plan inputs.
     *
     * @param inputs recorded inputs
     * @return the mix the servers' coefficients were evaluated at; {@link TokenMix#UNKNOWN} if none was
     *         (older plans, or no usable measured mix)
     */
    public static TokenMix tokens(PlanInputs inputs) {
        RequestTokens t = inputs.getTokens();
        return t == null ? TokenMix.UNKNOWN : new TokenMix(t.getMeanInputTokens(), t.getMeanOutputTokens());
    }

    /**
     * The per-token coefficients recorded in plan inputs.
     *
     * @param inputs recorded inputs
     * @return by server id, the coefficients of the servers that carry them (empty for older plans)
     * @throws IllegalArgumentException if a coefficient is negative or not finite
     */
    public static Map<String, TokenTimings> tokenTimings(PlanInputs inputs) {
        Map<String, TokenTimings> out = new TreeMap<>();
        for (ServerParameters p : inputs.getServers()) {
            TokenCoefficients c = p.getTokenTimings();
            if (c != null) {
                out.put(p.getServerId(), new TokenTimings(c.getBlockOverheadSeconds(), c.getPrefillSecondsPerToken(),
                        c.getDecodeSecondsPerToken(), c.getCommSecondsPerRequest(), c.getCommSecondsPerToken()));
            }
        }
        return out;
    }

    /**
     * @param assignments recorded block assignments
     * @return the placement (ranges and cache slots as recorded)
     */
    public static Placement placement(List<BlockAssignment> assignments) {
        return new Placement(assignments.stream()
                .map(a -> new ServerPlacement(a.getServerId(), new BlockRange(a.getStartBlock(), a.getEndBlock()),
                        a.getCacheSlots()))
                .toList());
    }

    /**
     * @param placement a placement
     * @return its block assignments, sorted by server id
     */
    public static List<BlockAssignment> assignments(Placement placement) {
        return placement.servers().stream()
                .sorted(Comparator.comparing(ServerPlacement::serverId))
                .map(p -> new BlockAssignment(p.serverId(), p.range().start(), p.range().end(), p.cacheSlots()))
                .toList();
    }

    /**
     * The reference the triggers compare against (issue 7 item 4: recovered from the log).
     *
     * @param plan a published plan
     * @return what it was solved from and its placement
     */
    public static PlanBasis basis(ChainPlan plan) {
        PlanInputs in = plan.getInputs();
        return new PlanBasis(plan.getEpoch(), plan.getCreatedAtMillis().toEpochMilli(), model(in.getModel()),
                in.getServers().stream().map(AvroMappers::server).toList(), arrivals(in),
                placement(plan.getPlacements()).servers(), tokens(in), tokenTimings(in), in.getDeclaredDemand());
    }

    /**
     * The inputs of a solve exactly as a plan records them: with the token mix and each server's coefficients
     * when the view evaluated them ({@link InputView#evaluatedTimings()}).
     *
     * @param model          the model as read
     * @param view           the view solved (its up servers and rate)
     * @param targetLoad     rho_bar
     * @param objective      objective name of the search over c
     * @param fixedPlacement the placement kept, or empty for a full search
     * @return the Avro inputs
     */
    public static PlanInputs inputs(ModelInput model, InputView view, double targetLoad, String objective,
                                    Placement fixedPlacement) {
        Map<String, TokenTimings> used = view.evaluatedTimings();
        TokenMix mix = view.demand().tokens();
        return PlanInputs.newBuilder()
                .setModel(recorded(model))
                .setServers(view.upServers().stream().map(s -> parameters(s, used.get(s.id()))).toList())
                .setArrivalRatePerSecond(view.demand().ratePerSecond())
                .setTargetLoad(targetLoad)
                .setObjective(objective)
                .setFixedPlacement(assignments(fixedPlacement))
                .setArrivals(process(view.demand().arrivals(), view.demand().fitReason()))
                .setTokens(used.isEmpty() ? null : new RequestTokens(mix.inputTokens(), mix.outputTokens()))
                .setDeclaredDemand(view.demand().declared())
                .build();
    }

    /**
     * What telemetry-ingest measured of a model's arrivals (an empty list of dispersions from older
     * writers, which the fit reads as Poisson).
     *
     * @param e a validated demand estimate
     * @return the measurements at the estimate's rate
     */
    public static Burstiness burstiness(DemandEstimate e) {
        List<Dispersion> d = e.getDispersions().stream()
                .map(x -> new Dispersion(x.getWindowSeconds(), x.getIndex(), x.getWindows())).toList();
        return new Burstiness(e.getArrivalRatePerSecond(), e.getBurstinessArrivals(), d);
    }

    /**
     * The arrival process a plan records (docs/file-formats.md, {@code arrivals}).
     *
     * @param m      the process
     * @param reason how it was chosen
     * @return the Avro record
     */
    static ArrivalProcess process(ArrivalModel m, String reason) {
        ArrivalProcess.Builder b = ArrivalProcess.newBuilder().setKind(m.kind()).setFitReason(reason);
        if (m instanceof ArrivalModel.Mmpp2 x) {
            b.setBurstRatePerSecond(x.burstRatePerSecond()).setCalmRatePerSecond(x.calmRatePerSecond())
                    .setBurstEndsPerSecond(x.burstEndsPerSecond()).setBurstStartsPerSecond(x.burstStartsPerSecond());
        }
        return b.build();
    }

    /**
     * The arrival process recorded in plan inputs; Poisson at the recorded rate when absent (older plans).
     *
     * @param inputs recorded inputs
     * @return the process
     * @throws IllegalArgumentException if the record names an unknown kind or breaks the process's rules
     */
    public static ArrivalModel arrivals(PlanInputs inputs) {
        ArrivalProcess p = inputs.getArrivals();
        double rate = inputs.getArrivalRatePerSecond();
        if (p == null || p.getKind().equals("poisson")) {
            return new ArrivalModel.Poisson(rate);
        }
        if (!p.getKind().equals("mmpp2")) {
            throw new IllegalArgumentException("inputs.arrivals.kind must be poisson or mmpp2, was " + p.getKind());
        }
        return new ArrivalModel.Mmpp2(p.getBurstRatePerSecond(), p.getCalmRatePerSecond(), p.getBurstEndsPerSecond(),
                p.getBurstStartsPerSecond());
    }

    /**
     * A published plan as the optimizer keeps it (the inverse of {@link #chainPlan} on what the
     * optimizer needs: its basis and its solved plan).
     *
     * @param plan a plan read from the log
     * @return its basis and domain plan
     * @throws IllegalArgumentException if the record breaks a domain invariant
     */
    public static PublishedPlan published(ChainPlan plan) {
        return new PublishedPlan(basis(plan), plan(plan));
    }

    /**
     * Everything a published plan carries (DESIGN.md §2.3).
     *
     * @param epoch     the plan epoch
     * @param createdAt when it was made
     * @param trigger   why
     * @param inputs    the inputs exactly as solved ({@code fixedPlacement} set iff the placement was kept)
     * @param result    the re-plan's outcome
     * @param previousEpoch the epoch of the plan it replaces, if any
     * @return the Avro plan
     */
    public static ChainPlan chainPlan(long epoch, Instant createdAt, Trigger trigger, PlanInputs inputs,
                                      ReplanResult result, OptionalLong previousEpoch) {
        Plan p = result.plan();
        return ChainPlan.newBuilder()
                .setEpoch(epoch)
                .setModelId(inputs.getModel().getId())
                .setCreatedAtMillis(createdAt)
                .setTrigger(new PlanTrigger(TriggerKind.valueOf(trigger.kind().name()), trigger.detail()))
                .setStatus(PlanStatus.valueOf(p.status().name()))
                .setReason(p.reasonText().orElse(null))
                .setInputs(inputs)
                .setC(p.c())
                .setArrivalRate(inputs.getArrivalRatePerSecond())
                .setPlacements(assignments(p.placement()))
                .setChains(p.chains().stream().map(AvroMappers::chain).toList())
                .setTotalServiceRatePerSecond(p.totalServiceRatePerSecond())
                .setBounds(p.finiteBounds().map(b -> new ResponseTimeBounds(b.lowerSeconds(), b.upperSeconds()))
                        .orElse(null))
                .setSolver(new SolverStats(p.solver().millis(), p.solver().objective().cliName(),
                        p.solver().candidatesTried(), p.solver().placementsEvaluated()))
                .setReplaces(previousEpoch.isPresent() ? change(previousEpoch.getAsLong(), result) : null)
                .build();
    }

    /**
     * The domain plan a published plan carries (the inverse of {@link #chainPlan} on the solved
     * fields). A missing reason comes back as "", missing bounds as {@link Bounds#UNBOUNDED};
     * {@code SolverStats.placementsEvaluated} is 0 in plans written before it was recorded.
     *
     * @param plan a published plan
     * @return its status, reason, c, rate, placement, chains, nu, bounds and solver statistics
     */
    public static Plan plan(ChainPlan plan) {
        ResponseTimeBounds b = plan.getBounds();
        SolverStats s = plan.getSolver();
        return new Plan(plan.getModelId(),
                io.chainplan.optimizer.model.PlanStatus.valueOf(plan.getStatus().name()),
                plan.getReason() == null ? "" : plan.getReason(), plan.getC(), plan.getArrivalRate(),
                placement(plan.getPlacements()), plan.getChains().stream().map(AvroMappers::chain).toList(),
                plan.getTotalServiceRatePerSecond(),
                b == null ? Bounds.UNBOUNDED : new Bounds(b.getLowerSeconds(), b.getUpperSeconds()),
                new io.chainplan.optimizer.model.SolverStats(s.getMillis(), Objective.fromCliName(s.getObjective()),
                        s.getCandidatesTried(), s.getPlacementsEvaluated()));
    }

    private static Chain chain(PlanChain c) {
        return new Chain(c.getHops().stream().map(h -> new Hop(h.getServerId(), h.getStartBlock(), h.getEndBlock()))
                .toList(), c.getCapacity(), c.getServiceSeconds());
    }

    private static PlanChange change(long previousEpoch, ReplanResult r) {
        return new PlanChange(previousEpoch, r.diff().serversMoved(), r.diff().blocksMoved(),
                r.diff().bytesMoved(), boxed(r.keepLowerSeconds()), boxed(r.replaceLowerSeconds()), r.decision());
    }

    private static Double boxed(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static PlanChain chain(Chain c) {
        return new PlanChain(c.hops().stream().map(AvroMappers::hop).toList(), c.capacity(), c.serviceSeconds());
    }

    private static PlanHop hop(Hop h) {
        return new PlanHop(h.serverId(), h.startBlock(), h.endBlock());
    }

    /**
     * @param inputs recorded inputs
     * @return the objective they name
     */
    public static Objective objective(PlanInputs inputs) {
        return Objective.fromCliName(inputs.getObjective());
    }
}
