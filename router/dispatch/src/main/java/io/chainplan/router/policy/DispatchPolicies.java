package io.chainplan.router.policy;

import java.util.List;
import java.util.Locale;

/** The dispatch policies by name: {@code jffc}, {@code jsq}, {@code jiq}, {@code sed}, {@code sa-jsq}. */
public final class DispatchPolicies {
    private static final List<DispatchPolicy> ALL = List.of(
            new JffcDispatchPolicy(), new JsqDispatchPolicy(), new JiqDispatchPolicy(),
            new SedDispatchPolicy(), new SaJsqDispatchPolicy());

    private DispatchPolicies() {
    }

    /**
     * All policies, JFFC first, in a fixed order.
     *
     * @return the five policies
     */
    public static List<DispatchPolicy> all() {
        return ALL;
    }

    /**
     * Looks a policy up by its {@link DispatchPolicy#name() name}, case-insensitively.
     *
     * @param name e.g. {@code "jffc"} or {@code "sa-jsq"}
     * @return the policy
     * @throws IllegalArgumentException if no policy has that name
     */
    public static DispatchPolicy byName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (DispatchPolicy p : ALL) {
            if (p.name().equals(n)) {
                return p;
            }
        }
        throw new IllegalArgumentException("policy must be one of jffc, jsq, jiq, sed, sa-jsq, was " + name);
    }
}
