package io.chainplan.optimizer.replan;

import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.model.TokenMix;
import java.util.Objects;

/**
 * The latest arrival-rate estimate of a model: lambda with its 95% interval, the arrival process
 * fitted to the burstiness measured with it (Poisson when none was measured or the fit found none),
 * and the token mix measured on the request stream (issue 17: the mix the plan's service times are
 * evaluated at).
 *
 * @param ratePerSecond  lambda, requests per second, finite and &gt; 0
 * @param lowerPerSecond lower end of the 95% interval, finite, &gt;= 0 and &lt;= ratePerSecond
 * @param upperPerSecond upper end of the 95% interval, finite and &gt;= ratePerSecond
 * @param arrivals       the fitted arrival process, at mean rate {@code ratePerSecond}
 * @param fitReason      why that process (the fit's one-line reason; empty if none was fitted)
 * @param tokens         mean prompt and generated tokens of the recent requests ({@link TokenMix#UNKNOWN}, or
 *                       any mix that is not {@link TokenMix#usable()}, when none was measured)
 * @param tokenErrors    the standard errors of those two means ({@link TokenErrors#UNKNOWN} when not measured)
 * @param declared       whether this is no estimate but the model spec's declared rate ({@link #declared}): what
 *                       a model's first plan is made from before telemetry-ingest has measured any demand
 * @param mixPending     whether the token mix of the requests seen is still to be measured (telemetry-ingest's
 *                       {@code tokenMixPending}: requests arrived, none of their buckets has completed yet), so
 *                       that {@code tokens} is not usable for now, but will be soon
 */
