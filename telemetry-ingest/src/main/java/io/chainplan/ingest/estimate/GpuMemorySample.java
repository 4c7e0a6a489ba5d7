package io.chainplan.ingest.estimate;

import java.util.Objects;

/**
 * One GPU framebuffer reading (e.g. a DCGM {@code DCGM_FI_DEV_FB_*} metric), converted to bytes.
 *
 * @param kind     which quantity
 * @param bytes    its value, {@code >= 0}
 * @param atMillis event time
 */
public record GpuMemorySample(Kind kind, long bytes, long atMillis) {
    /** Framebuffer quantities. */
    public enum Kind {
        /** Total framebuffer ({@code DCGM_FI_DEV_FB_TOTAL}). */
        TOTAL,
        /** Used ({@code DCGM_FI_DEV_FB_USED}). */
        USED,
        /** Free ({@code DCGM_FI_DEV_FB_FREE}). */
        FREE,
        /** Reserved by the driver ({@code DCGM_FI_DEV_FB_RESERVED}). */
        RESERVED
    }

    /** Validates. */
    public GpuMemorySample {
        Objects.requireNonNull(kind, "kind");
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0, was " + bytes);
        }
    }
}
