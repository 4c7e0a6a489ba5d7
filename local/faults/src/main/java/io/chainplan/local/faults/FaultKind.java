package io.chainplan.local.faults;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The kinds of fault the suite injects (issue 13), in the order it runs them. */
public enum FaultKind {
    /** Undecodable and invalid records on every input topic of telemetry-ingest and the optimizer. */
    POISON("poison", false),
    /** Events dated ahead of the wall clock (inside and beyond the allowed skew) and far in the past. */
    TIMESTAMPS("timestamps", false),
    /** A {@code chainplan optimizer} with a wrong SASL password beside clients with the right one. */
    WRONG_PASSWORD("wrong-password", false),
    /** The schema registry stopped while records under schema ids nobody has fetched keep arriving. */
    REGISTRY_OUTAGE("registry-outage", true),
    /** The broker stopped and started again on the same ports while traffic goes on. */
    BROKER_RESTART("broker-restart", true),
    /** A child {@code chainplan optimizer} process killed with SIGKILL again and again while demand changes. */
    OPTIMIZER_KILL("optimizer-kill", true);

    private final String label;
    private final boolean needsOwnedStack;

    FaultKind(String label, boolean needsOwnedStack) {
        this.label = label;
        this.needsOwnedStack = needsOwnedStack;
    }

    /** @return the name on the command line and in the report, e.g. {@code broker-restart} */
    public String label() {
        return label;
    }

    /**
     * @return whether injecting it needs control of the broker, the registry or the optimizer process, so that
     *         it runs only against the stack the suite starts itself
     */
    public boolean needsOwnedStack() {
        return needsOwnedStack;
    }

    /**
     * @param label a {@link #label()}
     * @return its kind
     * @throws IllegalArgumentException naming the known labels
     */
    public static FaultKind of(String label) {
        for (FaultKind k : values()) {
            if (k.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown fault kind \"" + label + "\" (known: " + labels() + ")");
    }

    /** @return every label, comma-separated, in order */
    public static String labels() {
        return Arrays.stream(values()).map(FaultKind::label).collect(Collectors.joining(", "));
    }
}
