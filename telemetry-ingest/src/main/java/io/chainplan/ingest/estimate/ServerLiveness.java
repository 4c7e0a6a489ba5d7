package io.chainplan.ingest.estimate;

/** A server's status as reported or estimated (mirrors the Avro {@code ServerStatus}). */
public enum ServerLiveness {
    /** Serving. */
    UP,
    /** Finishing its requests, taking no new ones. */
    DRAINING,
    /** Not serving, or silent for longer than the liveness timeout. */
    DOWN
}
