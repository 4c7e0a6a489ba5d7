package io.chainplan.schemas.serde;

import io.chainplan.schemas.registry.SchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Records written under a schema id no reader has fetched yet, as a producer with a newer build
 * would write them: the record's own schema with another {@code doc} (built with Avro's schema API), registered as a new version
 * of the topic's subject (the fields are the same, so it is compatible and the Avro binary is the
 * same). A consumer must then ask the registry for that id, which is what registry-outage tests need.
 */
public final class FreshSchemaIds {
    private FreshSchemaIds() {
    }

    /**
     * Registers a variant of a record's schema.
     *
     * @param registry where to register it (while it is up)
     * @param topic    the topic (subject {@code <topic>-value})
     * @param type     the record's schema
     * @param tag      makes the variant unique, e.g. the test's name
     * @return the new schema id
     */
    public static int register(SchemaRegistry registry, String topic, Schema type, String tag) {
        List<Schema.Field> fields = new ArrayList<>();
        type.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        Schema variant = Schema.createRecord(type.getName(), "written by " + tag, type.getNamespace(), type.isError(), fields);
        type.getObjectProps().forEach(variant::addProp);
        type.getAliases().forEach(variant::addAlias);
        return registry.register(WireFormat.subject(topic, false), variant);
    }

    /**
     * @param id    a schema id from {@link #register} for the record's type
     * @param value the record
     * @return its bytes in the wire format with that id
     */
    public static byte[] encode(int id, SpecificRecord value) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(WireFormat.MAGIC_BYTE);
            out.write(new byte[] {(byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new SpecificDatumWriter<SpecificRecord>(value.getSchema(), SpecificData.getForClass(value.getClass()))
                    .write(value, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
