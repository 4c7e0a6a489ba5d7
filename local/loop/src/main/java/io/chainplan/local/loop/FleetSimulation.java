package io.chainplan.local.loop;

import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.sim.EventHeap;
import io.chainplan.optimizer.sim.Noise;
import io.chainplan.optimizer.sim.TokenServiceModel;
import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.schemas.avro.HopTiming;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.RequestEventKind;
import io.chainplan.schemas.avro.ServerStatus;
import io.chainplan.schemas.avro.ServerTelemetry;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.random.RandomGenerator;

/**
 * The simulated fleet and its router, as a discrete-event simulation in virtual time: requests
 * arrive from a {@link LoadSource}, the router (a {@link FleetRouter}: the router library's
 * {@code Dispatcher} in this process, or the dispatch service; JFFC) leases them a chain
 * or queues them, the servers on the chain take token-driven compute and network time per hop
 * (the fleet's {@link TokenServiceModel}, with multiplicative noise: the same model the simulator serves
 * with), and the router emits {@code ARRIVED} /
 * {@code COMPLETED} (with per-hop timings) / {@code FAILED} request events; every server reports
 * {@link ServerTelemetry} periodically: its memory use (noisy) and the timings its start-up benchmark
 * measured (the true means with a one-off error). A failed server
 * stops reporting and serving: requests on it fail after a client timeout and are retried.
 * <p>Not thread-safe except {@link #pendingGrants}: the router may grant requests on another thread
 * (the plan subscriber's on a plan switch, an HTTP client's); grants are queued and started by the
 * simulation thread.
 * Nothing sleeps here: the caller paces {@link #advanceTo(double)} against a {@link VirtualClock}.
 * <p>Its event core is the simulator's {@link EventHeap} (event ids index a pool of events); at equal
 * times scheduled events come before arrivals, as in the simulator.
 */
public final class FleetSimulation {
    /** Settings of the simulation. */
    public record Settings(double telemetryIntervalSeconds, double computeNoiseCv, double networkNoiseCv,
            double declaredNoiseCv, double clientTimeoutSeconds, int maxAttempts) {
        /** Validates the fields. */
        public Settings {
            if (!(telemetryIntervalSeconds > 0) || computeNoiseCv < 0 || networkNoiseCv < 0 || declaredNoiseCv < 0
                    || !(clientTimeoutSeconds > 0) || maxAttempts < 1) {
                throw new IllegalArgumentException("simulation settings need a positive telemetry interval and timeout,"
                        + " non-negative noise and at least 1 attempt, were " + telemetryIntervalSeconds + ", "
                        + clientTimeoutSeconds + ", " + computeNoiseCv + "/" + networkNoiseCv + "/" + declaredNoiseCv + ", "
                        + maxAttempts);
            }
        }

        /**
         * Telemetry every 5 s; per-hop noise 5% on compute and on network (a hop's network time is the sum
         * of one round trip per generated token, so its relative noise is the RTT's divided by
         * sqrt(l_out)); 3% noise on declared timings; 5 s client timeout; 3 attempts.
         */
        public static final Settings DEFAULTS = new Settings(5, 0.05, 0.05, 0.03, 5, 3);
    }

    private final SimFleet fleet;
    private final LoadSource load;
    private final FleetRouter router;
    private final EventSink sink;
    private final RunRecorder recorder;
    private final RandomGenerator random;
    private final VirtualClock clock;
    private final Settings settings;
    private final TokenServiceModel service;
    private final EventHeap events = new EventHeap();
    private final List<Event> eventPool = new ArrayList<>();
    private final ArrayDeque<Integer> freeEvents = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Grant> pendingGrants = new ConcurrentLinkedQueue<>();
    private final Map<Long, Request> inService = new HashMap<>();
    private final boolean[] down;
    private final double[] declaredComm;
    private final double[] declaredCompute;
    private long nextRequestId;
    private double now;
    private Arrival nextArrival;

