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
 * used bytes: these serdes run once or twice per event on the hot path.
 * <p>Versions: a serde writes its current version and reads it and every older version it was
 * given a reader for, so state written before an upgrade (a changelog restored into a new build,
 * records still in the repartition topic) stays readable. Thread-safe.
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

    /** Reads fields of any supported format version. */
    @FunctionalInterface
    interface VersionedReader<T> {
        /**
         * @param version the format version of the bytes, between the oldest supported and the current one
         * @param in      the fields
         * @return the value
         */
        T read(int version, ByteBuffer in);
    }

    private static final ThreadLocal<ByteBuffer[]> SCRATCH = ThreadLocal.withInitial(() -> new ByteBuffer[] {ByteBuffer.allocate(4096)});

    private final String name;
    private final byte version;
    private final byte oldestVersion;
    private final Writer<T> writer;
    private final VersionedReader<T> reader;

    BinarySerde(String name, int version, Writer<T> writer, Reader<T> reader) {
        this(name, version, version, writer, versionOnly(reader));
    }

    /**
     * @param name          value name, for errors
     * @param oldestVersion oldest format version still read
     * @param version       current format version (written)
     * @param writer        writes the current version
     * @param reader        reads any version from {@code oldestVersion} to {@code version}
     */
    BinarySerde(String name, int oldestVersion, int version, Writer<T> writer, VersionedReader<T> reader) {
        if (oldestVersion < 1 || oldestVersion > version || version > Byte.MAX_VALUE) {
            throw new IllegalArgumentException("versions must satisfy 1 <= oldest <= current <= 127, were " + oldestVersion
                    + " and " + version);
        }
        this.name = Objects.requireNonNull(name, "name");
        this.version = (byte) version;
        this.oldestVersion = (byte) oldestVersion;
        this.writer = Objects.requireNonNull(writer, "writer");
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    private static <T> VersionedReader<T> versionOnly(Reader<T> reader) {
        Objects.requireNonNull(reader, "reader");
        return (v, in) -> reader.read(in);
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
            if (v < oldestVersion || v > version) {
                throw new SerializationException(name + ": unknown format version " + v + ", expected "
                        + (oldestVersion == version ? String.valueOf(version) : oldestVersion + " to " + version));
            }
            return reader.read(v, in);
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
