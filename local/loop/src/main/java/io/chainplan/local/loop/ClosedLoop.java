package io.chainplan.local.loop;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.replan.PaperSolver;
import io.chainplan.optimizer.service.OptimizerConfig;
import io.chainplan.optimizer.service.OptimizerMetrics;
import io.chainplan.optimizer.service.OptimizerService;
import io.chainplan.router.dispatch.Dispatcher;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.router.policy.JffcDispatchPolicy;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.DispatchLease;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerTelemetry;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.local.LocalStack;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.Topics;
import io.chainplan.schemas.serde.WireFormat;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The closed loop of {@code chainplan local}, in one process on a running {@link LocalStack}: the
 * telemetry-ingest Kafka Streams application, the optimizer service, a simulated fleet
 * ({@link FleetSimulation}) and its router (the router library's {@link Dispatcher}, JFFC, fed by a
 * plan subscriber). Fleet events drive the estimates, the estimates drive the plans, the plans drive
 * dispatch.
 * <p>Time: a {@link VirtualClock} runs {@code speedup} times as fast as the wall clock. Every event
 * carries virtual time; the optimizer reads the same clock (plan times, debounce, max age); the
 * ingest's wall-clock settings (liveness timeout and check) are divided by the speedup. The virtual
 * origin lies two run-lengths in the past (the run and at most as long a drain of the requests still in
 * flight after its last arrival), so no timestamp is ever ahead of the wall clock (brokers and the
 * ingest reject far-future timestamps). The simulation thread processes every event due,
 * then parks until the next one is due (at most 20 ms): nothing sleeps per request.
 */
public final class ClosedLoop {
    private static final Logger LOG = LoggerFactory.getLogger(ClosedLoop.class);
    private static final long STATUS_EVERY_NANOS = 250_000_000L;
    private static final long MAX_PARK_NANOS = 20_000_000L;
    /**
     * The rate after a shift is the load's true rate this long after it: a trace's true rate is counted
     * over the 60 s before a time, so at the shift itself it is still the rate before.
     */
    private static final double SHIFT_RATE_LAG = 60;
    private static final java.time.Duration OPTIMIZER_STARTUP = java.time.Duration.ofSeconds(60);
    /** The ingest's bucket (its estimate's step), seconds. */
    static final double BUCKET_SECONDS = 5;
    /**
     * Virtual seconds of traffic after which, with no plan in force yet, the clock is held back to wall
     * speed: the first 5 s bucket, ingest's 2 s grace and 1 s for the optimizer. The services' start-up
     * delay then costs the waiting requests the seconds it costs on the wall, not {@code speedup} times
     * as many (on a busy machine a 3 s start made requests wait 80 simulated seconds).
     */
    private static final double FIRST_PLAN_LEAD_SECONDS = BUCKET_SECONDS + 3;

    private final ClosedLoopOptions options;
    private final Services services;

    /** Starts the services the loop needs; a seam so tests and later versions can replace them. */
    public interface Services {
        /**
         * Starts telemetry-ingest on the stack. Its wall-clock settings (liveness timeout and check)
         * must be scaled with {@link VirtualClock#toWall}; event-time settings stay as they are.
         *
         * @param stack  the stack
         * @param clock  the run's clock
         * @param meters where its meters go
         * @return a handle that stops it
         */
        AutoCloseable startIngest(LocalStack stack, VirtualClock clock, MeterRegistry meters);

        /**
         * Starts telemetry-ingest for a simulated fleet, so that it can split the servers' declared timings
         * into per-token coefficients as the fleet's benchmark would (the prior of its per-token fits).
         * By default the fleet is not used.
         *
         * @param stack the stack
         * @param clock the run's clock
         * @param meters where its meters go
         * @param fleet  the simulated fleet
         * @return a handle that stops it
         */
        default AutoCloseable startIngest(LocalStack stack, VirtualClock clock, MeterRegistry meters, SimFleet fleet) {
            return startIngest(stack, clock, meters);
        }

        /**
         * Starts feeding plans from {@code chainplan.plans} to the dispatcher.
         *
         * @param stack      the stack
         * @param dispatcher the router's dispatcher
         * @param meters     where the feed's meters (plans applied, ignored, rejected) go, if anywhere
         * @return a handle that stops it
         */
        AutoCloseable startPlanFeed(LocalStack stack, Dispatcher dispatcher, Optional<MeterRegistry> meters);

