package io.chainplan.optimizer.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How the search over the cache reservation {@code c} scores a candidate (DESIGN.md §1.2,
 * "Choosing c"; the paper, §3). Lower scores win.
 */
public enum Objective {
    /** Theorem 4 lower bound on the mean response time (the paper's recommendation; default). */
    LOWER_BOUND("lower-bound"),
    /** Theorem 4 upper bound on the mean response time. */
    UPPER_BOUND("upper-bound"),
    /**
     * {@code c * K(c)}: total capacity of the K(c) complete GBP-CR chains, i.e. the requests in
     * service needed to reach rate {@code lambda / rho_bar}; by Little's law proportional to the
     * mean service time.
     */
    SURROGATE("surrogate");

    private final String cliName;

    Objective(String cliName) {
        this.cliName = cliName;
    }

    /** @return the name used on the command line and in plan files, e.g. {@code lower-bound} */
    public String cliName() {
        return cliName;
    }

    /**
     * @param name a cli name such as {@code lower-bound} (case-insensitive; the enum name also works)
     * @return the objective
     */
    public static Objective fromCliName(String name) {
        for (Objective o : values()) {
            if (o.cliName.equalsIgnoreCase(name) || o.name().equalsIgnoreCase(name)) {
                return o;
            }
        }
        throw new IllegalArgumentException("objective must be one of "
                + Arrays.stream(values()).map(Objective::cliName).collect(Collectors.joining(", ")) + ", was " + name);
    }

    @Override
    public String toString() {
        return cliName;
    }
}
