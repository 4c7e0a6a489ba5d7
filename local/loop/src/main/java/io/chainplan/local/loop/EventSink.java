package io.chainplan.local.loop;

import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.ServerTelemetry;

/**
 * Where the simulated fleet and router send their events: Kafka in {@code chainplan local}
 * ({@link KafkaEventSink}), a list in tests. Called from the simulation thread only.
 */
public interface EventSink {
    /**
     * A router's request event (topic {@code chainplan.requests}, key: model id).
     *
     * @param event the event
     */
    void request(RequestEvent event);

    /**
     * A server's telemetry report (topic {@code chainplan.telemetry}, key: server id).
     *
     * @param telemetry the report
     */
    void telemetry(ServerTelemetry telemetry);
}
