package io.chainplan.ingest.estimate;

import io.chainplan.optimizer.model.TokenTimings;
import java.util.Objects;

/**
 * A server's per-token service coefficients as estimated ({@link TokenTimingsEstimator}): the
 * paper's cost model ({@link TokenTimings}, DESIGN.md §1.3) with its uncertainty, in two parts,
 * compute ({@code t_o, t_in, t_out}) and communication ({@code c_req, c_tok}), each either fitted
 * to the server's hops or, when it cannot be, the declared timings split into coefficients.
 *
 * @param present               whether both parts have coefficients (false: neither a fit nor
 *                              declared timings to fall back on; the numbers are then 0 and the
 *                              fallbacks say why)
 * @param timings               the coefficients
 * @param standardErrors        each coefficient's standard error, same units (0 for a declared part)
 * @param computeSamples        hops behind the compute coefficients (0: declared)
 * @param commSamples           hops behind the communication coefficients (0: declared)
 * @param computeFallback       why the compute part is not fitted, "" when it is
 * @param commFallback          why the communication part is not fitted, "" when it is
 * @param referenceInputTokens  l_in of the reference mix: the server's recent mix if a part is
 *                              fitted, else the model's declared mean
 * @param referenceOutputTokens l_out of the reference mix, likewise
 */
public record TokenTimingEstimate(boolean present, TokenTimings timings, TokenTimings standardErrors, long computeSamples,
                                  long commSamples, String computeFallback, String commFallback,
                                  double referenceInputTokens, double referenceOutputTokens) {
    /** Why a part is not fitted: fewer hops with token counts than the minimum. */
    public static final String TOO_FEW_SAMPLES = "too-few-samples";
    /** Why a part is not fitted: the hops imply a coefficient below 0 beyond its noise. */
    public static final String NEGATIVE_COEFFICIENTS = "negative-coefficients";
    /** Why a part is not fitted: without declared timings, the hops' tokens do not determine every coefficient. */
    public static final String UNIDENTIFIABLE = "unidentifiable";
    /** Why a part has no coefficients at all: not fitted, and nothing declared (or no declared token mix) to fall back on. */
    public static final String NO_DECLARED_TIMINGS = "no-declared-timings";

    /** Nothing known. */
    public static final TokenTimingEstimate NONE = new TokenTimingEstimate(false, new TokenTimings(0, 0, 0, 0, 0),
            new TokenTimings(0, 0, 0, 0, 0), 0, 0, NO_DECLARED_TIMINGS, NO_DECLARED_TIMINGS, 0, 0);

    /** Validates. */
    public TokenTimingEstimate {
        Objects.requireNonNull(timings, "timings");
        Objects.requireNonNull(standardErrors, "standardErrors");
        Objects.requireNonNull(computeFallback, "computeFallback");
        Objects.requireNonNull(commFallback, "commFallback");
        if (computeSamples < 0 || commSamples < 0 || !(referenceInputTokens >= 0) || !(referenceOutputTokens >= 0)
                || Double.isInfinite(referenceInputTokens) || Double.isInfinite(referenceOutputTokens)) {
            throw new IllegalArgumentException("invalid token timing estimate: samples " + computeSamples + "/" + commSamples
                    + ", reference tokens " + referenceInputTokens + "/" + referenceOutputTokens);
        }
    }

    /** @return whether the compute coefficients are fitted to hops */
    public boolean computeFitted() {
        return present && computeFallback.isEmpty();
    }

    /** @return whether the communication coefficients are fitted to hops */
    public boolean commFitted() {
        return present && commFallback.isEmpty();
    }

    /** @return tau_p at the reference mix, seconds per block */
    public double perBlockSeconds() {
        return timings.perBlockSeconds(referenceInputTokens, referenceOutputTokens);
    }

    /** @return tau_c at the reference mix, seconds per hop */
    public double commSeconds() {
        return timings.commSeconds(referenceOutputTokens);
    }
}
