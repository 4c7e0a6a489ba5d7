package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.chainplan.cli.format.FleetFiles;
import io.chainplan.cli.format.PlanFiles;
import io.chainplan.local.LocalStack;
import io.chainplan.local.registry.EmbeddedSchemaRegistry;
import io.chainplan.optimizer.TestFleets;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.replan.ReplanResult;
import io.chainplan.optimizer.replan.Trigger;
import io.chainplan.optimizer.replan.TriggerKind;
import io.chainplan.optimizer.service.AvroMappers;
import io.chainplan.optimizer.service.OptimizerConfig;
import io.chainplan.ingest.app.IngestApp;
import io.chainplan.ingest.app.IngestConfig;
import io.chainplan.ingest.testing.Events;
import io.chainplan.optimizer.service.OptimizerService;
import io.chainplan.router.client.DispatchClient;
import io.chainplan.router.client.DispatchException;
import io.chainplan.router.client.RemoteLease;
import io.chainplan.router.service.DispatchService;
import io.chainplan.schemas.avro.DemandEstimate;
import io.chainplan.schemas.avro.ServerEstimate;
import io.chainplan.schemas.avro.ServerStatus;
import io.chainplan.router.service.DispatchConfig;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.PlanInputs;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.registry.RestSchemaRegistryClient;
import io.chainplan.schemas.serde.AvroSerializer;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every command that talks to Kafka, run in-process against a SASL_PLAINTEXT listener of the in-process
 * broker (mechanism PLAIN): with the right credentials {@code model put/list}, {@code audit
 * list/show/diff/replay} and {@code schema-registry} work, {@code optimizer} publishes a plan,
 * {@code dispatch} grants and releases a lease on it and {@code ingest} counts events; with a wrong
 * password each of them, and {@code audit serve}, exits 1 with one line saying the cluster refused the
 * credentials and what to check (issue 13).
 */
class CliSaslIT extends CommandTestSupport {
    private static final String USER = "cli";
    /** Longest a command may take to fail: generous, as the machine is often busy (a hang fails the test). */
    private static final Duration LIMIT = Duration.ofMinutes(2);
    @TempDir
    static Path dir;
    private static LocalStack stack;
    private static Path right;
    private static Path wrong;
    private static Path modelFile;

    @BeforeAll
    static void startStack() throws Exception {
        stack = LocalStack.startWithSaslPlain(LocalStack.Settings.ephemeral(dir.resolve("stack")), Map.of(USER, "right"));
        right = config("right");
        wrong = config("wrong");
        modelFile = Files.writeString(dir.resolve("model.json"), "{\"id\": \"llama-sasl\", \"blocks\": 32, "
                + "\"blockBytes\": 437500000, \"cacheBytesPerBlockPerJob\": 33600000}");
    }

    @AfterAll
    static void stopStack() {
        stack.close();
    }

    /** The client settings an operator writes for the secured cluster, plus settings for in-process runs. */
    private static Path config(String password) throws Exception {
        ClientConfig c = stack.saslClientConfig(USER, password)
                .with(OptimizerConfig.METRICS_PORT_CONFIG, "-1")
                .with(DispatchConfig.METRICS_PORT_CONFIG, "-1")
                .with(DispatchConfig.HTTP_HOST_CONFIG, "127.0.0.1")
                .with(DispatchConfig.HTTP_PORT_CONFIG, "0")
                .with(IngestConfig.METRICS_PORT_CONFIG, "-1")
                .with(StreamsConfig.APPLICATION_ID_CONFIG, "cli-sasl-ingest")
                .with(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("ingest-state").toString());
        Properties p = new Properties();
        for (String key : List.of("bootstrap.servers", "security.protocol", "sasl.mechanism", "sasl.jaas.config",
                ClientConfig.SCHEMA_REGISTRY_URL_CONFIG, OptimizerConfig.METRICS_PORT_CONFIG,
                DispatchConfig.METRICS_PORT_CONFIG, DispatchConfig.HTTP_HOST_CONFIG, DispatchConfig.HTTP_PORT_CONFIG,
                IngestConfig.METRICS_PORT_CONFIG, StreamsConfig.APPLICATION_ID_CONFIG, StreamsConfig.STATE_DIR_CONFIG)) {
            p.setProperty(key, c.get(key).orElseThrow());
        }
        Path file = dir.resolve(password + ".properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "SASL_PLAINTEXT, password " + password);
        }
        return file;
    }

    private String printed() {
        String s = out.toString();
        out.getBuffer().setLength(0);
        return s;
    }

