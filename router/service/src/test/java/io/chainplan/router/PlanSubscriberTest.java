package io.chainplan.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chainplan.router.dispatch.RoutingPlan;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.PlanChain;
import io.chainplan.schemas.avro.PlanHop;
import io.chainplan.schemas.avro.PlanStatus;
import io.chainplan.schemas.serde.AvroSerializer;
import io.chainplan.schemas.serde.RegistryUnavailableException;
import io.chainplan.schemas.serde.Topics;
import io.chainplan.schemas.testing.SampleRecords;
import io.chainplan.schemas.testing.SwitchableRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class PlanSubscriberTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final TopicPartition P0 = new TopicPartition(TOPICS.plans(), 0);

    /** A consumer of the plans topic's one partition, which begins at 0 and ends at {@code end}. */
    private static MockConsumer<byte[], byte[]> plansConsumer(long end) {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.updatePartitions(TOPICS.plans(), List.of(new PartitionInfo(TOPICS.plans(), 0, Node.noNode(), null, null)));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        consumer.updateEndOffsets(Map.of(P0, end));
        return consumer;
    }

    @Test
    void shouldGiveTheDeadLetterProducerEveryClientPropertyIncludingSecurity() {
        Map<String, Object> client = Map.of("bootstrap.servers", "kafka:9093", "security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN", "sasl.jaas.config", "PlainLoginModule required username=\"u\";",
                "ssl.truststore.location", "/etc/kafka/truststore.jks", "client.dns.lookup", "use_all_dns_ips");

        Map<String, Object> p = PlanSubscriber.producerProps(client);

        assertThat(p).containsAllEntriesOf(client).containsEntry("acks", "all");
    }

    @Test
    void shouldKeepThePlanInForceAndDeadLetterNothingWhileTheRegistryIsUnavailable() {
        SwitchableRegistry registry = new SwitchableRegistry();
        MockConsumer<byte[], byte[]> consumer = plansConsumer(0);
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        List<RoutingPlan> applied = new ArrayList<>();
        PlanSubscriber subscriber = PlanSubscriber.builder(Map.of("bootstrap.servers", "unused:9092"), registry, applied::add)
                .clients(p -> consumer, p -> producer).build();
        byte[] plan = new AvroSerializer<ChainPlan>(registry.inner(), false).serialize(TOPICS.plans(), plan(1));
        subscriber.poll(Duration.ZERO);
        registry.failWith(401);
        consumer.addRecord(new ConsumerRecord<>(TOPICS.plans(), 0, 0, "m".getBytes(StandardCharsets.UTF_8), plan));

        assertThatThrownBy(() -> subscriber.poll(Duration.ZERO)).isInstanceOf(RegistryUnavailableException.class);

        assertThat(applied).isEmpty();
        assertThat(producer.history()).isEmpty();
        assertThat(consumer.position(P0)).isZero();
        registry.up();
        consumer.addRecord(new ConsumerRecord<>(TOPICS.plans(), 0, 0, "m".getBytes(StandardCharsets.UTF_8), plan));
        assertThat(subscriber.poll(Duration.ZERO)).isEqualTo(1);
        assertThat(applied).extracting(RoutingPlan::epoch).containsExactly(1L);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldBeCaughtUpOnlyOnceThePlansOnTheTopicAtStartHaveBeenProcessed() {
        SwitchableRegistry registry = new SwitchableRegistry();
        MockConsumer<byte[], byte[]> consumer = plansConsumer(3);
        PlanSubscriber subscriber = PlanSubscriber.builder(Map.of("bootstrap.servers", "unused:9092"), registry, p -> { })
                .clients(p -> consumer, p -> new MockProducer<>(true, null, new ByteArraySerializer(),
                        new ByteArraySerializer())).build();
        byte[] plan = new AvroSerializer<ChainPlan>(registry.inner(), false).serialize(TOPICS.plans(), plan(1));

        assertThat(subscriber.caughtUp()).isFalse();
        subscriber.poll(Duration.ZERO);
        assertThat(subscriber.caughtUp()).as("positioned at the last plan, not yet read").isFalse();
        registry.failWith(503);
        consumer.addRecord(new ConsumerRecord<>(TOPICS.plans(), 0, 2, "m".getBytes(StandardCharsets.UTF_8), plan));
        assertThatThrownBy(() -> subscriber.poll(Duration.ZERO)).isInstanceOf(RegistryUnavailableException.class);
        assertThat(subscriber.caughtUp()).as("the plan was rewound, not processed").isFalse();
        registry.up();
        consumer.addRecord(new ConsumerRecord<>(TOPICS.plans(), 0, 2, "m".getBytes(StandardCharsets.UTF_8), plan));
        subscriber.poll(Duration.ZERO);

        assertThat(subscriber.caughtUp()).isTrue();
        assertThat(subscriber.latest("m")).map(RoutingPlan::epoch).contains(1L);
    }

    @Test
    void shouldStopItsThreadOnceKeepingThePlanInForceWhenTheClusterRefusesAccess() {
        SwitchableRegistry registry = new SwitchableRegistry();
        MockConsumer<byte[], byte[]> consumer = plansConsumer(1);
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(TOPICS.plans(), 0, 0,
                "m".getBytes(StandardCharsets.UTF_8),
                new AvroSerializer<ChainPlan>(registry.inner(), false).serialize(TOPICS.plans(), plan(1)))));
        // the next poll is refused once: a subscriber that retried would poll on and never stop
        consumer.schedulePollTask(() -> consumer.setPollException(new TopicAuthorizationException(Set.of(TOPICS.plans()))));
        List<IllegalStateException> stopped = new CopyOnWriteArrayList<>();
        PlanSubscriber subscriber = PlanSubscriber.builder(Map.of("bootstrap.servers", "unused:9092"), registry,
                new PlanSubscriber.Listener() {
                    @Override
                    public void onPlan(RoutingPlan plan) {
                    }

                    @Override
                    public void onStopped(IllegalStateException failure) {
                        stopped.add(failure);
                    }
                }).clients(p -> consumer, p -> new MockProducer<>(true, null, new ByteArraySerializer(),
                        new ByteArraySerializer())).build();

        subscriber.start();
        await("the subscriber stops").atMost(Duration.ofMinutes(1)).until(() -> subscriber.failure().isPresent());
        subscriber.close();

        assertThat(stopped).singleElement().isSameAs(subscriber.failure().get());
        assertThat(subscriber.failure().get()).hasMessageStartingWith("the Kafka cluster refused access")
                .hasMessageContaining(TOPICS.plans()).hasCauseInstanceOf(TopicAuthorizationException.class);
        assertThat(subscriber.latest("m")).map(RoutingPlan::epoch).contains(1L);
    }

    private static ChainPlan plan(long epoch) {
        PlanChain chain = new PlanChain(List.of(new PlanHop("s001", 0, 16), new PlanHop("s002", 16, 32)), 4, 5.05);
        return ChainPlan.newBuilder(SampleRecords.chainPlan()).setEpoch(epoch).setModelId("m").setStatus(PlanStatus.OK)
                .setReason(null).setChains(List.of(chain)).build();
    }
}