    /**
     * @param fleet      the fleet (true timings)
     * @param load       the arrivals
     * @param router     the router
     * @param sink       where events go
     * @param recorder   what the run records
     * @param random     noise, owned by the simulation
     * @param clock      converts virtual seconds to event timestamps
     * @param settings   noise and timing settings
     */
    public FleetSimulation(SimFleet fleet, LoadSource load, FleetRouter router, EventSink sink,
            RunRecorder recorder, RandomGenerator random, VirtualClock clock, Settings settings) {
        this(0, fleet, load, router, sink, recorder, random, clock, settings);
    }

    /**
     * A simulation starting at virtual time {@code startSeconds}: every server reports at once then
     * (spread over the first half second), so the estimates know the fleet before the first request.
     *
     * @param startSeconds virtual time of the start
     * @param fleet      the fleet (true timings)
     * @param load       the arrivals (none before the start)
     * @param router     the router
     * @param sink       where events go
     * @param recorder   what the run records
     * @param random     noise, owned by the simulation
     * @param clock      converts virtual seconds to event timestamps
     * @param settings   noise and timing settings
     */
    public FleetSimulation(double startSeconds, SimFleet fleet, LoadSource load, FleetRouter router, EventSink sink,
            RunRecorder recorder, RandomGenerator random, VirtualClock clock, Settings settings) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.load = Objects.requireNonNull(load, "load");
        this.router = Objects.requireNonNull(router, "router");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.service = fleet.serviceModel(settings.computeNoiseCv(), settings.networkNoiseCv());
        this.down = new boolean[fleet.servers().size()];
        this.now = startSeconds;
        this.declaredComm = new double[down.length];
        this.declaredCompute = new double[down.length];
        for (int j = 0; j < down.length; j++) {
            // a server declares what its start-up benchmark measured: the true mean with a one-off error
            declaredComm[j] = fleet.servers().get(j).tauC(fleet.model()) * noise(settings.declaredNoiseCv());
            declaredCompute[j] = fleet.servers().get(j).tauP(fleet.model()) * noise(settings.declaredNoiseCv());
        }
        for (int j = 0; j < down.length; j++) {
            double offset = 0.5 * j / down.length;
            schedule(new Event(startSeconds + offset, EventKind.TELEMETRY, j, null));
        }
        pullArrival();
    }

    /**
     * Schedules a server failure.
     *
     * @param atSeconds virtual time
     * @param serverId  the server
     */
    public void failServerAt(double atSeconds, String serverId) {
        int j = fleet.indexOf(serverId);
        if (j < 0) {
            throw new IllegalArgumentException("no server " + serverId + " in the fleet");
        }
        schedule(new Event(atSeconds, EventKind.FAIL, j, null));
    }

    /**
     * Processes every event up to virtual time {@code t} (and the grants the router handed out).
     *
     * @param t virtual seconds since the start
     */
    public void advanceTo(double t) {
        startGranted();
        while (true) {
            double nextEvent = events.minTime();
            double arrival = nextArrival == null ? Double.POSITIVE_INFINITY : nextArrival.timeSeconds();
            double first = Math.min(nextEvent, arrival);
            if (first > t) {
                break;
            }
            now = first;
            if (nextEvent <= arrival) {
                handle(take(events.pop()));
            } else {
                arrive(nextArrival);
                pullArrival();
            }
            startGranted();
        }
        now = Math.max(now, t);
    }

    /**
     * @return virtual time of the next scheduled event or arrival, +infinity if none
     */
    public double nextEventSeconds() {
        double e = events.minTime();
        return nextArrival == null ? e : Math.min(e, nextArrival.timeSeconds());
    }

    /**
     * @return the id of the server with the most memory (ties: smallest id)
     */
    public String largestServerId() {
        SimServer best = fleet.servers().get(0);
        for (SimServer s : fleet.servers()) {
            if (s.memoryBytes() > best.memoryBytes()) {
                best = s;
            }
        }
        return best.id();
    }

    /**
     * @return requests in service now
     */
    public int inServiceCount() {
        return inService.size();
    }

    private void pullArrival() {
        Optional<Arrival> a = load.next();
        nextArrival = a.orElse(null);
    }

    private void arrive(Arrival a) {
        Request r = new Request(nextRequestId++, a, router.currentPlan().map(RoutingPlan::epoch).orElse(-1L));
        recorder.arrived(a, r.epochAtArrival);
        sink.request(event(r, RequestEventKind.ARRIVED, a.timeSeconds()).build());
        acquire(r);
    }

    private void acquire(Request r) {
        r.queuedAt = now;
        router.acquire().whenComplete((lease, ex) -> {
            if (lease != null) {
                pendingGrants.add(new Grant(r, lease, clock.elapsedSeconds()));
            }
        });
    }

    private void startGranted() {
        for (Grant g = pendingGrants.poll(); g != null; g = pendingGrants.poll()) {
            start(g.request, g.lease, grantedAt(g));
        }
    }

    /**
     * When a grant took effect in simulated time: when it reached the router's thread, less the router's
     * own overhead (its wall time times the speedup), never before the request queued nor after now. An
     * in-process router has no overhead: its grants take effect now.
     */
    private double grantedAt(Grant g) {
        if (g.lease().overheadWallSeconds() == 0) {
            return now;
        }
        double at = g.receivedSeconds() - g.lease().overheadWallSeconds() * clock.speedup();
        return Math.max(g.request().queuedAt, Math.min(now, at));
    }

    private void start(Request r, FleetRouter.Lease lease, double at) {
        r.lease = lease;
        r.startedAt = at;
        r.hops = new ArrayList<>();
        double total = 0;
        boolean hitsDownServer = false;
        for (Hop hop : lease.hops()) {
            int j = fleet.indexOf(hop.serverId());
            if (j < 0 || down[j]) {
                hitsDownServer = true;
                continue;
            }
            TokenServiceModel.HopTime time = service.hop(hop, r.arrival.inputTokens(), r.arrival.outputTokens(), random);
            r.hops.add(HopTiming.newBuilder().setServerId(hop.serverId()).setStartBlock(hop.startBlock())
                    .setEndBlock(hop.endBlock()).setComputeSeconds(time.computeSeconds())
                    .setNetworkSeconds(time.networkSeconds()).build());
            total += time.seconds();
        }
        inService.put(r.id, r);
        if (hitsDownServer) {
            r.failed = true;
            schedule(new Event(Math.max(now, at + settings.clientTimeoutSeconds()), EventKind.TIMEOUT, -1, r));
        } else {
            schedule(new Event(Math.max(now, at + total), EventKind.COMPLETE, -1, r));
        }
    }

    private void handle(Event e) {
        switch (e.kind) {
            case COMPLETE -> {
                if (e.attempt == e.request.attempts) {
                    complete(e.request);
                }
            }
            case TIMEOUT -> timeout(e.request);
            case TELEMETRY -> telemetry(e.server);
            case FAIL -> fail(e.server);
            default -> throw new IllegalStateException("unknown event " + e.kind);
        }
    }

    private void complete(Request r) {
        if (r.failed) {
            return; // its server failed meanwhile; the TIMEOUT event handles it
        }
        inService.remove(r.id);
        r.lease.release().run();
        double response = now - r.arrival.timeSeconds();
        double wait = r.startedAt - r.queuedAt;
        sink.request(event(r, RequestEventKind.COMPLETED, now).setOutputTokens(r.arrival.outputTokens())
                .setPlanEpoch(r.lease.epoch()).setWaitSeconds(wait).setResponseSeconds(response)
                .setHops(r.hops).build());
        recorder.completed(new Completion(r.arrival.timeSeconds(), response, wait, r.epochAtArrival,
                r.lease.epoch(), r.lease.chainIndex(), r.attempts));
    }

    private void timeout(Request r) {
        inService.remove(r.id);
        r.lease.release().run();
        recorder.attemptFailed();
        sink.request(event(r, RequestEventKind.FAILED, now).setPlanEpoch(r.lease.epoch()).build());
        r.failed = false;
        r.lease = null;
        if (r.attempts >= settings.maxAttempts()) {
            recorder.dropped();
            return;
        }
        r.attempts++;
        acquire(r);
    }

    private void fail(int j) {
        down[j] = true;
        String id = fleet.servers().get(j).id();
        recorder.scenario(new RunRecorder.ScenarioEvent(now, "failure", id + " down"));
        for (Request r : List.copyOf(inService.values())) {
            if (!r.failed && r.lease.hops().stream().anyMatch(h -> h.serverId().equals(id))) {
                r.failed = true;
                schedule(new Event(now + settings.clientTimeoutSeconds(), EventKind.TIMEOUT, -1, r));
            }
        }
    }

    private void telemetry(int j) {
        if (down[j]) {
            return;
        }
        SimServer s = fleet.servers().get(j);
        SimModel m = fleet.model();
        long used = usedMemoryBytes(s.id());
        sink.telemetry(ServerTelemetry.newBuilder().setServerId(s.id()).setModelId(m.id())
                .setTimestampMillis(Instant.ofEpochMilli(clock.toMillis(now))).setTotalMemoryBytes(s.memoryBytes())
                .setUsedMemoryBytes(Math.min(s.memoryBytes(), used))
                .setDeclaredCommSeconds(declaredComm[j]).setDeclaredPerBlockComputeSeconds(declaredCompute[j])
                .setStatus(ServerStatus.UP).setGpuModel(s.gpuModel()).build());
        schedule(new Event(now + settings.telemetryIntervalSeconds(), EventKind.TELEMETRY, j, null));
    }

    private long usedMemoryBytes(String serverId) {
        SimModel m = fleet.model();
        int hosted = 0;
        long cache = 0;
        Optional<RoutingPlan> plan = router.currentPlan();
        if (plan.isPresent()) {
            int lo = Integer.MAX_VALUE;
            int hi = Integer.MIN_VALUE;
            for (var chain : plan.get().chains()) {
                for (Hop h : chain.hops()) {
                    if (h.serverId().equals(serverId)) {
                        lo = Math.min(lo, h.startBlock());
                        hi = Math.max(hi, h.endBlock());
                    }
                }
            }
            hosted = hi > lo ? hi - lo : 0;
        }
        for (Request r : inService.values()) {
            for (HopTiming h : r.hops) {
                if (h.getServerId().equals(serverId)) {
                    cache += (long) (h.getEndBlock() - h.getStartBlock()) * m.cacheBytesPerBlockPerJob();
                }
            }
        }
        double noisy = (hosted * (double) m.blockBytes() + cache) * noise(0.01);
        return Math.max(0, Math.round(noisy));
    }

    private double noise(double cv) {
        return Noise.lognormal(random, cv);
    }

    private RequestEvent.Builder event(Request r, RequestEventKind kind, double at) {
        return RequestEvent.newBuilder().setRequestId("r" + r.id).setModelId(fleet.model().id()).setKind(kind)
                .setTimestampMillis(Instant.ofEpochMilli(clock.toMillis(at)))
                .setInputTokens(r.arrival.inputTokens()).setOutputTokens(0).setHops(List.of());
    }

    private void schedule(Event e) {
        Integer free = freeEvents.poll();
        int id = free != null ? free : eventPool.size();
        if (free == null) {
            eventPool.add(e);
        } else {
            eventPool.set(id, e);
        }
        events.push(e.time, id);
    }

    private Event take(int id) {
        Event e = eventPool.get(id);
        eventPool.set(id, null);
        freeEvents.push(id);
        return e;
    }

    private enum EventKind { COMPLETE, TIMEOUT, TELEMETRY, FAIL }

    private static final class Event {
        final double time;
        final EventKind kind;
        final int server;
        final Request request;
        final int attempt;

        Event(double time, EventKind kind, int server, Request request) {
            this.time = time;
            this.kind = kind;
            this.server = server;
            this.request = request;
            this.attempt = request == null ? 0 : request.attempts;
        }
    }

    private static final class Request {
        final long id;
        final Arrival arrival;
        final long epochAtArrival;
        FleetRouter.Lease lease;
        double queuedAt;
        double startedAt;
        List<HopTiming> hops = List.of();
        boolean failed;
        int attempts = 1;

        Request(long id, Arrival arrival, long epochAtArrival) {
            this.id = id;
            this.arrival = arrival;
            this.epochAtArrival = epochAtArrival;
        }
    }

    private record Grant(Request request, FleetRouter.Lease lease, double receivedSeconds) {
    }
}
