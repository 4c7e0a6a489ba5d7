package io.chainplan.optimizer.model;

/**
 * One server's per-token cost model (the paper, §5.1; DESIGN.md §1.3): how long a request with
 * {@code l_in} input and {@code l_out} output tokens takes on it. Per block,
 * {@code tau_p = t_o + t_in * l_in + t_out * (l_out - 1)} (a prefill pass over the prompt, then one
 * decode pass per further generated token); per hop, {@code tau_c = c_req + c_tok * (l_out - 1)}
 * (one round trip for the prompt and one per further token). With the paper's GPU model
 * {@code t_in = F / f_j} and {@code t_out = s_m / b_j}. A hop of {@code m} blocks takes
 * {@code tau_c + m * tau_p}; a {@link Server}'s {@code commSeconds} and {@code perBlockComputeSeconds}
 * are these two numbers for one request size.
 * <p>The one service model of chainplan: the solver plans with it (for the measured token mix), the
 * simulator and the closed loop's simulated fleet serve with it.
 *
 * @param blockOverheadSeconds    t_o, per block per request ({@code >= 0})
 * @param prefillSecondsPerToken  t_in, per block per input token ({@code >= 0})
 * @param decodeSecondsPerToken   t_out, per block per generated token after the first ({@code >= 0})
 * @param commSecondsPerRequest   c_req, per hop per request: the prompt's round trip ({@code >= 0})
 * @param commSecondsPerToken     c_tok, per hop per generated token after the first ({@code >= 0})
 */
public record TokenTimings(double blockOverheadSeconds, double prefillSecondsPerToken, double decodeSecondsPerToken,
        double commSecondsPerRequest, double commSecondsPerToken) {
    /** Validates every coefficient. */
    public TokenTimings {
        Checks.nonNegativeFinite(blockOverheadSeconds, "blockOverheadSeconds");
        Checks.nonNegativeFinite(prefillSecondsPerToken, "prefillSecondsPerToken");
        Checks.nonNegativeFinite(decodeSecondsPerToken, "decodeSecondsPerToken");
        Checks.nonNegativeFinite(commSecondsPerRequest, "commSecondsPerRequest");
        Checks.nonNegativeFinite(commSecondsPerToken, "commSecondsPerToken");
    }

    /**
     * Recovers the coefficients from a server's timings for one reference request, given the share
     * {@code kappa} of {@code tau_p - t_o} that prefill takes in it (the split a single measurement cannot
     * show): {@code t_in = kappa (tau_p - t_o) / l_in_ref}, {@code t_out = (1 - kappa)(tau_p - t_o) / (l_out_ref - 1)},
     * and {@code c_req = c_tok = tau_c / l_out_ref} (one round trip per generated token). For the reference
     * request the result reproduces {@code tau_p} and {@code tau_c}.
     *
     * @param server               the server's reference timings
     * @param blockOverheadSeconds t_o ({@code >= 0}); a {@code tau_p} below it leaves only the overhead
     * @param inputTokens          l_in_ref ({@code >= 1})
     * @param outputTokens         l_out_ref ({@code >= 2})
     * @param prefillShare         kappa in {@code [0, 1]}
     * @return the coefficients
     */
    public static TokenTimings fromReference(Server server, double blockOverheadSeconds, int inputTokens,
            int outputTokens, double prefillShare) {
        Checks.nonNegativeFinite(blockOverheadSeconds, "blockOverheadSeconds");
        if (inputTokens < 1) {
            throw new IllegalArgumentException("referenceInputTokens must be >= 1, was " + inputTokens);
        }
        if (outputTokens < 2) {
            throw new IllegalArgumentException("referenceOutputTokens must be >= 2, was " + outputTokens);
        }
        if (!(prefillShare >= 0 && prefillShare <= 1)) {
            throw new IllegalArgumentException("prefillShare must be in [0, 1], was " + prefillShare);
        }
        double variable = Math.max(0, server.perBlockComputeSeconds() - blockOverheadSeconds);
        double perToken = server.commSeconds() / outputTokens;
        return new TokenTimings(blockOverheadSeconds, prefillShare * variable / inputTokens,
                (1 - prefillShare) * variable / (outputTokens - 1), perToken, perToken);
    }

    /**
     * tau_p: compute time of one block for one request of this size.
     *
     * @param inputTokens  l_in ({@code >= 0})
     * @param outputTokens l_out ({@code >= 0}; 0 and 1 both mean no decode pass)
     * @return seconds
     */
    public double perBlockSeconds(double inputTokens, double outputTokens) {
        return blockOverheadSeconds + prefillSecondsPerToken * inputTokens
                + decodeSecondsPerToken * Math.max(0, outputTokens - 1);
    }

    /**
     * tau_c: communication time of one hop for one request of this size.
     *
     * @param outputTokens l_out ({@code >= 0})
     * @return seconds
     */
    public double commSeconds(double outputTokens) {
        return commSecondsPerRequest + commSecondsPerToken * Math.max(0, outputTokens - 1);
    }

    /**
     * The server as the solver sees it for one request size: {@code tau_c} and {@code tau_p} at these tokens.
     *
     * @param id           server id
     * @param memoryBytes  M_j
     * @param inputTokens  l_in (for example the measured mean)
     * @param outputTokens l_out
     * @return the server
     */
    public Server server(String id, long memoryBytes, double inputTokens, double outputTokens) {
        return new Server(id, memoryBytes, commSeconds(outputTokens), perBlockSeconds(inputTokens, outputTokens));
    }
}