        /**
         * Starts the dispatch service on the stack and a router that leases through it
         * ({@code --dispatch service}).
         *
         * @param stack  the stack
         * @param mirror a dispatcher fed by {@link #startPlanFeed}: the router's view of the plan in force
         * @param meters where the service's meters go
         * @return the router; closing it stops the service
         */
        FleetRouter startDispatchService(LocalStack stack, Dispatcher mirror, MeterRegistry meters);
    }

    /**
     * What a run produced.
     *
     * @param summary    the summary
     * @param recorder   everything recorded
     * @param petals     the PETALS comparison, if asked for
     * @param reportFiles PNGs written
     */
    public record Result(RunSummary summary, RunRecorder recorder, Optional<PetalsComparison.Result> petals,
            List<Path> reportFiles) {
    }

    /**
     * @param options  the options
     * @param services how to start ingest and the plan feed
     */
    public ClosedLoop(ClosedLoopOptions options, Services services) {
        this.options = options;
        this.services = services;
    }

    /**
     * Runs the loop for the configured wall time and prints the summary.
     *
     * @param stack the running stack
     * @param out   where the summary goes
     * @param err   where the status line goes
     * @param terminal whether {@code err} is a terminal (redraw the status line in place)
     * @return the result
     * @throws IOException if the fleet file, the trace or the report cannot be read or written
     */
    public Result run(LocalStack stack, PrintWriter out, PrintWriter err, boolean terminal) throws IOException {
        SimFleet fleet = fleet();
        double span = options.virtualSeconds();
        // the run and its drain (at most another span) stay behind the wall clock
        long origin = (System.currentTimeMillis() - Math.round(2 * span * 1000) - 600_000) / 60_000 * 60_000;
        VirtualClock clock = VirtualClock.startingNow(origin, options.speedup());
        RunRecorder recorder = new RunRecorder();
        FleetSimulation.Settings simSettings = FleetSimulation.Settings.DEFAULTS;
        Deque<AutoCloseable> running = new ArrayDeque<>();
        LoadSource load;
        double start;
        double end;
        double changeAt;
        double drained;
        try {
            SchemaRegistry registry = stack.schemaRegistryClient();
            Map<String, Object> kafka = stack.clientConfig().kafkaProperties();
            registerSchemas(registry, stack.topics());
            KafkaEventSink sink = push(running, new KafkaEventSink(kafka, registry, stack.topics()));
            sink.model(modelSpec(fleet.model(), rate(), clock));
            // the optimizer joins its group while the ingest starts; the fleet starts once both are up,
            // so that its first telemetry and demand are planned at once (no request waits a window)
            LocalMetrics metrics = push(running, LocalMetrics.start(options.metricsPort()));
            out.println("chainplan local: " + metrics.describe());
            push(running, startOptimizer(stack.clientConfig(), registry, clock, metrics.optimizer()));
            push(running, services.startIngest(stack, clock, metrics.ingest(), fleet));
            awaitOptimizer(metrics.optimizer());
            // the router's meters: the dispatch service's own dispatcher and plan feed, or the embedded router's
            boolean embedded = options.dispatch() == ClosedLoopOptions.Dispatch.EMBEDDED;
            Dispatcher.Builder db = Dispatcher.builder(fleet.model().id(), new JffcDispatchPolicy());
            Dispatcher dispatcher = (embedded ? db.meterRegistry(metrics.router()) : db).build();
            push(running, services.startPlanFeed(stack, dispatcher,
                    embedded ? Optional.of(metrics.router()) : Optional.empty()));
            FleetRouter router = push(running, embedded
                    ? FleetRouter.embedded(dispatcher) : services.startDispatchService(stack, dispatcher, metrics.router()));
            double announced = clock.accelerate().elapsedSeconds();
            FleetAnnouncement.await(() -> router.currentPlan().isPresent(), kafka, registry, stack.topics(), fleet,
                    () -> new FleetSimulation(announced, fleet, LoadSource.none(), router, sink, new RunRecorder(),
                            FleetAnnouncement.noise(options.seed()), clock, simSettings), clock);
            // arrivals start on a boundary of the ingest's 5 s buckets, so its first bucket is a full one
            start = Math.ceil(clock.elapsedSeconds() / BUCKET_SECONDS) * BUCKET_SECONDS;
            end = start + span;
            changeAt = options.scenario() == Scenario.STEADY ? Double.POSITIVE_INFINITY : start + span / 2;
            load = load(fleet, start, end, changeAt);
            push(running, new TopicObserver(kafka, registry, stack.topics(), recorder, clock, load).start());
            if (options.pagePort() != PlanPage.OFF) {
                LoadSource arrivals = load;
                PlanPage page = push(running, PlanPage.start(options.pagePort(), new PlanPageModel(fleet.model().id(),
                        recorder, arrivals, clock::elapsedSeconds)::json));
                out.println("chainplan local: plan page " + page.address());
            }
            out.printf(Locale.ROOT, "closed loop: %s on %d servers, %s; %s scenario; dispatch %s; %.0f s simulated "
                    + "(t=%.0f..%.0f s) in %.0f s of wall time (x%.0f)%n", fleet.model().id(), fleet.servers().size(),
                    load.describe(), options.scenario().cliName(), options.dispatch().cliName(), span, start, end, options.wall().toMillis() / 1000.0, options.speedup());
            out.flush();
            FleetSimulation sim = new FleetSimulation(start, fleet, load, router, sink, recorder,
                    FleetAnnouncement.noise(options.seed()), clock, simSettings);
            boolean onPlan = router.currentPlan().isPresent();
            if (onPlan) {
                recorder.backlogCleared(0); // traffic starts on a plan: no request waits for one, nothing drains
            }
            recorder.scenario(new RunRecorder.ScenarioEvent(start, "optimizer", onPlan
                    ? "traffic starts on the optimizer's first plan, made from the servers' reported parameters and the"
                            + " model's declared rate before any demand estimate; the first estimate refines it (FIRST_ESTIMATE)"
                    : "traffic starts before a first plan (none within " + FleetAnnouncement.TIMEOUT.toSeconds() + " s of"
                            + " wall time): requests wait for it"));
            drained = loop(sim, router, recorder, clock, load, new double[] {start, changeAt, end},
                    new StatusLine(err, terminal));
            sink.flush();
        } finally {
            closeAll(running);
        }
        RunInfo info = new RunInfo(options.scenario(), clock.wallElapsedSeconds(), clock.heldBackWallSeconds(), span, drained,
                options.speedup(), load.describe(), describe(fleet), changeAt, recorder.scenarioEvents().stream()
                        .filter(e -> e.kind().equals("failure")).map(e -> e.detail().split(" ")[0]).findFirst());
        RunSummary summary = new RunSummary(info, recorder, load, new TrueTimings(fleet),
                simSettings.declaredNoiseCv());
        out.print(summary.render());
        double[] after = end - start > 600 ? new double[] {60, 300, 600, end - start} : new double[] {60, 300, 600};
        List<String> coefficients = CoefficientErrors.lines(fleet, recorder.servers(), start, after);
        if (!coefficients.isEmpty()) {
            out.println();
            coefficients.forEach(out::println);
        }
        Optional<PetalsComparison.Result> petals = Optional.empty();
        if (options.comparePetals()) {
            petals = Optional.of(comparePetals(fleet, simSettings, recorder, summary, out));
        }
        if (options.trace().isPresent()) {
            comparePaperPlan(fleet, simSettings, recorder, out);
        }
        List<Path> files = List.of();
        if (options.reportDir().isPresent()) {
            files = ReportCharts.write(options.reportDir().get(), summary, recorder, load);
            out.println();
            out.println("Report: " + files.stream().map(Path::toString).collect(Collectors.joining(", ")));
        }
        out.flush();
        return new Result(summary, recorder, petals, files);
    }

