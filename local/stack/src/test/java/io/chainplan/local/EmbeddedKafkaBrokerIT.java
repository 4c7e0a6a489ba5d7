package io.chainplan.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {
    /** Longest wait for a condition: generous, as the machine is often busy (no test depends on its speed). */
    private static final Duration WAIT = Duration.ofMinutes(2);
    @TempDir
    Path dir;

    @Test
    void shouldCommitTransactionsAndKeepDataAcrossRestart() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0)) {
            assertThat(broker.port()).isPositive();
            try (KafkaProducer<String, String> producer = transactionalProducer(broker)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("t", "k", "committed"));
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("t", "k", "aborted"));
                producer.flush();
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("t", "k", "committed-2"));
                producer.commitTransaction();
            }
            assertThat(readAll(broker, "t", 2)).containsExactly("committed", "committed-2");
        }

        try (EmbeddedKafkaBroker again = EmbeddedKafkaBroker.start(dir, 0)) {
            assertThat(readAll(again, "t", 2)).containsExactly("committed", "committed-2");
        }
    }

    @Test
    void shouldRefuseAPortInUseWithOneClearLine() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("a"), 0)) {
            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(dir.resolve("b"), broker.port()))
                    .isInstanceOf(LocalStackException.class)
                    .hasMessageStartingWith("Kafka port " + broker.port() + " is already in use")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void shouldRefuseADataDirThatCannotBeCreated() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");

        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(file.resolve("data"), 0))
                .isInstanceOf(LocalStackException.class)
                .hasMessageContaining("data dir " + file.resolve("data").resolve("kafka"));
    }

    static KafkaProducer<String, String> transactionalProducer(EmbeddedKafkaBroker broker) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-tx");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    static List<String> readAll(EmbeddedKafkaBroker broker, String topic, int expected) {
        Map<String, Object> c = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "g-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await(expected + " records on " + topic).atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
                        return out.size() >= expected;
                    });
        }
        return out;
    }
}