    @Test
    void shouldPutListAuditAndServeSchemasWithTheRightCredentials() throws Exception {
        String c = right.toString();
        assertThat(run("model", "put", "--config", c, "--file", modelFile.toString())).as(err.toString()).isZero();
        assertThat(run("model", "list", "--config", c)).as(err.toString()).isZero();
        assertThat(printed()).contains("llama-sasl", "437500000");

        Fleet fleet = TestFleets.paperExample();
        Path fleetFile = dir.resolve("fleet.json");
        FleetFiles.write(fleet, fleetFile);
        assertThat(run("solve", "--fleet", fleetFile.toString(), "--format", "json")).isZero();
        Plan plan = PlanFiles.parse(printed(), "solve output");
        publish(fleet, plan, 1);
        publish(fleet, plan, 2);
        String model = plan.modelId();
        assertThat(run("audit", "list", "--config", c, "--model", model)).as(err.toString()).isZero();
        assertThat(printed()).contains("INITIAL");
        assertThat(run("audit", "show", "--config", c, "--model", model, "2")).as(err.toString()).isZero();
        assertThat(printed()).contains("plan 2 of " + model);
        assertThat(run("audit", "diff", "--config", c, "--model", model, "1", "2")).as(err.toString()).isZero();
        assertThat(printed()).contains("plan 1 -> 2: 0 blocks newly loaded");
        assertThat(run("audit", "replay", "--config", c, "--model", model, "--all")).as(err.toString()).isZero();
        assertThat(printed().lines()).hasSize(2).allSatisfy(l -> assertThat(l).endsWith("identical"));

        SchemaRegistryCommand registry = new SchemaRegistryCommand();
        CompletableFuture<Integer> exit = execute("schema-registry", registry, "--config", c, "--port", "0",
                "--topic", "_schemas_sasl");
        EmbeddedSchemaRegistry served = registry.ready().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        int id = RestSchemaRegistryClient.create(served.url()).register("m-value", ModelSpec.getClassSchema());
        assertThat(RestSchemaRegistryClient.create(served.url()).schemaById(id)).isEqualTo(ModelSpec.getClassSchema());
        registry.requestStop();
        assertThat(exit.get(LIMIT.toSeconds(), TimeUnit.SECONDS)).as(err.toString()).isZero();
    }

    @Test
    void shouldRunTheOptimizerDispatchAndIngestWithTheRightCredentials() throws Exception {
        String c = right.toString();
        String model = "bloom-sasl";
        long now = System.currentTimeMillis();
        // the optimizer's inputs, written through the PLAINTEXT listener as telemetry-ingest would write them
        write(stack.topics().models(), model, ModelSpec.newBuilder().setId(model).setBlocks(70)
                .setBlockBytes(1_320_000_000L).setCacheBytesPerBlockPerJob(110_000_000L).build());
        for (int i = 0; i < 12; i++) {
            String server = String.format(Locale.ROOT, "gpu-%02d", i);
            write(stack.topics().serverEstimates(), server, ServerEstimate.newBuilder().setServerId(server)
                    .setModelId(model).setTimestampMillis(Instant.ofEpochMilli(now))
                    .setMemoryBytes(i < 3 ? 40_000_000_000L : 20_000_000_000L).setCommSeconds(0.05 + 0.01 * i)
                    .setPerBlockComputeSeconds(i < 3 ? 0.109 : 0.175).setStatus(ServerStatus.UP)
                    .setLastSeenMillis(Instant.ofEpochMilli(now)).build());
        }
        write(stack.topics().demandEstimates(), model, DemandEstimate.newBuilder().setModelId(model)
                .setTimestampMillis(Instant.ofEpochMilli(now)).setArrivalRatePerSecond(0.2).setLowerPerSecond(0.19)
                .setUpperPerSecond(0.21).setWindowSeconds(60).setArrivals(100).build());

        OptimizerCommand optimizer = new OptimizerCommand();
        CompletableFuture<Integer> optimizerExit = execute("optimizer", optimizer, "--config", c);
        OptimizerService planning = optimizer.started().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        await("a plan of " + model + " in the audit").atMost(LIMIT).pollInSameThread().until(
                () -> run("audit", "list", "--config", c, "--model", model, "--timeout", "PT10S") == 0
                        && printed().contains(" OK "));

        DispatchCommand dispatch = new DispatchCommand();
        CompletableFuture<Integer> dispatchExit = execute("dispatch", dispatch, "--config", c);
        DispatchService leasing = dispatch.started().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        DispatchClient client = DispatchClient.builder(List.of(leasing.uri())).retryFor(LIMIT).build();
        AtomicReference<RemoteLease> lease = new AtomicReference<>();
        // until the service has read the plan (before, 503 no-plan, which the client does not retry)
        await("a lease").atMost(LIMIT).pollInSameThread().ignoreExceptionsInstanceOf(DispatchException.class)
                .until(() -> lease.compareAndSet(null, client.acquire(model, Duration.ZERO)));
        assertThat(lease.get().planEpoch()).isPositive();
        client.release(lease.get());

        IngestCommand ingest = new IngestCommand();
        CompletableFuture<Integer> ingestExit = execute("ingest", ingest, "--config", c);
        IngestApp app = ingest.started().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        long base = (now - 600_000) / 5_000 * 5_000;
        for (int i = 0; i < 20; i++) {
            write(stack.topics().requests(), model, Events.arrived(model, "r" + i, base + 500L * i, 100));
        }
        await("the events counted").atMost(LIMIT).until(() -> app.metrics().count("chainplan.ingest.records.in",
                "topic", stack.topics().requests()) >= 20);

        planning.close();
        leasing.close();
        app.close();
        for (CompletableFuture<Integer> exit : List.of(optimizerExit, dispatchExit, ingestExit)) {
            assertThat(exit.get(LIMIT.toSeconds(), TimeUnit.SECONDS)).as(err.toString()).isZero();
        }
        assertThat(err.toString()).doesNotContain("refused");
    }