    /**
     * Runs the simulation against the clock: arrivals until {@code end}, then the drain: the requests still in
     * service or queued are followed to their completion (no new arrivals; services and plans as before), for
     * at most another run length, so that every period's mean is over all of its requests (a heavy-tailed
     * request cut off by the end of the run would bias its period's mean low).
     *
     * @return virtual seconds the drain took
     */
    private double loop(FleetSimulation sim, FleetRouter dispatcher, RunRecorder recorder, VirtualClock clock,
            LoadSource load, double[] times, StatusLine status) {
        double start = times[0];
        double changeAt = times[1];
        double end = times[2];
        double drainUntil = end + (end - start);
        boolean changed = false;
        boolean wasWaitingForPlan = false;
        long nextStatus = 0;
        while (true) {
            double t = Math.min(clock.elapsedSeconds(), drainUntil);
            boolean noPlan = dispatcher.currentPlan().isEmpty() && t >= start + FIRST_PLAN_LEAD_SECONDS;
            boolean hold = noPlan || dispatcher.lagging();
            if (hold != clock.heldBack()) {
                // a lagging router may flip this often: its changes are logged at debug, the first plan's at info
                if (noPlan || wasWaitingForPlan) {
                    LOG.info("t={} s: virtual time runs at {} until the first plan", String.format(Locale.ROOT, "%.1f", t),
                            hold ? "wall speed" : "x" + clock.speedup() + " again");
                } else {
                    LOG.debug("t={} s: virtual time runs at {} (a release pending at the router for over {} ms)",
                            String.format(Locale.ROOT, "%.1f", t), hold ? "wall speed" : "x" + clock.speedup() + " again",
                            ServiceRouter.LAG.toMillis());
                }
                clock.holdBack(hold);
            }
            wasWaitingForPlan = noPlan;
            if (!changed && t >= changeAt) {
                changed = true;
                scenarioChange(sim, dispatcher, recorder, load, changeAt);
            }
            sim.advanceTo(t);
            if (dispatcher.currentPlan().isPresent() && dispatcher.queueLength() == 0) {
                recorder.backlogCleared(t);
            }
            long now = System.nanoTime();
            boolean inFlight = recorder.arrivedCount() > recorder.completedCount() + recorder.droppedRequests();
            boolean done = t >= drainUntil || (t >= end && !inFlight);
            if (now >= nextStatus || done) {
                nextStatus = now + STATUS_EVERY_NANOS;
                status.update(new StatusLine.Snapshot(Math.min(t, end), end,
                        recorder.latestPlan().map(RunRecorder.ObservedPlan::plan), recorder.latestDemand(),
                        load.trueRatePerSecond(t), recorder.recentMeanResponseSeconds(), recorder.completedCount(),
                        dispatcher.queueLength()));
            }
            if (done) {
                status.finish();
                return Math.max(0, t - end);
            }
            double until = t < end ? end : drainUntil;
            long wait = Math.min(MAX_PARK_NANOS, clock.wallNanosUntil(Math.min(sim.nextEventSeconds(), until)));
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private void scenarioChange(FleetSimulation sim, FleetRouter dispatcher, RunRecorder recorder, LoadSource load,
            double at) {
        if (options.scenario() == Scenario.SHIFT) {
            recorder.scenario(new RunRecorder.ScenarioEvent(at, "shift", String.format(Locale.ROOT,
                    "rate %.2f -> %.2f req/s", load.trueRatePerSecond(at - 1e-6), load.trueRatePerSecond(at + SHIFT_RATE_LAG))));
        } else if (options.scenario() == Scenario.MIX) {
            recorder.scenario(new RunRecorder.ScenarioEvent(at, "mix", String.format(Locale.ROOT,
                    "generated tokens per request x%.0f at the same rate", Scenario.MIX_OUTPUT_FACTOR)));
        } else if (options.scenario() == Scenario.FAILURE) {
            String victim = dispatcher.currentPlan().filter(p -> p.chainCount() > 0)
                    .map(p -> p.chains().get(fastest(p)).hops().get(0).serverId())
                    .orElse(sim.largestServerId());
            sim.failServerAt(at, victim);
        }
    }

    private static int fastest(RoutingPlan p) {
        int best = 0;
        for (int k = 1; k < p.chainCount(); k++) {
            if (p.chains().get(k).serviceSeconds() < p.chains().get(best).serviceSeconds()) {
                best = k;
            }
        }
        return best;
    }


    /**
     * Waits (at most {@link #OPTIMIZER_STARTUP} of wall time) until the optimizer owns the model, i.e.
     * has joined its consumer group and read the model spec; a slower start only delays the first plan.
     */
    private static void awaitOptimizer(MeterRegistry meters) {
        long deadline = System.nanoTime() + OPTIMIZER_STARTUP.toNanos();
        while (meters.get("chainplan.optimizer.owned.models").gauge().value() < 1) {
            if (System.nanoTime() > deadline) {
                LOG.warn("the optimizer does not own the model after {}; starting the fleet anyway", OPTIMIZER_STARTUP);
                return;
            }
            LockSupport.parkNanos(MAX_PARK_NANOS);
        }
    }

    private AutoCloseable startOptimizer(ClientConfig client, SchemaRegistry registry, VirtualClock clock,
            MeterRegistry meters) {
        Map<String, String> values = new HashMap<>(client.all());
        values.putIfAbsent(OptimizerConfig.POLL_MS_CONFIG, "20");
        values.putIfAbsent(OptimizerConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
        values.putIfAbsent(OptimizerConfig.INSTANCE_ID_CONFIG, "local-0");
        OptimizerConfig config = OptimizerConfig.from(values);
        return new OptimizerService(client, config, registry, new PaperSolver(1), clock,
                new OptimizerMetrics(meters)).start();
    }

    private SimFleet fleet() {
        return options.fleet().map(SimFleet::of).orElseGet(options.preset()::fleet);
    }

    private double rate() {
        if (options.ratePerSecond().isPresent()) {
            return options.ratePerSecond().get();
        }
        return options.fleet().map(Fleet::arrivalRatePerSecond).filter(r -> r > 0)
                .orElse(options.preset().defaultRatePerSecond());
    }

    private LoadSource load(SimFleet fleet, double start, double end, double changeAt) throws IOException {
        boolean mix = options.scenario() == Scenario.MIX;
        double shiftAt = options.scenario() == Scenario.SHIFT || mix ? changeAt : Double.POSITIVE_INFINITY;
        double rateFactor = mix ? 1 : 2.0;
        double outputFactor = mix ? Scenario.MIX_OUTPUT_FACTOR : 1;
        if (options.trace().isPresent()) {
            return TraceLoad.read(options.trace().get(), start, shiftAt, rateFactor, outputFactor, end);
        }
        return new PoissonLoad(start, rate(), shiftAt, rateFactor, outputFactor, end, fleet.model(),
                new SplittableRandom(options.seed()));
    }

    /** The model as the operator declares it: its shape, token means and expected rate (the fleet's or preset's). */
    private static ModelSpec modelSpec(SimModel m, double declaredRatePerSecond, VirtualClock clock) {
        return ModelSpec.newBuilder().setId(m.id()).setBlocks(m.blocks()).setBlockBytes(m.blockBytes())
                .setCacheBytesPerBlockPerJob(m.cacheBytesPerBlockPerJob()).setContextTokens(m.contextTokens())
                .setMeanInputTokens(m.meanInputTokens()).setMeanOutputTokens(m.meanOutputTokens())
                .setDeclaredRatePerSecond(declaredRatePerSecond)
                .setUpdatedAtMillis(Instant.ofEpochMilli(clock.millis())).build();
    }

    private static String describe(SimFleet fleet) {
        Map<String, Long> byGpu = fleet.servers().stream()
                .collect(Collectors.groupingBy(SimServer::gpuModel, java.util.TreeMap::new, Collectors.counting()));
        String gpus = byGpu.entrySet().stream().map(e -> e.getValue() + " x " + e.getKey())
                .collect(Collectors.joining(", "));
        SimModel m = fleet.model();
        return String.format(Locale.ROOT, "%s (L=%d, s_m=%.4f GB, s_c=%.4f GB) on %s", m.id(), m.blocks(),
                m.blockBytes() / 1e9, m.cacheBytesPerBlockPerJob() / 1e9, gpus);
    }

    private PetalsComparison.Result comparePetals(SimFleet fleet, FleetSimulation.Settings settings, RunRecorder recorder,
            RunSummary summary, PrintWriter out) {
        double firstPlan = recorder.backlogClearedSeconds();
        List<Arrival> arrivals = recorder.arrivals().stream().filter(a -> a.timeSeconds() >= firstPlan).toList();
        double[] ours = recorder.completions().stream().filter(c -> c.arrivalSeconds() >= firstPlan)
                .sorted(java.util.Comparator.comparingDouble(Completion::arrivalSeconds))
                .mapToDouble(Completion::responseSeconds).toArray();
        Stats mine = Stats.of(ours);
        PetalsComparison.Result p = PetalsComparison.run(fleet, settings, arrivals, options.seed());
        var rt = p.result().responseTime();
        out.println();
        out.printf(Locale.ROOT, "Compared with PETALS on the same %d arrivals (from t=%.1f s, when the requests that"
                + " waited for the first plan had been dispatched):%n", arrivals.size(), firstPlan);
        out.printf(Locale.ROOT, "  %-34s %8s %8s %8s %8s%n", "", "mean", "p50", "p95", "p99");
        out.printf(Locale.ROOT, "  %-34s %8.3f %8.3f %8.3f %8.3f   (%d completed)%n", "chainplan (closed loop, measured)",
                mine.mean(), mine.median(), mine.p95(), mine.p99(), mine.n());
        out.printf(Locale.ROOT, "  %-34s %8.3f %8.3f %8.3f %8.3f   (+-%.3f, %d completed)%n", "PETALS (simulated)",
                rt.meanSeconds(), rt.medianSeconds(), rt.p95Seconds(), rt.p99Seconds(), p.result().responseMeanCi95(),
                p.result().measuredRequests());
        double gain = 1 - mine.mean() / rt.meanSeconds();
        out.printf(Locale.ROOT, "  chainplan's mean response time is %.0f%% %s than PETALS'.%n", Math.abs(gain) * 100,
                gain >= 0 ? "lower" : "HIGHER");
        out.printf(Locale.ROOT, "  How: PETALS as its servers behave with their defaults: each reserves an attention cache of"
                + " %d tokens per hosted block (%d requests' caches) and fills the rest of its memory with blocks; servers"
                + " join in a seeded random order, each taking the least-served window of blocks; a request is routed on"
                + " arrival by the cheapest path (10 s penalty for a server believed to lack cache) and waits on the"
                + " server, with no central queue. Simulated offline with this fleet's true timings and the same"
                + " token-driven service times and noise; the chainplan row is the closed loop's own measurement"
                + " (estimated inputs, live re-planning).%n", fleet.model().petalsCacheTokens(),
                fleet.model().petalsReservedRequestsPerBlock());
        out.println("  PETALS placement: " + p.describePlacement());
        if (options.scenario() == Scenario.FAILURE) {
            out.println("  Note: PETALS is simulated with every server up; the closed loop lost a server half way.");
        }
        return p;
    }

    /**
     * Registers the value schema of every topic the loop writes before anything is written: the
     * embedded registry stores each new schema in {@code _schemas} (a Kafka write), and a first
     * registration inside the path from the first arrival to the first plan would delay that plan.
     */
    private static void registerSchemas(SchemaRegistry registry, Topics topics) {
        registry.register(WireFormat.subject(topics.models(), false), ModelSpec.getClassSchema());
        registry.register(WireFormat.subject(topics.telemetry(), false), ServerTelemetry.getClassSchema());
        registry.register(WireFormat.subject(topics.requests(), false), RequestEvent.getClassSchema());
        registry.register(WireFormat.subject(topics.serverEstimates(), false), ServerEstimate.getClassSchema());
        registry.register(WireFormat.subject(topics.demandEstimates(), false), DemandEstimate.getClassSchema());
        registry.register(WireFormat.subject(topics.plans(), false), ChainPlan.getClassSchema());
        registry.register(WireFormat.subject(topics.leases(), false), DispatchLease.getClassSchema());
    }

    /** {@code --trace}: the paper's plan and chainplan's on the arrivals served after the first plan's backlog. */
    private void comparePaperPlan(SimFleet fleet, FleetSimulation.Settings settings, RunRecorder recorder, PrintWriter out) {
        double from = recorder.backlogClearedSeconds();
        List<Arrival> arrivals = recorder.arrivals().stream().filter(a -> a.timeSeconds() >= from).toList();
        Stats measured = Stats.of(recorder.completions().stream().filter(c -> c.arrivalSeconds() >= from)
                .mapToDouble(Completion::responseSeconds).toArray());
        try {
            PaperPlanComparison.print(PaperPlanComparison.run(fleet, settings, arrivals, options.seed()), measured, from,
                    arrivals.size(), out);
        } catch (IllegalArgumentException e) {
            out.println();
            out.println("No comparison with the paper's plan: " + e.getMessage());
        }
    }

    private static <T extends AutoCloseable> T push(Deque<AutoCloseable> running, T c) {
        running.push(c);
        return c;
    }

    private static void closeAll(Deque<AutoCloseable> running) {
        while (!running.isEmpty()) {
            AutoCloseable c = running.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
