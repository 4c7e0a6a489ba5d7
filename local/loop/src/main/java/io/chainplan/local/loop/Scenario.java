package io.chainplan.local.loop;

import java.util.Locale;

/** What happens half way through a {@code chainplan local} run. */
public enum Scenario {
    /** Nothing: the load stays as it is. */
    STEADY,
    /** The arrival rate doubles half way (a Poisson source's rate; a trace is replayed twice as fast). */
    SHIFT,
    /** A server goes down half way: it stops reporting telemetry and serving. */
    FAILURE,
    /**
     * The token mix changes half way (issue 17): every request from then on generates {@value #MIX_OUTPUT_FACTOR}
     * times as many tokens (a Poisson source's, or a trace's), at the same arrival rate.
     */
    MIX;

    /** How much longer generated outputs get in the {@link #MIX} scenario. */
    public static final double MIX_OUTPUT_FACTOR = 10;

    /**
     * @return the command-line name
     */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
