package io.chainplan.optimizer.fleets;

import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Paper-style fleets for benchmarks (DESIGN.md §1.3, the paper's §5 simulation setup): BLOOM-176B
 * ({@code L = 70}, {@code s_m = 1.32 GB}, {@code s_c = 0.11 GB}); a fraction {@code eta} of
 * high-performance servers (40 GB, {@code tau_p = 0.109 s}), the rest 20 GB with
 * {@code tau_p = 0.175 s}; communication time {@code 20 * (rtt + 0.018 s)} with {@code rtt} drawn
 * from the given RIPE Atlas samples, or uniform in 5-60 ms when there are none;
 * {@code lambda = 0.1 J}, {@code rho_bar = 0.7}.
 * <p>Deterministic for a given random generator. Stateless.
 */
public final class PaperFleets {
    /** BLOOM-176B as the paper models it. */
    public static final ModelSpec BLOOM_176B = new ModelSpec("bloom-176b", 70, 1_320_000_000L, 110_000_000L);
    /** Default fraction of high-performance servers. */
    public static final double DEFAULT_HIGH_FRACTION = 0.2;
    /** Arrival rate per server, requests per second. */
    public static final double ARRIVAL_RATE_PER_SERVER = 0.1;

    private static final long HIGH_MEMORY_BYTES = 40_000_000_000L;
    private static final long LOW_MEMORY_BYTES = 20_000_000_000L;
    private static final double HIGH_BLOCK_SECONDS = 0.109;
    private static final double LOW_BLOCK_SECONDS = 0.175;
    private static final double HOP_OVERHEAD_SECONDS = 0.018;
    private static final double TOKENS = 20;

    private PaperFleets() {
    }

    /**
     * @param servers J, {@code >= 1}
     * @param highFraction eta in [0, 1]
     * @param rttSeconds RTT samples in seconds (may be empty)
     * @param rnd randomness
     * @return a fleet with servers {@code s00001...}
     */
    public static Fleet generate(int servers, double highFraction, List<Double> rttSeconds, RandomGenerator rnd) {
        if (servers < 1) {
            throw new IllegalArgumentException("servers must be >= 1, was " + servers);
        }
        if (!(highFraction >= 0 && highFraction <= 1)) {
            throw new IllegalArgumentException("highFraction must be in [0, 1], was " + highFraction);
        }
        Objects.requireNonNull(rttSeconds, "rttSeconds");
        boolean[] high = new boolean[servers];
        int nHigh = (int) Math.round(highFraction * servers);
        for (int j = 0; j < nHigh; j++) {
            high[j] = true;
        }
        for (int j = servers - 1; j > 0; j--) {
            int k = rnd.nextInt(j + 1);
            boolean t = high[j];
            high[j] = high[k];
            high[k] = t;
        }
        List<Server> list = new ArrayList<>(servers);
        int width = Math.max(5, Integer.toString(servers).length());
        for (int j = 0; j < servers; j++) {
            double rtt = rttSeconds.isEmpty() ? 0.005 + rnd.nextDouble() * 0.055
                    : rttSeconds.get(rnd.nextInt(rttSeconds.size()));
            list.add(new Server(String.format("s%0" + width + "d", j + 1), high[j] ? HIGH_MEMORY_BYTES : LOW_MEMORY_BYTES,
                    TOKENS * (rtt + HOP_OVERHEAD_SECONDS), high[j] ? HIGH_BLOCK_SECONDS : LOW_BLOCK_SECONDS));
        }
        return new Fleet(BLOOM_176B, list, ARRIVAL_RATE_PER_SERVER * servers, Fleet.DEFAULT_TARGET_LOAD);
    }
}
