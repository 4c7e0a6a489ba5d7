package io.chainplan.local.loop;

import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.RequestEvent;
import io.chainplan.schemas.avro.ServerTelemetry;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Sends the simulated fleet's and router's events to Kafka, Avro in the Confluent wire format:
 * request events on {@code chainplan.requests} (key: model id), telemetry on
 * {@code chainplan.telemetry} (key: server id), and the model spec on {@code chainplan.models}.
 * Record timestamps are the events' virtual timestamps, so event-time windows see simulated time.
 */
public final class KafkaEventSink implements EventSink, AutoCloseable {
    private final Topics topics;
    private final KafkaProducer<String, RequestEvent> requests;
    private final KafkaProducer<String, ServerTelemetry> telemetry;
    private final KafkaProducer<String, ModelSpec> models;

    /**
     * @param kafka    client properties (bootstrap servers, security)
     * @param registry the schema registry
     * @param topics   topic names
     */
    public KafkaEventSink(Map<String, Object> kafka, SchemaRegistry registry, Topics topics) {
        this.topics = topics;
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "chainplan-local-fleet");
        Serde<String> key = Topics.keySerde();
        this.requests = new KafkaProducer<>(p, key.serializer(), Topics.valueSerde(RequestEvent.class, registry).serializer());
        this.telemetry = new KafkaProducer<>(p, key.serializer(),
                Topics.valueSerde(ServerTelemetry.class, registry).serializer());
        this.models = new KafkaProducer<>(p, key.serializer(), Topics.valueSerde(ModelSpec.class, registry).serializer());
    }

    /**
     * Publishes the model spec (and waits for it to be written).
     *
     * @param spec the model
     */
    public void model(ModelSpec spec) {
        try {
            models.send(new ProducerRecord<>(topics.models(), null, spec.getUpdatedAtMillis().toEpochMilli(), spec.getId(),
                    spec)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing the model spec", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot publish the model spec: " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void request(RequestEvent event) {
        requests.send(new ProducerRecord<>(topics.requests(), null, event.getTimestampMillis().toEpochMilli(),
                event.getModelId(), event));
    }

    @Override
    public void telemetry(ServerTelemetry t) {
        telemetry.send(new ProducerRecord<>(topics.telemetry(), null, t.getTimestampMillis().toEpochMilli(),
                t.getServerId(), t));
    }

    /** Sends what is buffered. */
    public void flush() {
        requests.flush();
        telemetry.flush();
    }

    @Override
    public void close() {
        requests.close(Duration.ofSeconds(5));
        telemetry.close(Duration.ofSeconds(5));
        models.close(Duration.ofSeconds(5));
    }
}
