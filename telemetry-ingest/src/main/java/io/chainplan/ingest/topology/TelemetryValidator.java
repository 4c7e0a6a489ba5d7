package io.chainplan.ingest.topology;

import io.chainplan.schemas.avro.ServerTelemetry;

/**
 * Validates {@code ServerTelemetry}: key equals server id; event time not negative nor too far in
 * the future; total memory positive; used memory, when present, in {@code [0, total]}; declared
 * timings, when present, finite and not negative.
 */
final class TelemetryValidator extends ValidatingProcessor<ServerTelemetry, ServerTelemetry> {
    private final long maxFutureSkewMillis;

    TelemetryValidator(String topic, IngestMetrics metrics, long maxFutureSkewMillis) {
        super(topic, metrics);
        this.maxFutureSkewMillis = maxFutureSkewMillis;
    }

    @Override
    Outcome<ServerTelemetry> check(ServerTelemetry t, String key, long nowMillis) {
        String server = t.getServerId();
        if (server == null || server.isEmpty()) {
            return Outcome.invalid("serverId must not be empty");
        }
        if (!server.equals(key)) {
            return Outcome.invalid("record key \"" + key + "\" must equal serverId \"" + server + "\"");
        }
        String p = timeProblem(t.getTimestampMillis().toEpochMilli(), nowMillis, maxFutureSkewMillis);
        if (p == null && t.getTotalMemoryBytes() <= 0) {
            p = "totalMemoryBytes must be > 0, was " + t.getTotalMemoryBytes();
        }
        Long used = t.getUsedMemoryBytes();
        if (p == null && used != null && (used < 0 || used > t.getTotalMemoryBytes())) {
            p = "usedMemoryBytes must be in [0, totalMemoryBytes=" + t.getTotalMemoryBytes() + "], was " + used;
        }
        if (p == null && t.getDeclaredCommSeconds() != null) {
            p = secondsProblem(t.getDeclaredCommSeconds(), "declaredCommSeconds");
        }
        if (p == null && t.getDeclaredPerBlockComputeSeconds() != null) {
            p = secondsProblem(t.getDeclaredPerBlockComputeSeconds(), "declaredPerBlockComputeSeconds");
        }
        return p == null ? Outcome.valid(server, t) : Outcome.invalid(p);
    }
}
