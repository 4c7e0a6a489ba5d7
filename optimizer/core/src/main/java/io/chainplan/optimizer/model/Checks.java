package io.chainplan.optimizer.model;

import java.util.Objects;

/** Shared argument checks of the domain model: each names the parameter, its value and the rule. */
public final class Checks {
    private Checks() {
    }

    /**
     * @param value the value
     * @param name the parameter name used in the message
     * @return {@code value} if it is a finite number {@code >= 0}
     */
    public static double nonNegativeFinite(double value, String name) {
        if (!(value >= 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, was " + value);
        }
        return value;
    }

    /**
     * @param value the value
     * @param name the parameter name used in the message
     * @return {@code value} if it is a finite number {@code > 0}
     */
    public static double positiveFinite(double value, String name) {
        if (!(value > 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, was " + value);
        }
        return value;
    }

    /**
     * @param value the value
     * @param name the parameter name used in the message
     * @return {@code value} if it is not null and not blank
     */
    public static String nonBlank(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank, was '" + value + "'");
        }
        return value;
    }
}
