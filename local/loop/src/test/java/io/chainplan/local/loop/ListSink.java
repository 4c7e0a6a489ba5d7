package io.chainplan.local.loop;

import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.ServerTelemetry;
import java.util.ArrayList;
import java.util.List;

/** An {@link EventSink} that keeps everything in lists. */
final class ListSink implements EventSink {
    final List<RequestEvent> requests = new ArrayList<>();
    final List<ServerTelemetry> telemetry = new ArrayList<>();

    @Override
    public void request(RequestEvent event) {
        requests.add(event);
    }

    @Override
    public void telemetry(ServerTelemetry t) {
        telemetry.add(t);
    }
}