public record DemandView(double ratePerSecond, double lowerPerSecond, double upperPerSecond, ArrivalModel arrivals,
        String fitReason, TokenMix tokens, TokenErrors tokenErrors, boolean declared, boolean mixPending) {
    /**
     * The standard errors of a measured token mix's means (issue 17), so that a change of the mix can be told
     * from the noise of heavy-tailed token counts.
     *
     * @param inputTokens  standard error of the mean prompt tokens, finite and &gt;= 0; 0 if unknown
     * @param outputTokens standard error of the mean generated tokens, finite and &gt;= 0; 0 if unknown
     */
    public record TokenErrors(double inputTokens, double outputTokens) {
        /** Not measured: a change of the mix is taken at its face value. */
        public static final TokenErrors UNKNOWN = new TokenErrors(0, 0);

        /** Validates the fields. */
        public TokenErrors {
            if (!(Double.isFinite(inputTokens) && inputTokens >= 0 && Double.isFinite(outputTokens) && outputTokens >= 0)) {
                throw new IllegalArgumentException("token standard errors must be finite and >= 0, were " + inputTokens
                        + ", " + outputTokens);
            }
        }
    }

    /** Validates the fields. */
    public DemandView {
        if (!(Double.isFinite(ratePerSecond) && ratePerSecond > 0)) {
            throw new IllegalArgumentException("ratePerSecond must be finite and > 0, was " + ratePerSecond);
        }
        if (!(Double.isFinite(lowerPerSecond) && lowerPerSecond >= 0 && lowerPerSecond <= ratePerSecond)) {
            throw new IllegalArgumentException("lowerPerSecond must be finite and in [0, ratePerSecond = "
                    + ratePerSecond + "], was " + lowerPerSecond);
        }
        if (!(Double.isFinite(upperPerSecond) && upperPerSecond >= ratePerSecond)) {
            throw new IllegalArgumentException("upperPerSecond must be finite and >= ratePerSecond = "
                    + ratePerSecond + ", was " + upperPerSecond);
        }
        Objects.requireNonNull(arrivals, "arrivals");
        Objects.requireNonNull(fitReason, "fitReason");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(tokenErrors, "tokenErrors");
        if (Math.abs(arrivals.ratePerSecond() - ratePerSecond) > 1e-9 * ratePerSecond) {
            throw new IllegalArgumentException("the arrival process's mean rate " + arrivals.ratePerSecond()
                    + " must be ratePerSecond = " + ratePerSecond);
        }
    }

    /**
     * A measured estimate (not {@linkplain #declared declared}).
     *
     * @param ratePerSecond  lambda
     * @param lowerPerSecond lower end of the 95% interval
     * @param upperPerSecond upper end of the 95% interval
     * @param arrivals       the fitted arrival process
     * @param fitReason      why that process
     * @param tokens         the measured token mix
     * @param tokenErrors    the standard errors of its means
     */
    public DemandView(double ratePerSecond, double lowerPerSecond, double upperPerSecond, ArrivalModel arrivals,
            String fitReason, TokenMix tokens, TokenErrors tokenErrors) {
        this(ratePerSecond, lowerPerSecond, upperPerSecond, arrivals, fitReason, tokens, tokenErrors, false, false);
    }

    /**
     * The demand a model's spec declares, before any estimate (issue 16 item 2): Poisson arrivals at the declared
     * rate, an interval of that single point (nothing was measured), and the spec's token means.
     *
     * @param ratePerSecond the declared rate, finite and &gt; 0
     * @param tokens        the spec's declared token mix
     * @return the declared demand
     */
    public static DemandView declared(double ratePerSecond, TokenMix tokens) {
        return new DemandView(ratePerSecond, ratePerSecond, ratePerSecond, new ArrivalModel.Poisson(ratePerSecond),
                "declared by the model spec (no demand estimate yet)", tokens, TokenErrors.UNKNOWN, true, false);
    }

    /**
     * An estimate with a token mix of unknown error.
     *
     * @param ratePerSecond  lambda
     * @param lowerPerSecond lower end of the 95% interval
     * @param upperPerSecond upper end of the 95% interval
     * @param arrivals       the fitted arrival process
     * @param fitReason      why that process
     * @param tokens         the token mix
     */
    public DemandView(double ratePerSecond, double lowerPerSecond, double upperPerSecond, ArrivalModel arrivals,
            String fitReason, TokenMix tokens) {
        this(ratePerSecond, lowerPerSecond, upperPerSecond, arrivals, fitReason, tokens, TokenErrors.UNKNOWN);
    }

    /**
     * An estimate without a measured token mix.
     *
     * @param ratePerSecond  lambda
     * @param lowerPerSecond lower end of the 95% interval
     * @param upperPerSecond upper end of the 95% interval
     * @param arrivals       the fitted arrival process
     * @param fitReason      why that process
     */
    public DemandView(double ratePerSecond, double lowerPerSecond, double upperPerSecond, ArrivalModel arrivals,
            String fitReason) {
        this(ratePerSecond, lowerPerSecond, upperPerSecond, arrivals, fitReason, TokenMix.UNKNOWN);
    }

    /**
     * @param mix a token mix, e.g. the model's declared one
     * @return this estimate with that mix, of unknown error
     */
    public DemandView withTokens(TokenMix mix) {
        return new DemandView(ratePerSecond, lowerPerSecond, upperPerSecond, arrivals, fitReason, mix,
                TokenErrors.UNKNOWN, declared, mixPending);
    }

    /**
     * @param pending whether the mix is still to be measured
     * @return this estimate with that flag
     */
    public DemandView withMixPending(boolean pending) {
        return new DemandView(ratePerSecond, lowerPerSecond, upperPerSecond, arrivals, fitReason, tokens, tokenErrors,
                declared, pending);
    }

    /**
     * An estimate with Poisson arrivals.
     *
     * @param ratePerSecond  lambda
     * @param lowerPerSecond lower end of the 95% interval
     * @param upperPerSecond upper end of the 95% interval
     */
    public DemandView(double ratePerSecond, double lowerPerSecond, double upperPerSecond) {
        this(ratePerSecond, lowerPerSecond, upperPerSecond, new ArrivalModel.Poisson(Math.max(0, ratePerSecond)), "");
    }

    /**
     * A point estimate without an interval.
     *
     * @param ratePerSecond lambda, requests per second
     * @return a view whose interval is the single point
     */
    public static DemandView exact(double ratePerSecond) {
        return new DemandView(ratePerSecond, ratePerSecond, ratePerSecond);
    }

    /**
     * @param rate a rate, requests per second
     * @return whether the 95% interval contains it
     */
    public boolean intervalContains(double rate) {
        return rate >= lowerPerSecond && rate <= upperPerSecond;
    }
}