    /**
     * Runs a command on a thread of its own (a long-running one runs until the test stops what it started),
     * its stderr into {@link #err}.
     */
    private CompletableFuture<Integer> execute(String name, Object command, String... args) {
        // under a chainplan parent, so error lines name the whole command as in the jar
        CommandLine cl = new CommandLine(CommandLine.Model.CommandSpec.create().name("chainplan"));
        cl.addSubcommand(name, command);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setErr(new PrintWriter(err, true));
        List<String> line = new ArrayList<>(List.of(name));
        line.addAll(List.of(args));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread t = new Thread(() -> exit.complete(cl.execute(line.toArray(String[]::new))), "chainplan-" + name);
        t.setDaemon(true);
        t.start();
        return exit;
    }

    /** Writes an Avro record through the PLAINTEXT listener (the test's own set-up). */
    private static void write(String topic, String key, SpecificRecord value) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                    new AvroSerializer<SpecificRecord>(stack.schemaRegistryClient(), false).serialize(topic, value))).get();
        }
    }

    /** Writes a recorded plan through the PLAINTEXT listener (the test's own set-up). */
    private static void publish(Fleet fleet, Plan plan, long epoch) throws Exception {
        PlanInputs inputs = PlanInputs.newBuilder()
                .setModel(ModelSpec.newBuilder().setId(fleet.model().id()).setBlocks(fleet.model().blocks())
                        .setBlockBytes(fleet.model().blockBytes())
                        .setCacheBytesPerBlockPerJob(fleet.model().cacheBytesPerBlockPerJob()).build())
                .setServers(fleet.servers().stream().map(AvroMappers::parameters).toList())
                .setArrivalRatePerSecond(fleet.arrivalRatePerSecond()).setTargetLoad(fleet.targetLoad())
                .setObjective("lower-bound").build();
        ChainPlan recorded = AvroMappers.chainPlan(epoch, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(epoch),
                new Trigger(TriggerKind.INITIAL, "sasl test"), inputs, ReplanResult.alone(plan), OptionalLong.empty());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(stack.topics().plans(), plan.modelId().getBytes(StandardCharsets.UTF_8),
                    new AvroSerializer<ChainPlan>(stack.schemaRegistryClient(), false)
                            .serialize(stack.topics().plans(), recorded))).get();
        }
    }

    static Stream<List<String>> kafkaCommands() {
        String m = "paper-example";
        return Stream.of(List.of("model", "put", "--file", "MODEL_FILE"), List.of("model", "list"),
                List.of("audit", "list", "--model", m), List.of("audit", "show", "--model", m, "1"),
                List.of("audit", "diff", "--model", m, "1", "2"), List.of("audit", "replay", "--model", m, "--all"),
                List.of("audit", "serve", "--model", m, "--port", "0"), List.of("optimizer"), List.of("dispatch"),
                List.of("ingest"), List.of("schema-registry", "--port", "0", "--topic", "_schemas_refused"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kafkaCommands")
    void shouldExitOneWithTheRefusalInOneLineOnAWrongPassword(List<String> command) {
        List<String> args = new ArrayList<>(command.stream().map(a -> a.equals("MODEL_FILE") ? modelFile.toString() : a)
                .toList());
        int words = command.get(0).equals("model") || command.get(0).equals("audit") ? 2 : 1;
        args.addAll(words, List.of("--config", wrong.toString()));

        int exit = assertTimeoutPreemptively(LIMIT, () -> run(args.toArray(String[]::new)));

        String name = "chainplan " + String.join(" ", command.subList(0, words));
        List<String> lines = err.toString().lines().toList();
        assertThat(exit).as(err.toString()).isEqualTo(1);
        assertThat(lines).as("one error line, the last").filteredOn(l -> l.startsWith(name + ": ")
                && !l.contains("(Ctrl-C to stop)")).singleElement().isEqualTo(lines.get(lines.size() - 1));
        assertThat(lines.get(lines.size() - 1)).startsWith(name + ": the Kafka cluster refused the credentials")
                .contains("sasl.jaas.config");
        assertThat(out.toString()).as("nothing on stdout, as if the topic were empty").isEmpty();
    }
}
