package io.chainplan.optimizer.experiment;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.sim.LatencySummary;
import io.chainplan.optimizer.sim.RequestTrace;
import io.chainplan.optimizer.sim.SimulationConfig;
import io.chainplan.optimizer.sim.SimulationResult;
import io.chainplan.optimizer.sim.Simulator;
import io.chainplan.optimizer.sim.TokenServiceModel;
import io.chainplan.optimizer.sim.TraceArrivals;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The paper's real-deployment comparison replayed on the simulator (arXiv 2604.14993, §6.2; DESIGN.md
 * §1.3): LLaMA-2-7B on 3 x 40 GB (3g.40gb) and 6 x 20 GB (2g.20gb) MIG slices of A100-80GB GPUs, the first
 * requests of the Azure 2023 code trace at their own timestamps, token-driven service
 * ({@link GpuTimings}). Methods: PETALS, BPRR, whole model + JFFC, chainplan.
 * <p>Timing assumptions (derived, not measured): {@code F = 2 x 202.4 M} FLOP per block per token
 * (LLaMA-2-7B: {@code 4 d^2 + 3 d d_ff} weights per layer, {@code d = 4096}, {@code d_ff = 11008});
 * an A100 delivers the paper's effective {@code 120} TFLOPS, a 3g slice {@code 3/7} of it (51.4 TFLOPS),
 * a 2g slice {@code 2/7} (34.3 TFLOPS); memory bandwidth 1.02 and 0.51 GB/ms (4/8 and 2/8 of the
 * A100-80GB's 2.04 TB/s); {@code t_o = 1 ms}; per token and hop one RIPE Atlas round trip (a seeded
 * draw per server) plus PETALS' 18 ms. Planning (chainplan, BPRR's R, the routing costs) uses
 * {@code tau_c}, {@code tau_p} of the mean request of the replayed trace and its mean rate.
 * <p>Deterministic for its inputs.
 */
public final class PetalsMigExperiment {
    /** LLaMA-2-7B as the paper models it. */
    public static final ModelSpec LLAMA_2_7B = new ModelSpec("llama-2-7b", 32, 437_500_000L, 33_600_000L);
    /** FLOP per block per token: twice the 202.4 M weights of a LLaMA-2-7B layer. */
    public static final double FLOPS_PER_BLOCK_PER_TOKEN = 2.0 * (4L * 4096 * 4096 + 3L * 4096 * 11008);
    /** The paper's mean response times (s): PETALS, BPRR, whole model + JFFC, chainplan. */
    public static final Map<ServingMethod, Double> PAPER_MEAN_SECONDS = Map.of(ServingMethod.PETALS, 31.4,
            ServingMethod.BPRR, 19.8, ServingMethod.WHOLE_MODEL, 10.0, ServingMethod.CHAINPLAN, 7.3);
    /** The paper's P95 response times (s), same methods. */
    public static final Map<ServingMethod, Double> PAPER_P95_SECONDS = Map.of(ServingMethod.PETALS, 68.5,
            ServingMethod.BPRR, 44.2, ServingMethod.WHOLE_MODEL, 22.1, ServingMethod.CHAINPLAN, 15.2);
    /** Method order of the paper's table. */
    public static final List<ServingMethod> METHODS = List.of(ServingMethod.PETALS, ServingMethod.BPRR,
            ServingMethod.WHOLE_MODEL, ServingMethod.CHAINPLAN);

    private static final long GB = 1_000_000_000L;
    private static final double OVERHEAD_SECONDS = 0.001;

    private PetalsMigExperiment() {
    }

