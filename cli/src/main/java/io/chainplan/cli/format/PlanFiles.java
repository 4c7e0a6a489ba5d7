package io.chainplan.cli.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.model.BlockRange;
import io.chainplan.optimizer.model.Bounds;
import io.chainplan.optimizer.model.Chain;
import io.chainplan.optimizer.model.Hop;
import io.chainplan.optimizer.model.Objective;
import io.chainplan.optimizer.model.Placement;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.model.PlanStatus;
import io.chainplan.optimizer.model.ServerPlacement;
import io.chainplan.optimizer.model.SolverStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes and reads plan files (DESIGN.md §4.2). Fields appear in a fixed order; {@code reason}
 * and {@code bounds} are {@code null} when absent. Besides the documented fields a plan file
 * carries {@code totalServiceRate} (nu) and {@code solver.placementsEvaluated}; readers ignore
 * unknown fields.
 * <p>The one writer of a plan's JSON: {@code chainplan solve --format json} prints
 * {@link #toJson}, and {@code chainplan audit show --format json} nests {@link #tree} of the
 * recorded plan under {@code plan}, so both print the same shape.
 */
public final class PlanFiles {
    private PlanFiles() {
    }

    /**
     * @param plan a plan
     * @return its plan-file JSON
     */
    public static String toJson(Plan plan) {
        return write(tree(plan));
    }

    /**
     * @param plan a plan
     * @return its plan-file JSON tree
     */
    public static ObjectNode tree(Plan plan) {
        ObjectNode root = FleetFiles.MAPPER.createObjectNode();
        root.put("modelId", plan.modelId());
        root.put("status", plan.status().name());
        if (plan.reason().isEmpty()) {
            root.putNull("reason");
        } else {
            root.put("reason", plan.reason());
        }
        root.put("c", plan.c());
        root.put("arrivalRate", plan.arrivalRatePerSecond());
        ArrivalsJson.write(root, plan.arrivals());
        root.put("totalServiceRate", plan.totalServiceRatePerSecond());
        ArrayNode placements = root.putArray("placements");
        for (ServerPlacement sp : plan.placement().servers()) {
            ObjectNode n = placements.addObject();
            n.put("serverId", sp.serverId());
            n.put("startBlock", sp.range().start());
            n.put("endBlock", sp.range().end());
            n.put("cacheSlots", sp.cacheSlots());
        }
        ArrayNode chains = root.putArray("chains");
        for (Chain k : plan.chains()) {
            ObjectNode n = chains.addObject();
            ArrayNode hops = n.putArray("hops");
            for (Hop h : k.hops()) {
                ObjectNode hn = hops.addObject();
                hn.put("serverId", h.serverId());
                hn.put("startBlock", h.startBlock());
                hn.put("endBlock", h.endBlock());
            }
            n.put("capacity", k.capacity());
            n.put("serviceSeconds", k.serviceSeconds());
        }
        if (plan.bounds().isFinite()) {
            ObjectNode b = root.putObject("bounds");
            b.put("lowerSeconds", plan.bounds().lowerSeconds());
            b.put("upperSeconds", plan.bounds().upperSeconds());
        } else {
            root.putNull("bounds");
        }
        ObjectNode s = root.putObject("solver");
        s.put("millis", plan.solver().millis());
        s.put("objective", plan.solver().objective().cliName());
        s.put("candidatesTried", plan.solver().candidatesTried());
        s.put("placementsEvaluated", plan.solver().placementsEvaluated());
        return root;
    }

    static String write(JsonNode node) {
        try {
            return FleetFiles.MAPPER.writeValueAsString(node) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param plan a plan
     * @param file where to write it
     * @throws IOException if writing fails
     */
    public static void write(Plan plan, Path file) throws IOException {
        Files.writeString(file, toJson(plan), StandardCharsets.UTF_8);
    }

    /**
     * @param json plan-file JSON
     * @param source name for messages
     * @return the plan
     * @throws FleetFileException if a field is missing or invalid
     */
    public static Plan parse(String json, String source) {
        JsonNode root;
        if (!json.isBlank() && json.strip().charAt(0) != '{') {
            throw new FleetFileException("", null, source + ": not a JSON plan file (is it the table `chainplan solve`"
                    + " prints? write JSON with `chainplan solve --format json`, or --out FILE.json)");
        }
        try {
            root = FleetFiles.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new FleetFileException("", null, source + ": not valid JSON: " + e.getOriginalMessage());
        }
        JsonFields f = new JsonFields(source, null, "");
        PlanStatus status;
        try {
            status = PlanStatus.valueOf(f.text(root, "status"));
        } catch (IllegalArgumentException e) {
            throw f.error("status", "must be OK, INFEASIBLE or UNSTABLE, was " + root.get("status"));
        }
        String reason = root.hasNonNull("reason") ? root.get("reason").asText() : "";
        List<ServerPlacement> placed = new ArrayList<>();
        for (JsonNode n : f.require(root, "placements")) {
            JsonFields pf = new JsonFields(source, n.path("serverId").asText("?"), "placements.");
            placed.add(new ServerPlacement(pf.text(n, "serverId"), new BlockRange((int) pf.integer(n, "startBlock", 0),
                    (int) pf.integer(n, "endBlock", 1)), (int) pf.integer(n, "cacheSlots", 0)));
        }
        List<Chain> chains = new ArrayList<>();
        for (JsonNode n : f.require(root, "chains")) {
            List<Hop> hops = new ArrayList<>();
            for (JsonNode h : f.require(n, "hops")) {
                JsonFields hf = new JsonFields(source, h.path("serverId").asText("?"), "hops.");
                hops.add(new Hop(hf.text(h, "serverId"), (int) hf.integer(h, "startBlock", 0), (int) hf.integer(h, "endBlock", 1)));
            }
            chains.add(new Chain(hops, (int) f.integer(n, "capacity", 1), f.number(n, "serviceSeconds", 0, false)));
        }
        JsonNode b = root.get("bounds");
        Bounds bounds = b == null || b.isNull() ? Bounds.UNBOUNDED
                : new Bounds(f.number(b, "lowerSeconds"), f.number(b, "upperSeconds"));
        JsonNode s = f.require(root, "solver");
        SolverStats stats = new SolverStats(f.number(s, "millis", 0, true), Objective.fromCliName(f.text(s, "objective")),
                (int) f.integer(s, "candidatesTried", 0), s.has("placementsEvaluated") ? (int) f.integer(s, "placementsEvaluated", 0) : 0);
        double nu = root.has("totalServiceRate") ? f.number(root, "totalServiceRate", 0, true) : chains.stream()
                .mapToDouble(k -> k.capacity() / k.serviceSeconds()).sum();
        ArrivalModel arrivals = ArrivalsJson.read(root.get("arrivals"), f, f.number(root, "arrivalRate", 0, true));
        return new Plan(f.text(root, "modelId"), status, reason, (int) f.integer(root, "c", 0), arrivals,
                new Placement(placed), chains, nu, bounds, stats);
    }

    /**
     * @param file a plan file
     * @return the plan
     * @throws IOException if it cannot be read
     */
    public static Plan read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }
}
