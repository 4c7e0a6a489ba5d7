package io.chainplan.cli.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chainplan.optimizer.arrival.ArrivalModel;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.ModelSpec;
import io.chainplan.optimizer.model.Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes fleet files (DESIGN.md §4.1, docs/file-formats.md), with the optional {@code arrivals}
 * object of {@link ArrivalsJson}. Unknown fields are ignored; a missing or invalid
 * field, a duplicate server id, a duplicate key or an empty server list is a
 * {@link FleetFileException} whose message names the field and the server.
 */
public final class FleetFiles {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private FleetFiles() {
    }

    /**
     * @param file a fleet file
     * @return the fleet
     * @throws IOException if the file cannot be read
     * @throws FleetFileException if it is missing, a directory, or not a valid fleet file
     */
    public static Fleet read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new FleetFileException("", null, file + ": is a directory, not a fleet file (docs/file-formats.md)");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new FleetFileException("", null, file + ": no such file");
        }
        return parse(text, file.toString());
    }

    /**
     * @param json the file's content
     * @param source file name for messages
     * @return the fleet
     * @throws FleetFileException if it is not a valid fleet file
     */
    public static Fleet parse(String json, String source) {
        JsonNode root = tree(json, source);
        JsonFields top = new JsonFields(source, null, "");
        JsonNode modelNode = top.require(root, "model");
        if (!modelNode.isObject()) {
            throw top.error("model", "must be an object, was " + modelNode);
        }
        ModelSpec model = model(modelNode, source);
        JsonNode serversNode = top.require(root, "servers");
        if (!serversNode.isArray()) {
            throw top.error("servers", "must be an array, was " + serversNode);
        }
        if (serversNode.isEmpty()) {
            throw top.error("servers", "must list at least one server, was empty");
        }
        List<Server> servers = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < serversNode.size(); i++) {
            Server s = server(serversNode.get(i), i, source);
            if (!ids.add(s.id())) {
                throw new FleetFileException("id", s.id(), source + ": server " + s.id() + ": id is a duplicate (servers["
                        + i + "] repeats an earlier id)");
            }
            servers.add(s);
        }
        double lambda = top.number(root, "arrivalRate", 0, true);
        double load = root.hasNonNull("targetLoad") ? top.number(root, "targetLoad", 0, false) : Fleet.DEFAULT_TARGET_LOAD;
        if (load >= 1) {
            throw top.error("targetLoad", "must be < 1, was " + root.get("targetLoad"));
        }
        return new Fleet(model, servers, ArrivalsJson.read(root.get("arrivals"), top, lambda), load);
    }

    private static JsonNode tree(String json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new FleetFileException("", null, source + ": not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new FleetFileException("", null, source + ": must contain a JSON object");
        }
        return root;
    }

    private static ModelSpec model(JsonNode node, String source) {
        JsonFields f = new JsonFields(source, null, "model.");
        String id = f.text(node, "id");
        long blocks = f.integer(node, "blocks", 1);
        if (blocks > Integer.MAX_VALUE) {
            throw f.error("blocks", "is too large, was " + blocks);
        }
        return new ModelSpec(id, (int) blocks, f.integer(node, "blockBytes", 1), f.integer(node, "cacheBytesPerBlockPerJob", 1));
    }

    private static Server server(JsonNode node, int index, String source) {
        JsonFields at = new JsonFields(source, "servers[" + index + "]", "");
        if (!node.isObject()) {
            throw at.error("", "must be an object, was " + node);
        }
        String id = at.text(node, "id");
        JsonFields f = new JsonFields(source, id, "");
        return new Server(id, f.integer(node, "memoryBytes", 0), f.number(node, "commSeconds", 0, true),
                f.number(node, "perBlockComputeSeconds", 0, false));
    }

    /**
     * @param fleet a fleet
     * @return its fleet-file JSON, fields in the order of DESIGN.md §4.1
     */
    public static String toJson(Fleet fleet) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode model = root.putObject("model");
        model.put("id", fleet.model().id());
        model.put("blocks", fleet.model().blocks());
        model.put("blockBytes", fleet.model().blockBytes());
        model.put("cacheBytesPerBlockPerJob", fleet.model().cacheBytesPerBlockPerJob());
        ArrayNode servers = root.putArray("servers");
        for (Server s : fleet.servers()) {
            ObjectNode n = servers.addObject();
            n.put("id", s.id());
            n.put("memoryBytes", s.memoryBytes());
            n.put("commSeconds", s.commSeconds());
            n.put("perBlockComputeSeconds", s.perBlockComputeSeconds());
        }
        root.put("arrivalRate", fleet.arrivalRatePerSecond());
        if (!(fleet.arrivals() instanceof ArrivalModel.Poisson)) {
            ArrivalsJson.write(root, fleet.arrivals());
        }
        root.put("targetLoad", fleet.targetLoad());
        return PlanFiles.write(root);
    }

    /**
     * @param fleet a fleet
     * @param file where to write it
     * @throws IOException if writing fails
     */
    public static void write(Fleet fleet, Path file) throws IOException {
        Files.writeString(file, toJson(fleet), StandardCharsets.UTF_8);
    }
}
