package io.chainplan.local.loop;

import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches {@code chainplan.plans} and {@code chainplan.demand-estimates} for the console and the
 * summary (the router itself gets its plans from the router library's subscriber): records every
 * plan with the virtual time it was seen, and every demand estimate with the true rate at its time.
 * Reads committed records only ({@code read_committed}, as plans are published in transactions).
 * Runs on its own daemon thread; {@link #close()} stops it.
 */
public final class TopicObserver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicObserver.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topics topics;
    private final Deserializer<ChainPlan> plans;
    private final Deserializer<DemandEstimate> demand;
    private final RunRecorder recorder;
    private final VirtualClock clock;
    private final LoadSource load;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param kafka    client properties
     * @param registry the schema registry
     * @param topics   topic names
     * @param recorder where observations go
     * @param clock    the run's clock
     * @param load     the load (true rates)
     */
    public TopicObserver(Map<String, Object> kafka, SchemaRegistry registry, Topics topics, RunRecorder recorder,
            VirtualClock clock, LoadSource load) {
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "chainplan-local-observer");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topics = topics;
        this.plans = Topics.valueSerde(ChainPlan.class, registry).deserializer();
        this.demand = Topics.valueSerde(DemandEstimate.class, registry).deserializer();
        this.recorder = recorder;
        this.clock = clock;
        this.load = load;
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(topics.plans(), topics.demandEstimates())) {
            for (PartitionInfo pi : consumer.partitionsFor(t, Duration.ofSeconds(10))) {
                parts.add(new TopicPartition(t, pi.partition()));
            }
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        this.thread = new Thread(this::run, "chainplan-local-observer");
        thread.setDaemon(true);
    }

    /**
     * Starts watching.
     *
     * @return this
     */
    public TopicObserver start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    handle(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        try {
            if (r.topic().equals(topics.plans())) {
                recorder.plan(new RunRecorder.ObservedPlan(clock.elapsedSeconds(), plans.deserialize(r.topic(), r.value())));
            } else {
                recorder.demand(RunRecorder.observe(demand.deserialize(r.topic(), r.value()), clock, load));
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot read {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
