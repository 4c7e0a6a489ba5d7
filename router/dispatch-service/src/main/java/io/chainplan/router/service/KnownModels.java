package io.chainplan.router.service;

import io.chainplan.schemas.serde.ClusterRefusal;
import io.chainplan.schemas.serde.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The model ids with a spec on the compacted {@code chainplan.models} topic, followed on a daemon thread:
 * how the service tells an unknown model ({@code 404}) from a model without a plan yet ({@code 503}).
 * Only keys are read (a tombstone removes its model); specs are the optimizer's business. If the
 * cluster refuses the credentials or access ({@link ClusterRefusal}), the thread stops and hands the
 * refusal to the service, which stops.
 * <p>Thread-safe.
 */
final class KnownModels implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final Consumer<IllegalStateException> refused;
    private final Thread thread;
    private volatile boolean caughtUp;
    private volatile boolean closed;

    /**
     * @param kafka    Kafka client properties
     * @param topics   topic names
     * @param clientId prefix of the consumer's client id
     * @param refused  called once, on the reading thread, if the cluster refuses the credentials or access
     */
    KnownModels(Map<String, Object> kafka, Topics topics, String clientId, Consumer<IllegalStateException> refused) {
        this.refused = refused;
        Map<String, Object> p = new HashMap<>(kafka);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-models");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topics.models();
        this.thread = new Thread(this::run, "chainplan-dispatch-models");
        this.thread.setDaemon(true);
    }

    /** @return this, reading from now on */
    KnownModels start() {
        thread.start();
        return this;
    }

    /**
     * @param modelId a model id
     * @return whether it has a spec
     */
    boolean contains(String modelId) {
        return ids.contains(modelId);
    }

    /**
     * @return whether every spec that was on the topic when reading began has been read: until then a
     *         model not {@linkplain #contains contained} may only not have been read yet
     */
    boolean caughtUp() {
        return caughtUp;
    }

    private void run() {
        try {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.key() == null) {
                        continue;
                    }
                    String id = new String(r.key(), StandardCharsets.UTF_8);
                    if (r.value() == null) {
                        ids.remove(id);
                    } else {
                        ids.add(id);
                    }
                }
                if (!caughtUp) {
                    caughtUp = end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                }
            }
        } catch (WakeupException e) {
            if (!closed) {
                throw e;
            }
        } catch (RuntimeException e) {
            Optional<ClusterRefusal> refusal = ClusterRefusal.in(e);
            if (refusal.isEmpty()) {
                throw e;
            }
            refused.accept(refusal.get().failure());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
