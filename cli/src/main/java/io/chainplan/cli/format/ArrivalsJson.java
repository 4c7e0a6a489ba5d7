package io.chainplan.cli.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chainplan.optimizer.arrival.ArrivalModel;

/**
 * The {@code arrivals} object of fleet and plan files (docs/file-formats.md): the arrival process's
 * shape. {@code {"kind": "poisson"}}, or {@code {"kind": "mmpp2", "burstRatePerSecond": ..,
 * "calmRatePerSecond": .., "burstEndsPerSecond": .., "burstStartsPerSecond": ..}} (a two-phase
 * Markov-modulated Poisson process). A fleet file's {@code arrivalRate} stays lambda: the process is
 * scaled to it, so the phase rates give the shape and the mean comes from {@code arrivalRate}.
 */
final class ArrivalsJson {
    private ArrivalsJson() {
    }

    /**
     * @param node the {@code arrivals} object (null or absent: Poisson)
     * @param f    field naming for messages
     * @param rate lambda to scale the process to
     * @return the process at that mean rate
     * @throws FleetFileException naming the field if the object is invalid
     */
    static ArrivalModel read(JsonNode node, JsonFields f, double rate) {
        if (node == null || node.isNull()) {
            return new ArrivalModel.Poisson(rate);
        }
        if (!node.isObject()) {
            throw f.error("arrivals", "must be an object, was " + node);
        }
        JsonFields a = new JsonFields(f.source(), null, "arrivals.");
        String kind = a.text(node, "kind");
        switch (kind) {
            case "poisson" -> {
                return new ArrivalModel.Poisson(rate);
            }
            case "mmpp2" -> {
                ArrivalModel.Mmpp2 shape;
                try {
                    shape = new ArrivalModel.Mmpp2(a.number(node, "burstRatePerSecond", 0, false),
                            a.number(node, "calmRatePerSecond", 0, true), a.number(node, "burstEndsPerSecond", 0, false),
                            a.number(node, "burstStartsPerSecond", 0, false));
                } catch (IllegalArgumentException e) {
                    if (e instanceof FleetFileException fe) {
                        throw fe;
                    }
                    throw new FleetFileException("arrivals", null, f.source() + ": " + e.getMessage());
                }
                return shape.withRate(rate);
            }
            default -> throw a.error("kind", "must be poisson or mmpp2, was \"" + kind + "\"");
        }
    }

    /**
     * @param parent the object to add {@code arrivals} to
     * @param model  the process
     */
    static void write(ObjectNode parent, ArrivalModel model) {
        ObjectNode n = parent.putObject("arrivals");
        n.put("kind", model.kind());
        if (model instanceof ArrivalModel.Mmpp2 m) {
            n.put("burstRatePerSecond", m.burstRatePerSecond());
            n.put("calmRatePerSecond", m.calmRatePerSecond());
            n.put("burstEndsPerSecond", m.burstEndsPerSecond());
            n.put("burstStartsPerSecond", m.burstStartsPerSecond());
        }
    }
}
