package io.chainplan.local.loop;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.TokenTimings;
import io.chainplan.optimizer.sim.TokenServiceModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The simulated fleet of {@code chainplan local}: a model and the servers serving it.
 *
 * @param model   the model
 * @param servers the servers, sorted by id, ids unique
 */
public record SimFleet(SimModel model, List<SimServer> servers) {
    /** Bytes per (decimal) GB. */
    static final double GB = 1e9;
    /** t_o of DESIGN.md §1.3: 1 ms per block per request. */
    static final double OVERHEAD_SECONDS = 0.001;
    /** Per-hop overhead per generated token (PETALS' measured 18 ms, DESIGN.md §1.3) plus a 2 ms in-rack RTT. */
    static final double ROUND_TRIP_SECONDS = 0.020;

    /** Validates, sorts by id and checks ids are unique. */
    public SimFleet {
        Objects.requireNonNull(model, "model");
        List<SimServer> sorted = new ArrayList<>(Objects.requireNonNull(servers, "servers"));
        sorted.sort(Comparator.comparing(SimServer::id));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).id().equals(sorted.get(i - 1).id())) {
                throw new IllegalArgumentException("server ids must be unique, " + sorted.get(i).id() + " appears twice");
            }
        }
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("servers must not be empty");
        }
        servers = List.copyOf(sorted);
    }

    /**
     * The default fleet of {@code chainplan local}: LLaMA-2-70B ({@link SimModel#LLAMA_2_70B}, 137 GB of
     * weights, so no GPU holds the whole model) on ten GPUs of three kinds, 416 GB in all:
     * 2 x A100-SXM4-80GB, 4 x A100-SXM4-40GB and 4 x A10 (24 GB).
     * <p>Timings as {@link #paperMig()} derives them (DESIGN.md §1.3, {@code t_o + l_in F / f + (l_out - 1) s_m / b}):
     * {@code F = 2 FLOP} per fp16 parameter, 1.71 GFLOP per block per token; {@code f} half the GPU's peak
     * dense fp16 tensor rate (A100 312, A10 125 TFLOPS, so 156 and 62.5); {@code b} the datasheet memory
     * bandwidth (A100-80GB 2.039, A100-40GB 1.555, A10 0.600 TB/s); {@code t_o} = 1 ms; 20 ms per generated
     * token per hop. For 2000 input and 20 output tokens: tau_p = 38.9 ms (A100-80GB), 43.9 ms (A100-40GB)
     * and 110 ms (A10) per block, tau_c = 0.4 s per hop.
     * <p>What the optimizer does with it (the paper's search, lower-bound objective, {@code chainplan solve}):
     * from 2.5 to 6 req/s two chains, the two 80 GB GPUs with 40 blocks each and the four 40 GB GPUs with 20
     * each, c = 15 (17 requests at once on each; 7.7 req/s in all), the A10s idle or holding an incomplete
     * chain; from 7 req/s on, more cache per block (c = 39 to 43) and every GPU on a chain: at 8 req/s
     * a100-80g-1 [0,32), a100-80g-2 [32,64), a100-40g-x [64,80) and a second chain of three 40 GB GPUs and the
     * four A10s (16.3 req/s). So the default {@code shift} scenario (4 -&gt; 8 req/s) moves blocks: keeping the
     * first placement at 8 req/s is unstable.
     *
     * @return the fleet
     */
    public static SimFleet mixed70b() {
        SimModel m = SimModel.LLAMA_2_70B;
        List<SimServer> servers = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            servers.add(gpu(m, "a100-80g-" + i, "A100-SXM4-80GB", 80, 156e12, 2.039));
        }
        for (int i = 1; i <= 4; i++) {
            servers.add(gpu(m, "a100-40g-" + i, "A100-SXM4-40GB", 40, 156e12, 1.555));
        }
        for (int i = 1; i <= 4; i++) {
            servers.add(gpu(m, "a10-24g-" + i, "A10", 24, 62.5e12, 0.600));
        }
        return new SimFleet(m, servers);
    }

    /**
     * The paper's PETALS deployment (DESIGN.md §1.3): LLaMA-2-7B on nine A100 MIG slices, 3 x 40 GB
     * ({@code 3g.40gb}) and 6 x 20 GB ({@code 2g.20gb}); {@code chainplan local --fleet-preset mig}.
     * <p>Timing assumptions (token-driven, §1.3's formula {@code t_o + l_in F/f + (l_out-1) s_m/b}):
     * {@code F = 2 * s_m / 2 bytes = 0.4375 GFLOP} per block per token; effective fp16 throughput
     * {@code f} = 60 TFLOPS (3g.40gb) and 40 TFLOPS (2g.20gb), about half of the slices' peak;
     * memory bandwidth {@code b} = 1.0 and 0.5 GB/ms (4/8 and 2/8 of an A100-80GB's); {@code t_o} = 1 ms;
     * network 20 ms per generated token per hop (18 ms PETALS overhead + 2 ms RTT inside one rack).
     * For 2000 input and 20 output tokens: tau_p = 25.9 ms and 42.5 ms per block, tau_c = 0.4 s per hop.
     *
     * @return the fleet
     */
    public static SimFleet paperMig() {
        SimModel m = SimModel.LLAMA_2_7B;
        List<SimServer> servers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            servers.add(gpu(m, "mig40-" + i, "A100-80GB MIG 3g.40gb", 40, 60e12, 1.0));
        }
        for (int i = 1; i <= 6; i++) {
            servers.add(gpu(m, "mig20-" + i, "A100-80GB MIG 2g.20gb", 20, 40e12, 0.5));
        }
        return new SimFleet(m, servers);
    }

    /**
     * A GPU's per-token timings from its compute rate and memory bandwidth: prefill {@code F / f} per
     * prompt token (F = 2 FLOP per fp16 parameter of 2 bytes, so {@code s_m} FLOP per block), decode
     * {@code s_m / b} per generated token (every block's weights read once), {@link #OVERHEAD_SECONDS},
     * {@link #ROUND_TRIP_SECONDS} per generated token per hop.
     */
    private static SimServer gpu(SimModel m, String id, String gpu, double memoryGb, double flops, double gbPerMs) {
        double flopsPerBlockToken = m.blockBytes(); // 2 FLOP per fp16 parameter of 2 bytes
        double decodeSeconds = m.blockBytes() / (gbPerMs * GB) * 1e-3;
        return new SimServer(id, gpu, Math.round(memoryGb * GB), new TokenTimings(OVERHEAD_SECONDS,
                flopsPerBlockToken / flops, decodeSeconds, ROUND_TRIP_SECONDS, ROUND_TRIP_SECONDS));
    }

    /**
     * The fleet of a fleet file (DESIGN.md §4.1, {@code --fleet}): its model with the paper's request shape
     * (2000 prompt, 20 generated tokens, a 2048-token context, no grouped-query attention) and its servers' mean timings
     * ({@link #fromMeans}).
     *
     * @param fleet the fleet read from the file
     * @return the simulated fleet
     */
    public static SimFleet of(Fleet fleet) {
        SimModel m = new SimModel(fleet.model().id(), fleet.model().blocks(), fleet.model().blockBytes(),
                fleet.model().cacheBytesPerBlockPerJob(), SimModel.LLAMA_2_7B.contextTokens(), false,
                SimModel.LLAMA_2_7B.meanInputTokens(), SimModel.LLAMA_2_7B.meanOutputTokens());
        return new SimFleet(m, fleet.servers().stream()
                .map(s -> fromMeans(m, s.id(), s.memoryBytes(), s.commSeconds(), s.perBlockComputeSeconds()))
                .toList());
    }

    /**
     * A server whose mean timings are given (a fleet file, DESIGN.md §4.1): tau_p is taken as the
     * per-block compute of a typical request and split evenly between prompt (prefill) and generation
     * (decode); tau_c is spread over the typical number of generated tokens.
     *
     * @param model                  the model (its token means)
     * @param id                     server id
     * @param memoryBytes            memory, bytes
     * @param commSeconds            tau_c, seconds per request
     * @param perBlockComputeSeconds tau_p, seconds per block per request
     * @return the server
     */
    public static SimServer fromMeans(SimModel model, String id, long memoryBytes, double commSeconds,
            double perBlockComputeSeconds) {
        double half = perBlockComputeSeconds / 2;
        double decodeTokens = Math.max(1, model.meanOutputTokens() - 1);
        double perToken = commSeconds / Math.max(1, model.meanOutputTokens());
        return new SimServer(id, "simulated", memoryBytes, new TokenTimings(0, half / model.meanInputTokens(),
                half / decodeTokens, perToken, perToken));
    }

    /**
     * The fleet's true service times as the simulator's token model: per hop, token-driven compute times
     * the hop's blocks and network, each with log-normal noise.
     *
     * @param computeNoiseCv coefficient of variation of a hop's compute time
     * @param networkNoiseCv coefficient of variation of a hop's network time
     * @return the model, named {@code fleet-tokens}
     */
    public TokenServiceModel serviceModel(double computeNoiseCv, double networkNoiseCv) {
        Map<String, TokenTimings> timings = new TreeMap<>();
        servers.forEach(s -> timings.put(s.id(), s.timings()));
        return new TokenServiceModel("fleet-tokens", timings, computeNoiseCv, networkNoiseCv);
    }

    /**
     * Looks a server up.
     *
     * @param id server id
     * @return its index in {@link #servers()}, or -1
     */
    public int indexOf(String id) {
        for (int i = 0; i < servers.size(); i++) {
            if (servers.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }
}
