package io.chainplan.optimizer.experiment;

import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.sim.ServiceModel;
import io.chainplan.optimizer.sim.SimHop;
import io.chainplan.optimizer.sim.SimRoute;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Deterministic token-driven service from each server's GPU parameters (DESIGN.md §1.3, the paper's
 * per-block time {@code t_o + l_in F / f + (l_out - 1) s_m / b}): a request with {@code l_in} input and
 * {@code l_out} output tokens takes, on a hop of {@code m} blocks on server {@code j},
 * {@code l_out (rtt_j + o) + m (t_o + l_in F / f_j + (l_out - 1) s_m / b_j + l_out t_pass)}: one prefill pass plus
 * {@code l_out - 1} decode passes, each of which crosses the hop once (round trip {@code rtt_j} plus a
 * per-hop serialisation overhead {@code o}, PETALS' 18 ms), and each pass may carry a software overhead
 * {@code t_pass} per block (0 in the paper's formula; a calibration knob). Concurrent requests do not slow each other
 * down (the paper's model: decoding is memory-bound, so batching is nearly free).
 * <p>Immutable; ignores the random generator.
 */
public final class GpuTokenServiceModel implements ServiceModel {
    private final long blockBytes;
    private final double flopsPerBlockPerToken;
    private final double overheadSeconds;
    private final double hopOverheadSeconds;
    private final double passOverheadSeconds;
    private final Map<String, Gpu> gpus;

    /**
     * @param model the model ({@code s_m})
     * @param flopsPerBlockPerToken {@code F}
     * @param overheadSeconds {@code t_o}, per block per request
     * @param hopOverheadSeconds {@code o}, per token per hop
     * @param passOverheadSeconds {@code t_pass}, software overhead per block per forward pass (one prefill
     *     and {@code l_out - 1} decode passes); 0 in the paper's formula
     * @param gpus per server id: compute, bandwidth and round trip
     */
    public GpuTokenServiceModel(ModelSpec model, double flopsPerBlockPerToken, double overheadSeconds,
            double hopOverheadSeconds, double passOverheadSeconds, Map<String, Gpu> gpus) {
        this.blockBytes = Objects.requireNonNull(model, "model").blockBytes();
        if (!(flopsPerBlockPerToken > 0) || !(overheadSeconds >= 0) || !(hopOverheadSeconds >= 0)
                || !(passOverheadSeconds >= 0)) {
            throw new IllegalArgumentException("need F > 0 and t_o, o, t_pass >= 0, were " + flopsPerBlockPerToken + ", "
                    + overheadSeconds + ", " + hopOverheadSeconds + " and " + passOverheadSeconds);
        }
        this.passOverheadSeconds = passOverheadSeconds;
        this.flopsPerBlockPerToken = flopsPerBlockPerToken;
        this.overheadSeconds = overheadSeconds;
        this.hopOverheadSeconds = hopOverheadSeconds;
        this.gpus = Map.copyOf(new TreeMap<>(Objects.requireNonNull(gpus, "gpus")));
    }

    /**
     * {@code tau_p[j]} for a request of the given size:
     * {@code t_o + l_in F / f_j + (l_out - 1) s_m / b_j + max(1, l_out) t_pass}.
     *
     * @param serverId the server
     * @param inputTokens {@code l_in}
     * @param outputTokens {@code l_out}
     * @return seconds per block
     */
    public double perBlockSeconds(String serverId, double inputTokens, double outputTokens) {
        Gpu g = gpu(serverId);
        return overheadSeconds + inputTokens * flopsPerBlockPerToken / g.flopsPerSecond()
                + Math.max(0, outputTokens - 1) * blockBytes / g.bytesPerSecond()
                + Math.max(1, outputTokens) * passOverheadSeconds;
    }

    /**
     * {@code tau_c[j]} for a request of the given size: {@code l_out (rtt_j + o)}.
     *
     * @param serverId the server
     * @param outputTokens {@code l_out}
     * @return seconds per hop
     */
    public double commSeconds(String serverId, double outputTokens) {
        return Math.max(1, outputTokens) * (gpu(serverId).roundTripSeconds() + hopOverheadSeconds);
    }

    /**
     * The fleet server with {@code tau_c}, {@code tau_p} of a reference request (what the solver and the
     * baselines plan with).
     *
     * @param serverId the id
     * @param memoryBytes {@code M_j}
     * @param inputTokens reference {@code l_in}
     * @param outputTokens reference {@code l_out}
     * @return the server
     */
    public Server server(String serverId, long memoryBytes, double inputTokens, double outputTokens) {
        return new Server(serverId, memoryBytes, commSeconds(serverId, outputTokens),
                perBlockSeconds(serverId, inputTokens, outputTokens));
    }

    @Override
    public double serviceSeconds(SimRoute route, int inputTokens, int outputTokens, RandomGenerator random) {
        if (route.hops().isEmpty()) {
            throw new IllegalArgumentException("token-driven service needs the route's hops; route has none");
        }
        double total = 0;
        for (SimHop hop : route.hops()) {
            total += commSeconds(hop.serverId(), outputTokens)
                    + hop.blocks() * perBlockSeconds(hop.serverId(), inputTokens, outputTokens);
        }
        return Math.max(total, Double.MIN_NORMAL);
    }

    @Override
    public String name() {
        return "gpu-tokens";
    }

    private Gpu gpu(String serverId) {
        Gpu g = gpus.get(serverId);
        if (g == null) {
            throw new IllegalArgumentException("no GPU parameters for server " + serverId);
        }
        return g;
    }

    /**
     * One server's GPU.
     *
     * @param flopsPerSecond effective compute {@code f_j}
     * @param bytesPerSecond memory bandwidth {@code b_j}
     * @param roundTripSeconds network round trip {@code rtt_j}
     */
    public record Gpu(double flopsPerSecond, double bytesPerSecond, double roundTripSeconds) {
        /** Validates. */
        public Gpu {
            if (!(flopsPerSecond > 0) || !(bytesPerSecond > 0) || !(roundTripSeconds >= 0)) {
                throw new IllegalArgumentException("need f > 0, b > 0 and rtt >= 0, were " + flopsPerSecond + ", "
                        + bytesPerSecond + " and " + roundTripSeconds);
            }
        }
    }
}
