package io.chainplan.optimizer.arrival;

/**
 * The arrival process a plan is solved for (DESIGN.md §4.1 {@code arrivals}; the burst-aware planning
 * of chainplan beyond the paper). The paper's analysis assumes Poisson arrivals; real LLM traffic is
 * bursty, and {@link Mmpp2} describes a burst process by a Markov-modulated Poisson process with two
 * phases, fitted to the measured index of dispersion of counts ({@link Mmpp2Fit}).
 * <p>A value type: records with validation, no I/O.
 */
public sealed interface ArrivalModel permits ArrivalModel.Poisson, ArrivalModel.Mmpp2 {
    /** @return the mean arrival rate lambda, requests per second */
    double ratePerSecond();

    /** @return the name used in fleet files, plans and on the command line: {@code poisson} or {@code mmpp2} */
    String kind();

    /**
     * The same process with its mean rate scaled to {@code rate} (burst structure kept: the phase
     * rates scale, the phase durations do not).
     *
     * @param rate the new mean rate, {@code >= 0}
     * @return the process at that rate
     */
    ArrivalModel withRate(double rate);

    /**
     * Poisson arrivals at rate lambda: the paper's model.
     *
     * @param ratePerSecond lambda ({@code >= 0}, finite)
     */
    record Poisson(double ratePerSecond) implements ArrivalModel {
        /** Validates the rate. */
        public Poisson {
            if (!(ratePerSecond >= 0 && Double.isFinite(ratePerSecond))) {
                throw new IllegalArgumentException("arrivals.ratePerSecond must be a finite number >= 0, was "
                        + ratePerSecond);
            }
        }

        @Override
        public String kind() {
            return "poisson";
        }

        @Override
        public ArrivalModel withRate(double rate) {
            return new Poisson(rate);
        }
    }

    /**
     * A two-phase Markov-modulated Poisson process: arrivals at rate {@code burstRatePerSecond} in the
     * burst phase and {@code calmRatePerSecond} in the calm phase; the burst phase lasts an
     * exponential time of mean {@code 1 / burstEndsPerSecond}, the calm phase of mean
     * {@code 1 / burstStartsPerSecond}. Mean rate
     * {@code lambda = (lambda_b q_cb + lambda_c q_bc) / (q_bc + q_cb)} with {@code q_bc} the burst-end
     * and {@code q_cb} the burst-start rate.
     *
     * @param burstRatePerSecond   lambda_b, arrivals per second in a burst ({@code > 0})
     * @param calmRatePerSecond    lambda_c, arrivals per second between bursts ({@code >= 0}, {@code <= lambda_b})
     * @param burstEndsPerSecond   q_bc, rate at which a burst ends ({@code > 0})
     * @param burstStartsPerSecond q_cb, rate at which a burst starts ({@code > 0})
     */
    record Mmpp2(double burstRatePerSecond, double calmRatePerSecond, double burstEndsPerSecond,
            double burstStartsPerSecond) implements ArrivalModel {
        /** Validates the parameters. */
        public Mmpp2 {
            positive(burstRatePerSecond, "arrivals.burstRatePerSecond");
            if (!(calmRatePerSecond >= 0 && calmRatePerSecond <= burstRatePerSecond)) {
                throw new IllegalArgumentException("arrivals.calmRatePerSecond must be in [0, burstRatePerSecond = "
                        + burstRatePerSecond + "], was " + calmRatePerSecond);
            }
            positive(burstEndsPerSecond, "arrivals.burstEndsPerSecond");
            positive(burstStartsPerSecond, "arrivals.burstStartsPerSecond");
        }

        private static void positive(double v, String name) {
            if (!(v > 0 && Double.isFinite(v))) {
                throw new IllegalArgumentException(name + " must be a finite number > 0, was " + v);
            }
        }

        /** @return the long-run fraction of time in the burst phase, {@code q_cb / (q_bc + q_cb)} */
        public double burstFraction() {
            return burstStartsPerSecond / (burstEndsPerSecond + burstStartsPerSecond);
        }

        @Override
        public double ratePerSecond() {
            double p = burstFraction();
            return p * burstRatePerSecond + (1 - p) * calmRatePerSecond;
        }

        /**
         * The index of dispersion of counts in windows of {@code t} seconds (variance over mean of the
         * number of arrivals): {@code 1 + 2 (lambda_b - lambda_c)^2 q_bc q_cb / (g^3 lambda)
         * (1 - (1 - e^{-g t}) / (g t))} with {@code g = q_bc + q_cb}; 1 for a Poisson process.
         *
         * @param windowSeconds t ({@code > 0})
         * @return I(t)
         */
        public double indexOfDispersion(double windowSeconds) {
            double g = burstEndsPerSecond + burstStartsPerSecond;
            double x = g * windowSeconds;
            double shape = x < 1e-6 ? x / 2 : 1 - (1 - Math.exp(-x)) / x;
            return 1 + asymptoticExcess() * shape;
        }

        /** @return {@code I(infinity) - 1}: the excess dispersion of long windows */
        public double asymptoticExcess() {
            double g = burstEndsPerSecond + burstStartsPerSecond;
            double d = burstRatePerSecond - calmRatePerSecond;
            return 2 * d * d * burstEndsPerSecond * burstStartsPerSecond / (g * g * g * ratePerSecond());
        }

        @Override
        public String kind() {
            return "mmpp2";
        }

        @Override
        public ArrivalModel withRate(double rate) {
            if (!(rate >= 0 && Double.isFinite(rate))) {
                throw new IllegalArgumentException("rate must be a finite number >= 0, was " + rate);
            }
            if (rate == 0) {
                return new Poisson(0);
            }
            double s = rate / ratePerSecond();
            return new Mmpp2(burstRatePerSecond * s, calmRatePerSecond * s, burstEndsPerSecond, burstStartsPerSecond);
        }
    }
}
