package io.chainplan.cli.format;

import com.fasterxml.jackson.databind.JsonNode;

/** Typed reads of JSON fields that fail with a {@link FleetFileException} naming field and server. */
final class JsonFields {
    private final String source;
    private final String server;
    private final String prefix;

    /**
     * @param source file name or "input" for messages
     * @param server server id or position, or null
     * @param prefix field prefix such as {@code model.}, or empty
     */
    JsonFields(String source, String server, String prefix) {
        this.source = source;
        this.server = server;
        this.prefix = prefix;
    }

    /** @return the file name or "input", for messages */
    String source() {
        return source;
    }

    FleetFileException error(String field, String problem) {
        String where = server == null ? "" : "server " + server + ": ";
        return new FleetFileException(prefix + field, server, source + ": " + where + prefix + field + " " + problem);
    }

    JsonNode require(JsonNode obj, String field) {
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) {
            throw error(field, "is missing");
        }
        return v;
    }

    String text(JsonNode obj, String field) {
        JsonNode v = require(obj, field);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw error(field, "must be a non-empty string, was " + v);
        }
        return v.asText();
    }

    long integer(JsonNode obj, String field, long min) {
        JsonNode v = require(obj, field);
        if (!v.isNumber()) {
            throw error(field, "must be a number, was " + v);
        }
        if (!v.isIntegralNumber() && !(v.canConvertToLong() && v.doubleValue() == Math.rint(v.doubleValue()))) {
            throw error(field, "must be a whole number, was " + v);
        }
        if (!v.canConvertToLong()) {
            throw error(field, "is out of range, was " + v);
        }
        long x = v.longValue();
        if (x < min) {
            throw error(field, "must be >= " + min + ", was " + v);
        }
        return x;
    }

    double number(JsonNode obj, String field) {
        JsonNode v = require(obj, field);
        if (!v.isNumber()) {
            throw error(field, "must be a number, was " + v);
        }
        double x = v.doubleValue();
        if (!Double.isFinite(x)) {
            throw error(field, "must be finite, was " + v);
        }
        return x;
    }

    double number(JsonNode obj, String field, double min, boolean inclusive) {
        double x = number(obj, field);
        if (inclusive ? x < min : x <= min) {
            throw error(field, "must be " + (inclusive ? ">= " : "> ") + min + ", was " + obj.get(field));
        }
        return x;
    }
}
