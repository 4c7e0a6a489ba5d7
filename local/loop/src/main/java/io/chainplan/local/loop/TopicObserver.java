package io.chainplan.local.loop;

import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.TopicReader;
import io.chainplan.schemas.serde.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches {@code chainplan.plans}, {@code chainplan.demand-estimates} and {@code chainplan.server-estimates}
 * for the console and the summary (the router itself gets its plans from the router library's subscriber):
 * records every plan and server estimate with the virtual time it was seen, and every demand estimate with
 * the true rate at its time.
 * Reads each topic from its beginning through the one reader of the plans topic
 * ({@link TopicReader}: committed records only, as plans are published in transactions); a record
 * that does not decode is logged and skipped. Runs on its own daemon thread; {@link #close()} stops it.
 */
public final class TopicObserver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicObserver.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(25);

    private final TopicReader<ChainPlan> plans;
    private final TopicReader<DemandEstimate> demand;
    private final TopicReader<ServerEstimate> servers;
    private final RunRecorder recorder;
    private final VirtualClock clock;
    private final LoadSource load;
    /** The plans topic's end offsets when the observer was made: plans before them arrived before it watched. */
    private final Map<Integer, Long> plansBeforeStart;
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
        this.plans = fromBeginning(kafka, "plans", topics.plans(),
                Topics.valueSerde(ChainPlan.class, registry).deserializer());
        this.demand = fromBeginning(kafka, "demand", topics.demandEstimates(),
                Topics.valueSerde(DemandEstimate.class, registry).deserializer());
        this.servers = fromBeginning(kafka, "servers", topics.serverEstimates(),
                Topics.valueSerde(ServerEstimate.class, registry).deserializer());
        this.plansBeforeStart = plans.endOffsets(plans.partitions(METADATA_TIMEOUT));
        this.recorder = recorder;
        this.clock = clock;
        this.load = load;
        this.thread = new Thread(this::run, "chainplan-local-observer");
        thread.setDaemon(true);
    }

    static <V> TopicReader<V> fromBeginning(Map<String, Object> kafka, String name, String topic,
            org.apache.kafka.common.serialization.Deserializer<V> values) {
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "chainplan-local-observer-" + name);
        TopicReader<V> reader = TopicReader.open(p, topic, values);
        List<Integer> parts = reader.partitions(METADATA_TIMEOUT);
        reader.seek(reader.beginningOffsets(parts));
        return reader;
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
                drain(plans, (r, p) -> recorder.plan(new RunRecorder.ObservedPlan(arrivedSeconds(r, p), p)));
                drain(demand, (r, d) -> recorder.demand(RunRecorder.observe(d, clock, load)));
                drain(servers, (r, e) -> {
                    if (e != null) {
                        recorder.server(new RunRecorder.ObservedServer(clock.elapsedSeconds(), e));
                    }
                });
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            plans.close(Duration.ofSeconds(2));
            demand.close(Duration.ofSeconds(2));
            servers.close(Duration.ofSeconds(2));
        }
    }

    /**
     * When a plan reached the routers: now for a plan read live; its creation time for one published before the
     * observer started (the first plan comes before the traffic, and the observer starts with the traffic).
     */
    private double arrivedSeconds(ConsumerRecord<byte[], byte[]> r, ChainPlan p) {
        boolean before = r.offset() < plansBeforeStart.getOrDefault(r.partition(), 0L);
        return before ? clock.toVirtualSeconds(p.getCreatedAtMillis().toEpochMilli()) : clock.elapsedSeconds();
    }

    private static <V> void drain(TopicReader<V> reader, BiConsumer<ConsumerRecord<byte[], byte[]>, V> sink) {
        for (TopicReader.Read<V> r : reader.poll(POLL)) {
            try {
                if (r instanceof TopicReader.Value<V> v) {
                    sink.accept(v.record(), v.value());
                } else if (r instanceof TopicReader.Undecodable<V> u) {
                    throw u.error();
                }
            } catch (RuntimeException e) {
                ConsumerRecord<byte[], byte[]> c = r.record();
                LOG.warn("cannot read {}-{}@{}: {}", c.topic(), c.partition(), c.offset(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        plans.wakeup();
        demand.wakeup();
        servers.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
