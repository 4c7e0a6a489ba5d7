package io.chainplan.ingest.topology;

import java.nio.BufferOverflowException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A compact binary serde for internal values (state stores, the repartition topic): one format
 * version byte, then big-endian fields in a {@link ByteBuffer}. Internal data never leaves the
 * application, so no schema registry is involved; the version byte lets the format evolve.
 * Serialization writes into a per-thread scratch buffer (grown on demand) and copies out the
 * used bytes: these serdes run once or twice per event on the hot path. Thread-safe.
 *
 * @param <T> value type
 */
final class BinarySerde<T> implements Serde<T> {
    /** Writes fields. */
    @FunctionalInterface
    interface Writer<T> {
        void write(ByteBuffer out, T value);
    }

    /** Reads fields. */
    @FunctionalInterface
    interface Reader<T> {
        T read(ByteBuffer in);
    }

    private static final ThreadLocal<ByteBuffer[]> SCRATCH = ThreadLocal.withInitial(() -> new ByteBuffer[] {ByteBuffer.allocate(4096)});

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
        ByteBuffer[] holder = SCRATCH.get();
        while (true) {
            ByteBuffer buf = holder[0];
            buf.clear();
            try {
                buf.put(version);
                writer.write(buf, value);
                return Arrays.copyOf(buf.array(), buf.position());
            } catch (BufferOverflowException e) {
                holder[0] = ByteBuffer.allocate(buf.capacity() * 2);
            }
        }
    }

    T fromBytes(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte v = in.get();
            if (v != version) {
                throw new SerializationException(name + ": unknown format version " + v + ", expected " + version);
            }
            return reader.read(in);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new SerializationException(name + ": cannot decode " + bytes.length + " bytes", e);
        }
    }

    /** Writes a string as an int length and UTF-8 bytes. */
    static void putString(ByteBuffer out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.putInt(b.length);
        out.put(b);
    }

    /** Reads a string written by {@link #putString}. */
    static String getString(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) {
            throw new IllegalArgumentException("bad string length " + n);
        }
        String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }
}
