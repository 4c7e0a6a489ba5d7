package io.chainplan.ingest.topology;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A compact binary serde for internal values (state stores, the repartition topic): one format
 * version byte, then fields written with {@link DataOutputStream}. Internal data never leaves the
 * application, so no schema registry is involved; a version byte allows the format to evolve.
 *
 * @param <T> value type
 */
final class BinarySerde<T> implements Serde<T> {
    /** Writes fields. */
    @FunctionalInterface
    interface Writer<T> {
        void write(DataOutputStream out, T value) throws IOException;
    }

    /** Reads fields. */
    @FunctionalInterface
    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private final String name;
    private final byte version;
    private final Writer<T> writer;
    private final Reader<T> reader;

    BinarySerde(String name, int version, Writer<T> writer, Reader<T> reader) {
        this.name = Objects.requireNonNull(name, "name");
        this.version = (byte) version;
        this.writer = Objects.requireNonNull(writer, "writer");
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : toBytes(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
    }

    byte[] toBytes(T value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(version);
            writer.write(out, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    T fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte v = in.readByte();
            if (v != version) {
                throw new SerializationException(name + ": unknown format version " + v + ", expected " + version);
            }
            return reader.read(in);
        } catch (IOException e) {
            throw new SerializationException(name + ": cannot decode " + bytes.length + " bytes", e);
        }
    }
}