    /**
     * Settings.
     *
     * @param requests requests replayed from the start of the trace, {@code >= 10}
     * @param a100Tflops effective TFLOPS of a whole A100, {@code > 0}
     * @param hopOverheadSeconds per-token per-hop overhead, {@code >= 0}
     * @param passOverheadSeconds software overhead per block per forward pass, {@code >= 0} (0: the paper's formula)
     * @param rttSeed seed of the per-server RTT draw
     * @param simulationSeed seed of the simulations (unused by the deterministic service; kept for the record)
     * @param methods baseline settings
     */
    public record Settings(int requests, double a100Tflops, double hopOverheadSeconds, double passOverheadSeconds,
            long rttSeed, long simulationSeed,
            ServingMethods.Settings methods) {
        /** Default A100 effective compute: the paper's high-performance GPU, 120 TFLOPS. */
        public static final double DEFAULT_A100_TFLOPS = 120;
        /** PETALS' per-hop serialisation overhead. */
        public static final double DEFAULT_HOP_OVERHEAD_SECONDS = 0.018;

        /** Validates. */
        public Settings {
            Objects.requireNonNull(methods, "methods");
            if (requests < 10) {
                throw new IllegalArgumentException("requests must be >= 10, was " + requests);
            }
            if (!(a100Tflops > 0) || !(hopOverheadSeconds >= 0) || !(passOverheadSeconds >= 0)) {
                throw new IllegalArgumentException("need a100Tflops > 0, hopOverheadSeconds >= 0 and passOverheadSeconds >= 0,"
                        + " were " + a100Tflops + ", " + hopOverheadSeconds + " and " + passOverheadSeconds);
            }
        }
    }

    /**
     * One method's outcome.
     *
     * @param method the method
     * @param detail what it decided
     * @param result the simulation result
     */
    public record Row(ServingMethod method, String detail, SimulationResult result) {
    }

    /**
     * The outcome.
     *
     * @param fleet the MIG fleet as planned (reference request)
     * @param service the service model
     * @param trace the replayed requests
     * @param rows one per method, paper order
     */
    public record Result(Fleet fleet, TokenServiceModel service, RequestTrace trace, List<Row> rows) {
        /** Copies. */
        public Result {
            rows = List.copyOf(rows);
        }

