package io.chainplan.optimizer.sim;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.stats.ConfidenceInterval;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * Discrete-event simulation of requests arriving at a set of routes (chains) and being dispatched by
 * a {@link RoutingModel}: the event core behind {@code chainplan simulate} and the experiments
 * reproducing §5 of arXiv 2604.14993 (DESIGN.md §1.3).
 * <p>Events are arrivals (from an {@link Arrivals} stream) and departures (an {@link EventHeap} of
 * finish times: the event core that the closed loop of {@code chainplan local} shares); at equal times
 * departures come first. The run admits {@code requests} arrivals and
 * ends when all of them have departed; the first {@code warmupRequests} (by arrival order) are left out
 * of the statistics.
 * <p>O(log n) per event with n requests in service, no allocation per request in steady state.
 * <p>Pure and deterministic: the same inputs and seed give the same result; no clock, no I/O.
 * Arrivals, service times and routing draw from three independent {@link SplittableRandom} streams
 * split from the seed, so different routing models see the same arrival sequence.
 */
public final class Simulator {
    private Simulator() {
    }

    /**
     * Runs one simulation.
     *
     * @param config   requests, warm-up, seed, batches
     * @param arrivals the arrival process
     * @param service  the service-time model
     * @param routing  the routing model
     * @param progress progress callback (every 65,536 departures and at the end)
     * @return the statistics
     * @throws IllegalStateException if the routing model leaves a request unserved
     */
    public static SimulationResult run(SimulationConfig config, Arrivals arrivals, ServiceModel service,
            RoutingModel routing, ProgressListener progress) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(arrivals, "arrivals");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(progress, "progress");
        return new Run(config, arrivals, service, routing, progress).execute();
    }

    /**
     * Runs one simulation without progress reports.
     *
     * @param config   requests, warm-up, seed, batches
     * @param arrivals the arrival process
     * @param service  the service-time model
     * @param routing  the routing model
     * @return the statistics
     */
    public static SimulationResult run(SimulationConfig config, Arrivals arrivals, ServiceModel service,
            RoutingModel routing) {
        return run(config, arrivals, service, routing, ProgressListener.NONE);
    }

    /** The mutable state of one run; the {@link SimContext} routing models see. */
    private static final class Run implements SimContext {
        private static final int PROGRESS_MASK = (1 << 16) - 1;
        private final SimulationConfig config;
        private final Arrivals arrivals;
        private final ServiceModel service;
        private final RoutingModel routing;
        private final ProgressListener progress;
        private final SplittableRandom arrivalRandom;
        private final SplittableRandom serviceRandom;
        private final SplittableRandom routingRandom;
        private final long total;
        private final RequestPool pool = new RequestPool();
        private final EventHeap heap = new EventHeap();
        private final Stats stats;
        private double now;

        Run(SimulationConfig config, Arrivals arrivals, ServiceModel service, RoutingModel routing,
                ProgressListener progress) {
            this.config = config;
            this.arrivals = arrivals;
            this.service = service;
            this.routing = routing;
            this.progress = progress;
            SplittableRandom root = new SplittableRandom(config.seed());
            arrivalRandom = root.split();
            serviceRandom = root.split();
            routingRandom = root.split();
            total = Math.min(config.requests(), arrivals.size());
            if (config.warmupRequests() >= total) {
                throw new IllegalArgumentException("warmupRequests (" + config.warmupRequests()
                        + ") must be below the number of requests available (" + total + ")");
            }
            stats = new Stats(routing, config, total);
        }

        SimulationResult execute() {
            Arrivals.ArrivalStream stream = arrivals.open(arrivalRandom);
            RoutingModel.RoutingRun run = routing.newRun(routingRandom);
            long admitted = 0;
            long completed = 0;
            double nextArrival = nextArrival(stream, admitted);
            while (true) {
                if (heap.size() > 0 && heap.minTime() <= nextArrival) {
                    now = heap.minTime();
                    int r = heap.pop();
                    stats.record(pool, r, now);
                    run.onDeparture(this, r, pool.route[r]);
                    pool.free(r);
                    completed++;
                    if ((completed & PROGRESS_MASK) == 0) {
                        progress.onProgress(completed, total);
                    }
                } else if (nextArrival != Double.POSITIVE_INFINITY) {
                    now = nextArrival;
                    int r = pool.allocate(now, admitted, stream.inputTokens(), stream.outputTokens());
                    admitted++;
                    run.onArrival(this, r);
                    nextArrival = nextArrival(stream, admitted);
                } else {
                    break;
                }
            }
            if (completed != admitted) {
                throw new IllegalStateException("routing model " + routing.name() + " left "
                        + (admitted - completed) + " of " + admitted + " requests unserved");
            }
            progress.onProgress(completed, total);
            return stats.result(routing, service, arrivals, config, admitted);
        }

        private double nextArrival(Arrivals.ArrivalStream stream, long admitted) {
            if (admitted >= total || !stream.advance()) {
                return Double.POSITIVE_INFINITY;
            }
            double t = stream.timeSeconds();
            if (!(t >= now) || Double.isInfinite(t)) {
                throw new IllegalStateException("arrival times must be finite and non-decreasing; request " + admitted
                        + " arrives at " + t + " after " + now);
            }
            return t;
        }

        @Override
        public double now() {
            return now;
        }

        @Override
        public double sampleServiceSeconds(int request, Chain chain) {
            return service.serviceSeconds(chain, pool.inputTokens[request], pool.outputTokens[request], serviceRandom);
        }

        @Override
        public void startService(int request, int route, double serviceSeconds) {
            if (!(serviceSeconds >= 0) || Double.isInfinite(serviceSeconds)) {
                throw new IllegalArgumentException("serviceSeconds must be finite and >= 0, was " + serviceSeconds);
            }
            pool.start[request] = now;
            pool.route[request] = route;
            heap.push(now + serviceSeconds, request);
        }

        @Override
        public int inputTokens(int request) {
            return pool.inputTokens[request];
        }

        @Override
        public int outputTokens(int request) {
            return pool.outputTokens[request];
        }
    }

    /** Per-request fields, indexed by request id; ids are recycled through a free stack. */
    static final class RequestPool {
        double[] arrival = new double[1024];
        double[] start = new double[1024];
        long[] index = new long[1024];
        int[] inputTokens = new int[1024];
        int[] outputTokens = new int[1024];
        int[] route = new int[1024];
        private int[] free = new int[1024];
        private int freeTop;
        private int used;

        int allocate(double time, long arrivalIndex, int in, int out) {
            int r;
            if (freeTop > 0) {
                r = free[--freeTop];
            } else {
                if (used == arrival.length) {
                    grow();
                }
                r = used++;
            }
            arrival[r] = time;
            start[r] = Double.NaN;
            index[r] = arrivalIndex;
            inputTokens[r] = in;
            outputTokens[r] = out;
            return r;
        }

        void free(int r) {
            free[freeTop++] = r;
        }

        private void grow() {
            int n = arrival.length * 2;
            arrival = Arrays.copyOf(arrival, n);
            start = Arrays.copyOf(start, n);
            index = Arrays.copyOf(index, n);
            inputTokens = Arrays.copyOf(inputTokens, n);
            outputTokens = Arrays.copyOf(outputTokens, n);
            route = Arrays.copyOf(route, n);
            free = Arrays.copyOf(free, n);
        }
    }

    /** Accumulates the statistics of measured requests. */
    static final class Stats {
        private static final double MICROS = 1e6;
        private final Histogram response = new Histogram(3);
        private final Histogram waiting = new Histogram(3);
        private final Histogram serviceHist = new Histogram(3);
        private final long warmup;
        private final long batchSize;
        private final double[] batchSum;
        private final long[] batchCount;
        private final double[] busy;
        private double sumResponse;
        private double sumWaiting;
        private double sumService;
        private double maxResponse;
        private double maxWaiting;
        private double maxService;
        private long measured;
        private double firstMeasuredArrival = Double.POSITIVE_INFINITY;
        private double lastDeparture;

        Stats(RoutingModel routing, SimulationConfig config, long total) {
            warmup = config.warmupRequests();
            long measurable = total - warmup;
            batchSize = Math.max(1, (measurable + config.batches() - 1) / config.batches());
            batchSum = new double[config.batches()];
            batchCount = new long[config.batches()];
            busy = new double[routing.routeLabels().size()];
        }

        void record(RequestPool pool, int r, double now) {
            long idx = pool.index[r];
            if (idx < warmup) {
                return;
            }
            double arrival = pool.arrival[r];
            double start = pool.start[r];
            double resp = now - arrival;
            double wait = start - arrival;
            double serv = now - start;
            response.recordValue(Math.round(resp * MICROS));
            waiting.recordValue(Math.round(wait * MICROS));
            serviceHist.recordValue(Math.round(serv * MICROS));
            sumResponse += resp;
            sumWaiting += wait;
            sumService += serv;
            maxResponse = Math.max(maxResponse, resp);
            maxWaiting = Math.max(maxWaiting, wait);
            maxService = Math.max(maxService, serv);
            int b = (int) ((idx - warmup) / batchSize);
            batchSum[b] += resp;
            batchCount[b]++;
            busy[pool.route[r]] += serv;
            measured++;
            firstMeasuredArrival = Math.min(firstMeasuredArrival, arrival);
            lastDeparture = now;
        }

        SimulationResult result(RoutingModel routing, ServiceModel service, Arrivals arrivals, SimulationConfig config,
                long simulated) {
            double duration = measured == 0 ? 0 : lastDeparture - firstMeasuredArrival;
            List<Double> utilisation = new ArrayList<>();
            for (int k = 0; k < busy.length; k++) {
                utilisation.add(duration > 0 ? busy[k] / (routing.routeCapacity(k) * duration) : 0.0);
            }
            return new SimulationResult(routing.name(), service.name(), arrivals.describe(), config.seed(), simulated,
                    measured, duration, summary(response, sumResponse, maxResponse),
                    summary(waiting, sumWaiting, maxWaiting), summary(serviceHist, sumService, maxService),
                    ci95(), routing.routeLabels(), utilisation);
        }

        private LatencySummary summary(Histogram h, double sum, double max) {
            if (measured == 0) {
                return new LatencySummary(0, 0, 0, 0, 0);
            }
            return new LatencySummary(sum / measured, h.getValueAtPercentile(50) / MICROS,
                    h.getValueAtPercentile(95) / MICROS, h.getValueAtPercentile(99) / MICROS, max);
        }

        /** Batch-means half-width: the 95% Student-t interval of the non-empty batches' means. */
        private double ci95() {
            int b = 0;
            double[] means = new double[batchSum.length];
            for (int i = 0; i < batchSum.length; i++) {
                if (batchCount[i] > 0) {
                    means[b++] = batchSum[i] / batchCount[i];
                }
            }
            if (b < 2) {
                return Double.POSITIVE_INFINITY;
            }
            return ConfidenceInterval.ofMean(Arrays.copyOf(means, b), ConfidenceInterval.CONFIDENCE_95).halfWidth();
        }
    }
}
