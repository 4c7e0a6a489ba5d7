package io.chainplan.local.registry;

import io.chainplan.schemas.registry.CompatibilityLevel;
import io.chainplan.schemas.registry.RegisteredSchema;
import io.chainplan.schemas.registry.RegistryState;
import io.chainplan.schemas.registry.SchemaRegistryException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the registry in a compacted, single-partition Kafka topic (default {@code _schemas}) using
 * the Confluent Schema Registry's record layout: key
 * {@code {"keytype":"SCHEMA","subject":s,"version":v,"magic":1}} with value
 * {@code {"subject":s,"version":v,"id":n,"schema":"...","deleted":false}}, and key
 * {@code {"keytype":"CONFIG","subject":s|null,"magic":0}} with value {@code {"compatibilityLevel":"..."}}.
 * Writes are acknowledged by all in-sync replicas before the registry answers.
 */
final class KafkaSchemaStore implements SchemaStore {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final Map<String, Object> clientProps;
    private final KafkaProducer<String, String> producer;

    KafkaSchemaStore(Map<String, Object> clientProps, String topic) {
        this.topic = topic;
        this.clientProps = Map.copyOf(clientProps);
        ensureTopic();
        Map<String, Object> p = new java.util.HashMap<>(clientProps);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "chainplan-schema-registry");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private void ensureTopic() {
        Map<String, Object> p = new java.util.HashMap<>(clientProps);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        try (Admin admin = Admin.create(p)) {
            NewTopic t = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact"));
            admin.createTopics(List.of(t)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw storeError("cannot create topic " + topic, e.getCause());
            }
        } catch (TimeoutException e) {
            throw storeError("cannot create topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw storeError("interrupted creating topic " + topic, e);
        }
    }

    @Override
    public void replay(RegistryState state) {
        Map<String, Object> p = new java.util.HashMap<>(clientProps);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "chainplan-schema-registry-reader");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        TopicPartition tp = new TopicPartition(topic, 0);
        int count = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(tp, TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw storeError("timed out reading " + topic, null);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    count += apply(state, r) ? 1 : 0;
                }
            }
        }
        LOG.info("schema registry restored {} records from {}", count, topic);
    }

    private boolean apply(RegistryState state, ConsumerRecord<String, String> r) {
        if (r.key() == null || r.value() == null) {
            return false;
        }
        try {
            JsonNode key = JSON.readTree(r.key());
            JsonNode value = JSON.readTree(r.value());
            String type = key.path("keytype").asText();
            if (type.equals("SCHEMA") && !value.path("deleted").asBoolean(false)) {
                Schema schema = new Schema.Parser().parse(value.get("schema").asText());
                state.apply(new RegisteredSchema(value.get("subject").asText(), value.get("version").asInt(),
                        value.get("id").asInt(), schema));
                return true;
            }
            if (type.equals("CONFIG")) {
                String subject = key.path("subject").isTextual() ? key.get("subject").asText() : null;
                state.setLevel(subject, CompatibilityLevel.parse(value.get("compatibilityLevel").asText()));
                return true;
            }
        } catch (Exception e) {
            LOG.warn("skipping unreadable record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
        }
        return false;
    }

    @Override
    public void appendSchema(RegisteredSchema s) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", s.subject())
                .put("version", s.version()).put("magic", 1);
        ObjectNode value = JSON.createObjectNode().put("subject", s.subject()).put("version", s.version())
                .put("id", s.id()).put("schema", s.schema().toString()).put("deleted", false);
        send(key, value);
    }

    @Override
    public void appendConfig(String subject, CompatibilityLevel level) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG").put("subject", subject).put("magic", 0);
        ObjectNode value = JSON.createObjectNode().put("compatibilityLevel", level.name());
        send(key, value);
    }

    private void send(ObjectNode key, ObjectNode value) {
        try {
            producer.send(new ProducerRecord<>(topic, 0, key.toString(), value.toString()))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw storeError("cannot write to " + topic, e.getCause());
        } catch (TimeoutException e) {
            throw storeError("timed out writing to " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw storeError("interrupted writing to " + topic, e);
        }
    }

    private static SchemaRegistryException storeError(String message, Throwable cause) {
        String detail = cause == null ? "" : ": " + cause.getMessage();
        return new SchemaRegistryException(SchemaRegistryException.STORE_ERROR, message + detail, cause);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
