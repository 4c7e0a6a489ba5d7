package io.chainplan.local.loop;

import java.util.Locale;

/** What happens half way through a {@code chainplan local} run. */
public enum Scenario {
    /** Nothing: the load stays as it is. */
    STEADY,
    /** The arrival rate doubles half way (a Poisson source's rate; a trace is replayed twice as fast). */
    SHIFT,
    /** A server goes down half way: it stops reporting telemetry and serving. */
    FAILURE;

    /**
     * @return the command-line name
     */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
