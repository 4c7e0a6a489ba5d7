package io.chainplan.ingest.topology;

import io.chainplan.ingest.estimate.GpuMemorySample;
import io.chainplan.schemas.validate.InputLimits;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps Prometheus-adapter GPU metrics to framebuffer readings: {@code DCGM_FI_DEV_FB_TOTAL},
 * {@code _USED}, {@code _FREE} and {@code _RESERVED} (MiB, as DCGM reports them; a {@code unit}
 * label, if present, may say {@code B}, {@code bytes}, {@code KiB}, {@code MiB} or {@code GiB}).
 * The server id is the values of the configured labels joined by '/'. Other metrics share the
 * adapter's topic and are skipped (counted, not dead-lettered). Invalid: a missing id label, an
 * unknown unit, a value that is not a finite number of bytes in {@code [0, 16 TiB]}
 * ({@link InputLimits#memoryBytes}), a time too far ahead ({@link InputLimits#eventTime}).
 */
final class GpuMetricValidator extends ValidatingProcessor<GpuMetric, GpuMemorySample> {
    /** Unit label name. */
    static final String UNIT_LABEL = "unit";
    private static final Map<String, GpuMemorySample.Kind> KINDS = Map.of(
            "DCGM_FI_DEV_FB_TOTAL", GpuMemorySample.Kind.TOTAL,
            "DCGM_FI_DEV_FB_USED", GpuMemorySample.Kind.USED,
            "DCGM_FI_DEV_FB_FREE", GpuMemorySample.Kind.FREE,
            "DCGM_FI_DEV_FB_RESERVED", GpuMemorySample.Kind.RESERVED);
    private static final Map<String, Long> UNITS = Map.of(
            "B", 1L, "bytes", 1L, "KiB", 1L << 10, "MiB", 1L << 20, "GiB", 1L << 30);

    private final List<String> serverLabels;
    private final long maxFutureSkewMillis;

    GpuMetricValidator(String topic, IngestMetrics metrics, List<String> serverLabels, long maxFutureSkewMillis) {
        super(topic, metrics);
        this.serverLabels = List.copyOf(serverLabels);
        this.maxFutureSkewMillis = maxFutureSkewMillis;
    }

    @Override
    Outcome<GpuMemorySample> check(GpuMetric m, String key, long nowMillis) {
        GpuMemorySample.Kind kind = KINDS.get(m.name());
        if (kind == null) {
            return Outcome.skipped("unrelated-metric");
        }
        StringBuilder id = new StringBuilder();
        for (String label : serverLabels) {
            String v = m.labels().get(label);
            if (v == null || v.isEmpty()) {
                return Outcome.invalid(m.name() + ": missing label \"" + label + "\" needed for the server id");
            }
            id.append(id.length() == 0 ? "" : "/").append(v);
        }
        String unit = m.labels().getOrDefault(UNIT_LABEL, "MiB");
        Long factor = UNITS.get(unit);
        if (factor == null) {
            return Outcome.invalid(m.name() + ": unknown unit \"" + unit + "\" (expected one of B, bytes, KiB, MiB, GiB)");
        }
        Optional<String> p = InputLimits.eventTime(m.timestampMillis(), nowMillis, maxFutureSkewMillis);
        if (p.isPresent()) {
            return Outcome.invalid(p.get());
        }
        double value;
        try {
            value = Double.parseDouble(m.value());
        } catch (NumberFormatException e) {
            return Outcome.invalid(m.name() + ": value \"" + m.value() + "\" is not a number");
        }
        double bytes = value * factor;
        if (!(bytes >= 0) || bytes > InputLimits.MAX_MEMORY_BYTES) {
            return Outcome.invalid(m.name() + " of server " + id + ": value must be a finite number of bytes in [0, "
                    + InputLimits.MAX_MEMORY_BYTES + "] (16 TiB), was " + m.value() + " " + unit);
        }
        return Outcome.valid(id.toString(), new GpuMemorySample(kind, Math.round(bytes), m.timestampMillis()));
    }
}
