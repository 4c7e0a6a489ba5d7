package io.chainplan.ingest.topology;

import io.chainplan.schemas.avro.ServerTelemetry;
import io.chainplan.schemas.validate.RecordChecks;
import java.util.Optional;

/** Validates {@code ServerTelemetry} by {@link RecordChecks#serverTelemetry}. */
final class TelemetryValidator extends ValidatingProcessor<ServerTelemetry, ServerTelemetry> {
    private final long maxFutureSkewMillis;

    TelemetryValidator(String topic, IngestMetrics metrics, long maxFutureSkewMillis) {
        super(topic, metrics);
        this.maxFutureSkewMillis = maxFutureSkewMillis;
    }

    @Override
    Outcome<ServerTelemetry> check(ServerTelemetry t, String key, long nowMillis) {
        Optional<String> p = RecordChecks.serverTelemetry(key, t, nowMillis, maxFutureSkewMillis);
        return p.isEmpty() ? Outcome.valid(t.getServerId(), t) : Outcome.invalid(p.get());
    }
}
