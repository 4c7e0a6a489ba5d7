package io.chainplan.ingest.estimate;

import java.util.Objects;

/**
 * Everything known about one server (what the server-state store keeps). Unknown numbers are
 * -1 (bytes), NaN (seconds) or {@link Long#MIN_VALUE} (times); an unknown model is "".
 *
 * @param modelId                 model served, "" if unknown
 * @param lastSeenMillis          event time of the last telemetry or GPU metric
 * @param latestInputMillis       event time of the newest input of any kind
 * @param telemetryTotalBytes     total memory from chainplan telemetry
 * @param gpu                     framebuffer readings from GPU metrics
 * @param declaredCommSeconds     tau_c declared in telemetry
 * @param declaredComputeSeconds  tau_p declared in telemetry
 * @param measured                timings learned from request hops
 * @param reported                status last reported in telemetry
 * @param status                  current status (reported, or DOWN when silent too long)
 * @param lastEmitted             the last published estimate, null-free: {@code atMillis == Long.MIN_VALUE} if none
 */
public record ServerState(String modelId, long lastSeenMillis, long latestInputMillis, long telemetryTotalBytes,
                          GpuMemory gpu, double declaredCommSeconds, double declaredComputeSeconds,
                          TimingSummary measured, ServerLiveness reported, ServerLiveness status,
                          ServerEstimateValue lastEmitted) {
    /**
     * Framebuffer readings, bytes, -1 if unknown.
     *
     * @param totalBytes    total
     * @param usedBytes     used
     * @param freeBytes     free
     * @param reservedBytes reserved
     */
    public record GpuMemory(long totalBytes, long usedBytes, long freeBytes, long reservedBytes) {
        /** Nothing known. */
        public static final GpuMemory UNKNOWN = new GpuMemory(-1, -1, -1, -1);

        /**
         * @param s a reading
         * @return these readings with it applied
         */
        public GpuMemory with(GpuMemorySample s) {
            return switch (s.kind()) {
                case TOTAL -> new GpuMemory(s.bytes(), usedBytes, freeBytes, reservedBytes);
                case USED -> new GpuMemory(totalBytes, s.bytes(), freeBytes, reservedBytes);
                case FREE -> new GpuMemory(totalBytes, usedBytes, s.bytes(), reservedBytes);
                case RESERVED -> new GpuMemory(totalBytes, usedBytes, freeBytes, s.bytes());
            };
        }

        /** @return total, else used + free (+ reserved if known), else -1 */
        public long total() {
            if (totalBytes >= 0) {
                return totalBytes;
            }
            if (usedBytes >= 0 && freeBytes >= 0) {
                return usedBytes + freeBytes + Math.max(0, reservedBytes);
            }
            return -1;
        }
    }

    /** No estimate published yet. */
    public static final ServerEstimateValue NOT_EMITTED = new ServerEstimateValue("", Long.MIN_VALUE, 0, 0, 0, 0, 0,
            ServerLiveness.DOWN, Long.MIN_VALUE, TokenTimingEstimate.NONE);

    /** A server nothing is known about. */
    public static final ServerState EMPTY = new ServerState("", Long.MIN_VALUE, Long.MIN_VALUE, -1, GpuMemory.UNKNOWN,
            Double.NaN, Double.NaN, ServerTiming.EMPTY.lastEmitted(), ServerLiveness.UP, ServerLiveness.DOWN, NOT_EMITTED);

    /** Validates references. */
    public ServerState {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(gpu, "gpu");
        Objects.requireNonNull(measured, "measured");
        Objects.requireNonNull(reported, "reported");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(lastEmitted, "lastEmitted");
    }

    /** @return telemetry's total memory, else the GPU metrics' total, else -1 */
    public long totalMemoryBytes() {
        return telemetryTotalBytes >= 0 ? telemetryTotalBytes : gpu.total();
    }
}
