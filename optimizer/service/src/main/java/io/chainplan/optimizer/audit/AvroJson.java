package io.chainplan.optimizer.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collection;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.Schema;

/**
 * Plain JSON of an Avro record for people and scripts: records become objects in schema field
 * order, unions become their value or null, enums and strings become strings, timestamps become
 * ISO-8601 strings. (Avro's own JSON encoding wraps union values, which is awkward to read.)
 */
public final class AvroJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private AvroJson() {
    }

    /**
     * @param record an Avro record
     * @return its JSON tree
     */
    public static ObjectNode of(IndexedRecord record) {
        ObjectNode o = F.objectNode();
        for (Schema.Field f : record.getSchema().getFields()) {
            o.set(f.name(), value(record.get(f.pos())));
        }
        return o;
    }

    private static JsonNode value(Object v) {
        if (v == null) {
            return F.nullNode();
        }
        if (v instanceof IndexedRecord r) {
            return of(r);
        }
        if (v instanceof Collection<?> c) {
            ArrayNode a = F.arrayNode();
            c.forEach(x -> a.add(value(x)));
            return a;
        }
        if (v instanceof Integer i) {
            return F.numberNode(i);
        }
        if (v instanceof Long l) {
            return F.numberNode(l);
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? F.numberNode(d) : F.textNode(d.toString());
        }
        if (v instanceof Boolean b) {
            return F.booleanNode(b);
        }
        if (v instanceof Instant t) {
            return F.textNode(t.toString());
        }
        return F.textNode(v.toString());
    }
}
