package io.chainplan.optimizer.sim;

import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.model.Server;
import io.chainplan.optimizer.model.TokenTimings;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Token-driven service times (DESIGN.md §1.3): each hop of a chain takes its server's
 * {@link TokenTimings} for the request's tokens, {@code tau_c(l_out) + m * tau_p(l_in, l_out)}, optionally
 * with log-normal noise (mean 1) on compute and on network, drawn per hop in that order.
 * <p>The one token model of the simulator, the experiments and the closed loop's simulated fleet; the
 * servers' coefficients come from a fleet's reference timings ({@link #fromReference}), from GPU
 * parameters, or from a simulated fleet's true values. Immutable; without noise it ignores the random
 * generator.
 */
public final class TokenServiceModel implements ServiceModel {
    /** {@code t_o} of the paper's BLOOM setting: 1 ms. */
    public static final double PAPER_OVERHEAD_SECONDS = 0.001;
    /** Reference input tokens of the paper's setting. */
    public static final int PAPER_INPUT_TOKENS = 2000;
    /** Reference output tokens of the paper's setting. */
    public static final int PAPER_OUTPUT_TOKENS = 20;
    /** Prefill share of the paper's high-performance server, {@code (2000*5e9/120e12) / 0.108}. */
    public static final double PAPER_PREFILL_SHARE = (2000 * 5e9 / 120e12) / (0.109 - 0.001);

    private final String name;
    private final Map<String, TokenTimings> servers;
    private final double computeNoiseCv;
    private final double networkNoiseCv;

    /**
     * @param name           name for reports, e.g. {@code "tokens"}
     * @param servers        each server's coefficients, by server id
     * @param computeNoiseCv coefficient of variation of a hop's compute time ({@code >= 0}, 0: none)
     * @param networkNoiseCv coefficient of variation of a hop's network time ({@code >= 0}, 0: none)
     */
    public TokenServiceModel(String name, Map<String, TokenTimings> servers, double computeNoiseCv,
            double networkNoiseCv) {
        this.name = Objects.requireNonNull(name, "name");
        this.servers = Map.copyOf(new TreeMap<>(Objects.requireNonNull(servers, "servers")));
        if (!(computeNoiseCv >= 0) || !(networkNoiseCv >= 0) || Double.isInfinite(computeNoiseCv)
                || Double.isInfinite(networkNoiseCv)) {
            throw new IllegalArgumentException("noise must be finite and >= 0, was " + computeNoiseCv + " and "
                    + networkNoiseCv);
        }
        this.computeNoiseCv = computeNoiseCv;
        this.networkNoiseCv = networkNoiseCv;
    }

    /**
     * Deterministic token service for a fleet whose timings were measured for one reference request,
     * split into coefficients by {@link TokenTimings#fromReference}. For the reference request a chain's
     * service time is exactly its {@code T_k}.
     *
     * @param fleet                the fleet (its servers' {@code tau_c}, {@code tau_p} for the reference request)
     * @param blockOverheadSeconds t_o
     * @param inputTokens          l_in_ref
     * @param outputTokens         l_out_ref
     * @param prefillShare         kappa, the prefill share of {@code tau_p - t_o} in the reference request
     * @return the model
     */
    public static TokenServiceModel fromReference(Fleet fleet, double blockOverheadSeconds, int inputTokens,
            int outputTokens, double prefillShare) {
        Map<String, TokenTimings> m = new TreeMap<>();
        for (Server s : fleet.servers()) {
            m.put(s.id(), TokenTimings.fromReference(s, blockOverheadSeconds, inputTokens, outputTokens, prefillShare));
        }
        return new TokenServiceModel("tokens", m, 0, 0);
    }

    /**
     * {@link #fromReference} with the paper's BLOOM-176B constants (DESIGN.md §1.3).
     *
     * @param fleet the fleet
     * @return the model
     */
    public static TokenServiceModel paperDefaults(Fleet fleet) {
        return fromReference(fleet, PAPER_OVERHEAD_SECONDS, PAPER_INPUT_TOKENS, PAPER_OUTPUT_TOKENS, PAPER_PREFILL_SHARE);
    }

    /**
     * @param serverId a server id
     * @return that server's coefficients
     * @throws IllegalArgumentException if the model has none for it
     */
    public TokenTimings timings(String serverId) {
        TokenTimings t = servers.get(serverId);
        if (t == null) {
            throw new IllegalArgumentException("no token timings for server " + serverId);
        }
        return t;
    }

    /**
     * Samples one hop: compute ({@code m * tau_p}) and network ({@code tau_c}) time, each with its noise.
     *
     * @param hop          the hop
     * @param inputTokens  l_in
     * @param outputTokens l_out
     * @param random       draws the noise (unused without noise)
     * @return the hop's times
     */
    public HopTime hop(Hop hop, int inputTokens, int outputTokens, RandomGenerator random) {
        TokenTimings t = timings(hop.serverId());
        double compute = hop.blocks() * t.perBlockSeconds(inputTokens, outputTokens)
                * Noise.lognormal(random, computeNoiseCv);
        double network = t.commSeconds(outputTokens) * Noise.lognormal(random, networkNoiseCv);
        return new HopTime(compute, network);
    }

    @Override
    public double serviceSeconds(Chain chain, int inputTokens, int outputTokens, RandomGenerator random) {
        double total = 0;
        for (Hop hop : chain.hops()) {
            total += hop(hop, inputTokens, outputTokens, random).seconds();
        }
        return Math.max(total, Double.MIN_NORMAL);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * One hop's sampled times.
     *
     * @param computeSeconds the hop's blocks' compute time
     * @param networkSeconds the hop's communication time
     */
    public record HopTime(double computeSeconds, double networkSeconds) {
        /** @return compute plus network */
        public double seconds() {
            return computeSeconds + networkSeconds;
        }
    }
}