        /** @return a markdown table: mean, median, P95, P99 of response, waiting and service, paper beside */
        public String toMarkdown() {
            StringBuilder sb = new StringBuilder();
            sb.append("| method | response mean | (paper) | median | P95 | (paper) | P99 | waiting mean | median | P95 | P99"
                    + " | service mean | median | P95 | P99 |\n");
            sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Row r : rows) {
                LatencySummary resp = r.result().responseTime();
                sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f | %.2f | %.2f | %.1f | %.2f |%s|%s|%n",
                        r.method(), resp.meanSeconds(), PAPER_MEAN_SECONDS.get(r.method()), resp.medianSeconds(),
                        resp.p95Seconds(), PAPER_P95_SECONDS.get(r.method()), resp.p99Seconds(),
                        cells(r.result().waitingTime()), cells(r.result().serviceTime())));
            }
            return sb.toString();
        }

        /** @return CSV, one row per method and metric */
        public String toCsv() {
            StringBuilder sb = new StringBuilder("method,metric,mean_s,median_s,p95_s,p99_s,max_s,paper_mean_s,paper_p95_s\n");
            for (Row r : rows) {
                Map<String, LatencySummary> m = new LinkedHashMap<>();
                m.put("response", r.result().responseTime());
                m.put("waiting", r.result().waitingTime());
                m.put("service", r.result().serviceTime());
                for (Map.Entry<String, LatencySummary> e : m.entrySet()) {
                    LatencySummary s = e.getValue();
                    boolean resp = e.getKey().equals("response");
                    sb.append(String.format(Locale.ROOT, "%s,%s,%.6f,%.6f,%.6f,%.6f,%.6f,%s,%s%n", r.method(), e.getKey(),
                            s.meanSeconds(), s.medianSeconds(), s.p95Seconds(), s.p99Seconds(), s.maxSeconds(),
                            resp ? PAPER_MEAN_SECONDS.get(r.method()) : "", resp ? PAPER_P95_SECONDS.get(r.method()) : ""));
                }
            }
            return sb.toString();
        }

        private static String cells(LatencySummary s) {
            return String.format(Locale.ROOT, " %.2f | %.2f | %.2f | %.2f ", s.meanSeconds(), s.medianSeconds(),
                    s.p95Seconds(), s.p99Seconds());
        }
    }

    /**
     * Runs the four methods on the trace.
     *
     * @param trace the trace (its first {@code settings.requests()} requests are replayed)
     * @param rttSamples RTT samples in seconds (empty: uniform 5-60 ms)
     * @param settings the settings
     * @param log progress lines
     * @return the result
     */
    public static Result run(RequestTrace trace, List<Double> rttSamples, Settings settings, Consumer<String> log) {
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(rttSamples, "rttSamples");
        Objects.requireNonNull(log, "log");
        RequestTrace replay = trace.first(settings.requests());
        if (replay.size() < 2) {
            throw new IllegalArgumentException("trace must have at least 2 requests, had " + replay.size());
        }
        TokenServiceModel service = serviceModel(settings, rttSamples);
        Fleet fleet = fleet(service, replay);
        ServingMethods methods = new ServingMethods(settings.methods());
        List<Row> rows = new ArrayList<>();
        for (ServingMethod m : METHODS) {
            ServingMethods.Built b = methods.build(m, fleet, settings.rttSeed()).orElseThrow(
                    () -> new IllegalStateException(m + " cannot serve the MIG fleet"));
            SimulationResult r = Simulator.run(new SimulationConfig(replay.size(), 0, settings.simulationSeed(),
                    SimulationConfig.DEFAULT_BATCHES), new TraceArrivals(replay), service, b.routing());
            log.accept(String.format(Locale.ROOT, "%-11s %s: mean %.2f s", m, b.detail(), r.responseTime().meanSeconds()));
            rows.add(new Row(m, b.detail(), r));
        }
        return new Result(fleet, service, replay, rows);
    }

    /**
     * The GPU parameters of the nine slices, RTTs drawn with the settings' seed.
     *
     * @param settings the settings
     * @param rttSamples RTT samples in seconds
     * @return the service model
     */
    static TokenServiceModel serviceModel(Settings settings, List<Double> rttSamples) {
        SplittableRandom rnd = new SplittableRandom(settings.rttSeed());
        Map<String, GpuTimings.Gpu> gpus = new LinkedHashMap<>();
        double a100 = settings.a100Tflops() * 1e12;
        for (String id : ids()) {
            boolean big = id.startsWith("mig3g");
            double rtt = rttSamples.isEmpty() ? 0.005 + rnd.nextDouble() * 0.055 : rttSamples.get(rnd.nextInt(rttSamples.size()));
            gpus.put(id, new GpuTimings.Gpu(a100 * (big ? 3.0 : 2.0) / 7, big ? 1.02e12 : 0.51e12, rtt));
        }
        return GpuTimings.serviceModel(LLAMA_2_7B, FLOPS_PER_BLOCK_PER_TOKEN, OVERHEAD_SECONDS,
                settings.hopOverheadSeconds(), settings.passOverheadSeconds(), gpus);
    }

    /**
     * The fleet as planned: timings of the trace's mean request, lambda its mean rate.
     *
     * @param service the service model
     * @param replay the replayed requests
     * @return the fleet
     */
    static Fleet fleet(TokenServiceModel service, RequestTrace replay) {
        double in = 0;
        double out = 0;
        for (int i = 0; i < replay.size(); i++) {
            in += replay.inputTokens(i);
            out += replay.outputTokens(i);
        }
        in /= replay.size();
        out /= replay.size();
        List<Server> servers = new ArrayList<>();
        for (String id : ids()) {
            servers.add(service.timings(id).server(id, id.startsWith("mig3g") ? 40 * GB : 20 * GB, in, out));
        }
        return new Fleet(LLAMA_2_7B, servers, replay.meanRatePerSecond(), Fleet.DEFAULT_TARGET_LOAD);
    }

    private static List<String> ids() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ids.add("mig3g-" + i);
        }
        for (int i = 1; i <= 6; i++) {
            ids.add("mig2g-" + i);
        }
        return ids;
    }
}
