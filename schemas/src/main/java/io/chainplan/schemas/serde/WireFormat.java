package io.chainplan.schemas.serde;

/**
 * Constants of the Confluent wire format: magic byte 0, a 4-byte big-endian schema id, then the
 * Avro binary encoding of the value. Subjects are named {@code <topic>-value} / {@code <topic>-key}
 * (TopicNameStrategy).
 */
public final class WireFormat {
    /** The first byte of every record. */
    public static final byte MAGIC_BYTE = 0;
    /** Magic byte plus schema id. */
    public static final int HEADER_BYTES = 5;

    private WireFormat() {
    }

    /**
     * @param topic topic name
     * @param isKey whether the subject is for keys
     * @return {@code <topic>-key} or {@code <topic>-value}
     */
    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
