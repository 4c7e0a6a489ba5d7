package io.chainplan.cli.local;

import io.chainplan.router.Dispatcher;
import io.chainplan.router.RoutingChain;
import io.chainplan.router.RoutingHop;
import io.chainplan.router.RoutingPlan;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.PlanChain;
import io.chainplan.schemas.avro.PlanStatus;
import io.chainplan.schemas.local.LocalStack;
import io.chainplan.schemas.serde.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds OK plans of one model from {@code chainplan.plans} to a dispatcher (committed records only).
 * Stand-in for the router library's plan subscriber while that is not available.
 */
final class InterimPlanFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InterimPlanFeed.class);
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<ChainPlan> plans;
    private final Dispatcher dispatcher;
    private final Thread thread;
    private volatile boolean running = true;

    private InterimPlanFeed(LocalStack stack, Dispatcher dispatcher) {
        Map<String, Object> p = new HashMap<>(stack.clientConfig().kafkaProperties());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.plans = Topics.valueSerde(ChainPlan.class, stack.schemaRegistryClient()).deserializer();
        this.dispatcher = dispatcher;
        List<TopicPartition> parts = new ArrayList<>();
        consumer.partitionsFor(stack.topics().plans(), Duration.ofSeconds(10))
                .forEach(pi -> parts.add(new TopicPartition(pi.topic(), pi.partition())));
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        this.thread = new Thread(this::run, "chainplan-local-plan-feed");
        thread.setDaemon(true);
    }

    static InterimPlanFeed start(LocalStack stack, Dispatcher dispatcher) {
        InterimPlanFeed f = new InterimPlanFeed(stack, dispatcher);
        f.thread.start();
        return f;
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    apply(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        try {
            ChainPlan plan = plans.deserialize(r.topic(), r.value());
            if (plan.getStatus() == PlanStatus.OK && plan.getModelId().equals(dispatcher.modelId())) {
                dispatcher.apply(routingPlan(plan));
            }
        } catch (RuntimeException e) {
            LOG.warn("plan at {}-{}@{} not applied: {}", r.topic(), r.partition(), r.offset(), e.toString());
        }
    }

    static RoutingPlan routingPlan(ChainPlan plan) {
        List<RoutingChain> chains = new ArrayList<>();
        for (PlanChain c : plan.getChains()) {
            List<RoutingHop> hops = c.getHops().stream()
                    .map(h -> new RoutingHop(h.getServerId(), h.getStartBlock(), h.getEndBlock())).toList();
            chains.add(new RoutingChain(chains.size(), hops, c.getCapacity(), c.getServiceSeconds()));
        }
        return new RoutingPlan(plan.getModelId(), plan.getEpoch(), chains);
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
