package io.chainplan.ingest.app;

import static io.chainplan.ingest.testing.Events.arrived;
import static io.chainplan.ingest.testing.Events.model;
import static io.chainplan.ingest.testing.Events.telemetry;
import static org.assertj.core.api.Assertions.assertThat;

import io.chainplan.ingest.topology.IngestSettings;
import io.chainplan.ingest.topology.IngestTopology;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.ServerTelemetry;
import io.chainplan.schemas.registry.InMemorySchemaRegistry;
import io.chainplan.schemas.serde.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code chainplan_ingest_event_time_lag_seconds} through the topology: set by valid records only. */
class EventTimeLagTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final long T0 = 1_700_000_000_000L;
    private static final long DAY = 86_400_000L;
    private static final String MODEL = "llama-2-7b";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, ServerTelemetry> telemetry;
    private TestInputTopic<String, RequestEvent> requests;

    @BeforeEach
    void setUp() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lag-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(IngestTopology.build(TOPICS, registry, IngestSettings.defaults(),
                new MicrometerIngestMetrics(meters, () -> Instant.ofEpochMilli(T0))), props, Instant.ofEpochMilli(T0));
        StringSerializer keys = new StringSerializer();
        telemetry = driver.createInputTopic(TOPICS.telemetry(), keys, Topics.valueSerde(ServerTelemetry.class, registry).serializer());
        requests = driver.createInputTopic(TOPICS.requests(), keys, Topics.valueSerde(RequestEvent.class, registry).serializer());
        driver.createInputTopic(TOPICS.models(), keys, Topics.valueSerde(ModelSpec.class, registry).serializer())
                .pipeInput(MODEL, model(MODEL, 32), T0 - 60_000);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private double lag(String topic) {
        return meters.get("chainplan.ingest.event.time.lag").tag("topic", topic).gauge().value();
    }

    @Test
    void shouldMoveTheLagOnlyWithValidRecordsAndNeverBelowZero() {
        telemetry.pipeInput("s1", telemetry("s1", MODEL, T0 - 5_000, 40L << 30, 0.02, 0.109), T0);
        requests.pipeInput(MODEL, arrived(MODEL, "r1", T0 - 5_000, 100), T0 - 5_000);
        assertThat(lag(TOPICS.telemetry())).isEqualTo(5.0);
        assertThat(lag(TOPICS.requests())).isEqualTo(5.0);

        // rejected (a day ahead, beyond the skew): the gauge stays where it was
        telemetry.pipeInput("s1", telemetry("s1", MODEL, T0 + DAY, 40L << 30, 0.02, 0.109), T0);
        requests.pipeInput(MODEL, arrived(MODEL, "r2", T0 + DAY, 100), T0 + DAY);
        assertThat(lag(TOPICS.telemetry())).isEqualTo(5.0);
        assertThat(lag(TOPICS.requests())).isEqualTo(5.0);

        // valid but ahead of the wall clock (within the skew): counts as now, not as a negative lag
        telemetry.pipeInput("s1", telemetry("s1", MODEL, T0 + 240_000, 40L << 30, 0.02, 0.109), T0 + 240_000);
        assertThat(lag(TOPICS.telemetry())).isZero();
        assertThat(Duration.ofSeconds((long) lag(TOPICS.requests()))).isEqualTo(Duration.ofSeconds(5));
    }
}
