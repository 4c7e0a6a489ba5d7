package io.chainplan.ingest.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads {@link GpuMetric} from the Prometheus-to-Kafka adapter's JSON. {@code timestamp} may be
 * RFC 3339 text or a number of milliseconds; {@code value} may be a string or a number. Anything
 * else (not JSON, missing name or timestamp, labels not an object of strings) is a
 * {@link SerializationException}. Thread-safe.
 */
public final class GpuMetricJsonDeserializer implements Deserializer<GpuMetric> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public GpuMetric deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new SerializationException("topic " + topic + ": not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SerializationException("topic " + topic + ": expected a JSON object");
        }
        String name = text(root, "name", topic);
        JsonNode value = root.get("value");
        if (value == null || !(value.isTextual() || value.isNumber())) {
            throw new SerializationException("topic " + topic + ": field value must be a string or a number");
        }
        return new GpuMetric(name, value.asText(), labels(root.get("labels"), topic), timestamp(root.get("timestamp"), topic));
    }

    private static String text(JsonNode root, String field, String topic) {
        JsonNode n = root.get(field);
        if (n == null || !n.isTextual()) {
            throw new SerializationException("topic " + topic + ": field " + field + " must be a string");
        }
        return n.asText();
    }

    private static long timestamp(JsonNode n, String topic) {
        if (n != null && n.isIntegralNumber()) {
            return n.asLong();
        }
        if (n == null || !n.isTextual()) {
            throw new SerializationException("topic " + topic + ": field timestamp must be RFC 3339 text or epoch ms");
        }
        try {
            return Instant.parse(n.asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new SerializationException("topic " + topic + ": timestamp \"" + n.asText() + "\" is not RFC 3339", e);
        }
    }

    private static Map<String, String> labels(JsonNode n, String topic) {
        Map<String, String> out = new TreeMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isObject()) {
            throw new SerializationException("topic " + topic + ": field labels must be an object");
        }
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode()) {
                throw new SerializationException("topic " + topic + ": label " + e.getKey() + " must be a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}
