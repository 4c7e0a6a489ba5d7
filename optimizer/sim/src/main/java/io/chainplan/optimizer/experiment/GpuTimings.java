package io.chainplan.optimizer.experiment;

import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.TokenTimings;
import io.chainplan.optimizer.sim.TokenServiceModel;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Per-token timings from each server's GPU parameters (DESIGN.md §1.3, the paper's per-block time
 * {@code t_o + l_in F / f + (l_out - 1) s_m / b}): a request with {@code l_in} input and {@code l_out}
 * output tokens takes, on a hop of {@code m} blocks on server {@code j},
 * {@code l_out (rtt_j + o) + m (t_o + l_in F / f_j + (l_out - 1) s_m / b_j + l_out t_pass)}: one prefill
 * pass plus {@code l_out - 1} decode passes, each of which crosses the hop once (round trip {@code rtt_j}
 * plus a per-hop serialisation overhead {@code o}, PETALS' 18 ms), and each pass may carry a software
 * overhead {@code t_pass} per block (0 in the paper's formula; a calibration knob). Concurrent requests
 * do not slow each other down (the paper's model: decoding is memory-bound, so batching is nearly free).
 * <p>As {@link TokenTimings}: {@code t_o' = t_o + t_pass}, {@code t_in = F / f_j},
 * {@code t_out = s_m / b_j + t_pass}, {@code c_req = c_tok = rtt_j + o}.
 */
public final class GpuTimings {
    private GpuTimings() {
    }

    /**
     * One server's coefficients.
     *
     * @param gpu                   the server's GPU
     * @param blockBytes            {@code s_m}
     * @param flopsPerBlockPerToken {@code F}
     * @param overheadSeconds       {@code t_o}, per block per request
     * @param hopOverheadSeconds    {@code o}, per token per hop
     * @param passOverheadSeconds   {@code t_pass}, per block per forward pass
     * @return the coefficients
     */
    public static TokenTimings of(Gpu gpu, long blockBytes, double flopsPerBlockPerToken, double overheadSeconds,
            double hopOverheadSeconds, double passOverheadSeconds) {
        Objects.requireNonNull(gpu, "gpu");
        if (!(flopsPerBlockPerToken > 0) || !(overheadSeconds >= 0) || !(hopOverheadSeconds >= 0)
                || !(passOverheadSeconds >= 0) || blockBytes < 1) {
            throw new IllegalArgumentException("need s_m >= 1, F > 0 and t_o, o, t_pass >= 0, were " + blockBytes + ", "
                    + flopsPerBlockPerToken + ", " + overheadSeconds + ", " + hopOverheadSeconds + " and "
                    + passOverheadSeconds);
        }
        double perToken = gpu.roundTripSeconds() + hopOverheadSeconds;
        return new TokenTimings(overheadSeconds + passOverheadSeconds, flopsPerBlockPerToken / gpu.flopsPerSecond(),
                blockBytes / gpu.bytesPerSecond() + passOverheadSeconds, perToken, perToken);
    }

    /**
     * The deterministic token service model of a fleet of GPUs.
     *
     * @param model                 the model ({@code s_m})
     * @param flopsPerBlockPerToken {@code F}
     * @param overheadSeconds       {@code t_o}
     * @param hopOverheadSeconds    {@code o}
     * @param passOverheadSeconds   {@code t_pass}; 0 in the paper's formula
     * @param gpus                  per server id: compute, bandwidth and round trip
     * @return the service model, named {@code gpu-tokens}
     */
    public static TokenServiceModel serviceModel(ModelSpec model, double flopsPerBlockPerToken, double overheadSeconds,
            double hopOverheadSeconds, double passOverheadSeconds, Map<String, Gpu> gpus) {
        Objects.requireNonNull(model, "model");
        Map<String, TokenTimings> timings = new TreeMap<>();
        Objects.requireNonNull(gpus, "gpus").forEach((id, gpu) -> timings.put(id, of(gpu, model.blockBytes(),
                flopsPerBlockPerToken, overheadSeconds, hopOverheadSeconds, passOverheadSeconds)));
        return new TokenServiceModel("gpu-tokens", timings, 0, 0);
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
