package io.chainplan.optimizer.experiment;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The serving methods the paper compares (arXiv 2604.14993, §6; DESIGN.md §1.3). */
public enum ServingMethod {
    /** GBP-CR + GCA (c by the Theorem 4 lower bound) + JFFC: this project. */
    CHAINPLAN("chainplan"),
    /** PETALS placement and on-arrival routing with per-server cache pools. */
    PETALS("petals"),
    /** BPRR conservative placement and wait-aware on-arrival routing. */
    BPRR("bprr"),
    /** The whole model on every server that holds it, single-server chains, JFFC. */
    WHOLE_MODEL("whole-model");

    private final String cliName;

    ServingMethod(String cliName) {
        this.cliName = cliName;
    }

    /** @return the name in tables and on the command line */
    public String cliName() {
        return cliName;
    }

    /**
     * @param name a cli name, e.g. {@code whole-model}
     * @return the method
     */
    public static ServingMethod fromCliName(String name) {
        for (ServingMethod m : values()) {
            if (m.cliName.equalsIgnoreCase(name) || m.name().equalsIgnoreCase(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("method must be one of "
                + Arrays.stream(values()).map(ServingMethod::cliName).collect(Collectors.joining(", ")) + ", was " + name);
    }

    @Override
    public String toString() {
        return cliName;
    }
}
