package io.chainplan.local.loop;

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
     * The paper's PETALS deployment (DESIGN.md §1.3): LLaMA-2-7B on nine A100 MIG slices, 3 x 40 GB
     * ({@code 3g.40gb}) and 6 x 20 GB ({@code 2g.20gb}).
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
            servers.add(migSlice(m, "mig40-" + i, "A100-80GB MIG 3g.40gb", 40, 60e12, 1.0));
        }
        for (int i = 1; i <= 6; i++) {
            servers.add(migSlice(m, "mig20-" + i, "A100-80GB MIG 2g.20gb", 20, 40e12, 0.5));
        }
        return new SimFleet(m, servers);
    }

    private static SimServer migSlice(SimModel m, String id, String gpu, double memoryGb, double flops,
            double gbPerMs) {
        double flopsPerBlockToken = m.blockBytes(); // 2 FLOP per fp16 parameter of 2 bytes
        double decodeSeconds = m.blockBytes() / (gbPerMs * GB) * 1e-3;
        return new SimServer(id, gpu, Math.round(memoryGb * GB), new TokenTimings(OVERHEAD_SECONDS,
                flopsPerBlockToken / flops, decodeSeconds, ROUND_TRIP_SECONDS, ROUND_TRIP_SECONDS));
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
