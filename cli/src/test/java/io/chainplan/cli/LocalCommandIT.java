package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.local.LocalStack;
import io.chainplan.schemas.registry.RestSchemaRegistryClient;
import io.chainplan.schemas.serde.AvroSerdes;
import io.chainplan.schemas.testing.SampleRecords;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs {@code chainplan local} in-process on free ports, uses it, and stops it. */
class LocalCommandIT {
    /** Longest wait for a condition: generous, as the machine is often busy (no test depends on its speed). */
    private static final Duration WAIT = Duration.ofMinutes(2);
    @TempDir
    Path dir;

    @Test
    void shouldServeKafkaAndTheRegistryUntilStopped() throws Exception {
        LocalCommand local = new LocalCommand();
        CommandLine cl = commandLine(local);
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("local",
                "--stack-only", "--data-dir", dir.toString(), "--port", "0", "--registry-port", "0"));

        LocalStack stack = local.ready().get(60, TimeUnit.SECONDS);
        Serde<ModelSpec> serde = AvroSerdes.specific(ModelSpec.class,
                RestSchemaRegistryClient.create(stack.schemaRegistryUrl()), false);
        String topic = stack.topics().models();
        produce(stack.bootstrapServers(), topic, serde, SampleRecords.modelSpec());

        assertThat(consume(stack.bootstrapServers(), topic, serde)).containsExactly(SampleRecords.modelSpec());
        assertThat(out.toString()).contains("Kafka bootstrap servers  " + stack.bootstrapServers())
                .contains("schema registry          " + stack.schemaRegistryUrl())
                .contains("chainplan.plans (keep_forever)").containsPattern("ready in \\d+\\.\\d s");

        local.requestStop();
        assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
        assertThat(out.toString()).endsWith("stopped." + System.lineSeparator());
    }

    @Test
    void shouldFailWithOneLineAndExitOneWhenThePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CommandLine cl = commandLine(new LocalCommand());
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err, true));

            int code = cl.execute("local", "--stack-only", "--data-dir", dir.toString(), "--port", Integer.toString(taken.getLocalPort()));

            assertThat(code).isEqualTo(1);
            assertThat(err.toString()).startsWith("chainplan local: Kafka port " + taken.getLocalPort() + " is already in use")
                    .contains("--port 0 for any free port")
                    .hasLineCount(1);
        }
    }

    @Test
    void shouldFailWithOneLineAndExitOneWhenTheDataDirIsUnusable() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("not-a-dir"), "x");
        CommandLine cl = commandLine(new LocalCommand());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));

        int code = cl.execute("local", "--stack-only", "--data-dir", file.toString(), "--port", "0", "--registry-port", "0");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("chainplan local: data dir " + file.resolve("kafka")).hasLineCount(1);
    }

    private static CommandLine commandLine(LocalCommand local) {
        // under a chainplan parent (tests execute "local ..."), so error lines name the whole command as in the jar
        CommandLine top = new CommandLine(CommandLine.Model.CommandSpec.create().name("chainplan"));
        top.addSubcommand("local", local);
        top.setExecutionExceptionHandler(new ErrorHandler());
        return top;
    }

    private static <T> void produce(String bootstrap, String topic, Serde<T> serde, T value) {
        try (KafkaProducer<String, T> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), serde.serializer())) {
            p.send(new ProducerRecord<>(topic, "llama-2-7b", value));
        }
    }

    private static <T> List<T> consume(String bootstrap, String topic, Serde<T> serde) {
        Map<String, Object> c = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "local-it", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(c, new StringDeserializer(), serde.deserializer())) {
            consumer.subscribe(List.of(topic));
            await("a record on " + topic).atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
                        return !out.isEmpty();
                    });
        }
        return out;
    }
}
