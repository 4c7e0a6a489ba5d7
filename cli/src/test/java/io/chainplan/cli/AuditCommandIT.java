package io.chainplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chainplan.cli.format.FleetFiles;
import io.chainplan.cli.format.PlanFiles;
import io.chainplan.local.LocalStack;
import io.chainplan.optimizer.TestFleets;
import io.chainplan.optimizer.model.Fleet;
import io.chainplan.optimizer.model.Plan;
import io.chainplan.optimizer.replan.ReplanResult;
import io.chainplan.optimizer.replan.Trigger;
import io.chainplan.optimizer.replan.TriggerKind;
import io.chainplan.optimizer.service.AvroMappers;
import io.chainplan.schemas.avro.ChainPlan;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.avro.PlanInputs;
import io.chainplan.schemas.serde.AvroSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chainplan audit show --format json} against a real broker and registry prints, under
 * {@code plan}, exactly what {@code chainplan solve --format json} printed for the same plan; with
 * the registry down, {@code audit list} and {@code audit replay --all} fail with one line naming it
 * instead of listing nothing.
 */
class AuditCommandIT extends CommandTestSupport {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static PlanInputs inputs(Fleet fleet) {
        return PlanInputs.newBuilder()
                .setModel(ModelSpec.newBuilder().setId(fleet.model().id()).setBlocks(fleet.model().blocks())
                        .setBlockBytes(fleet.model().blockBytes())
                        .setCacheBytesPerBlockPerJob(fleet.model().cacheBytesPerBlockPerJob()).build())
                .setServers(fleet.servers().stream().map(AvroMappers::parameters).toList())
                .setArrivalRatePerSecond(fleet.arrivalRatePerSecond()).setTargetLoad(fleet.targetLoad())
                .setObjective("lower-bound").build();
    }

    private String printed() {
        String s = out.toString();
        out.getBuffer().setLength(0);
        return s;
    }

    @Test
    void shouldShowThePlanPartInTheShapeOfSolve() throws Exception {
        Fleet fleet = TestFleets.paperExample();
        Path fleetFile = dir.resolve("fleet.json");
        FleetFiles.write(fleet, fleetFile);
        assertThat(run("solve", "--fleet", fleetFile.toString(), "--format", "json")).isZero();
        String solved = printed();
        Plan plan = PlanFiles.parse(solved, "solve output");

        try (LocalStack stack = LocalStack.start(LocalStack.Settings.ephemeral(dir.resolve("stack")))) {
            ChainPlan recorded = AvroMappers.chainPlan(1, Instant.parse("2026-01-01T00:00:00Z"),
                    new Trigger(TriggerKind.INITIAL, "audit test"), inputs(fleet), ReplanResult.alone(plan),
                    OptionalLong.empty());
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    stack.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                p.send(new ProducerRecord<>(stack.topics().plans(), plan.modelId().getBytes(StandardCharsets.UTF_8),
                        new AvroSerializer<ChainPlan>(stack.schemaRegistryClient(), false)
                                .serialize(stack.topics().plans(), recorded))).get();
            }
            Path config = dir.resolve("client.properties");
            Files.writeString(config, "bootstrap.servers=" + stack.bootstrapServers() + "\nschema.registry.url="
                    + stack.schemaRegistryUrl() + "\n");

            assertThat(run("audit", "show", "--config", config.toString(), "--model", plan.modelId(),
                    "--format", "json", "1")).as(err.toString()).isZero();
        }
        JsonNode shown = JSON.readTree(printed());

        assertThat(shown.get("plan")).isEqualTo(JSON.readTree(solved));
        assertThat(shown.get("epoch").asLong()).isEqualTo(1);
        assertThat(shown.get("trigger").get("kind").asText()).isEqualTo("INITIAL");
        assertThat(shown.get("inputs").get("servers")).hasSize(fleet.servers().size());
        assertThat(shown.get("replaces").isNull()).isTrue();
    }

    @Test
    void shouldExitOneNamingTheRegistryWhenItIsDownInsteadOfListingNothing() throws Exception {
        Fleet fleet = TestFleets.paperExample();
        Path fleetFile = dir.resolve("fleet.json");
        FleetFiles.write(fleet, fleetFile);
        assertThat(run("solve", "--fleet", fleetFile.toString(), "--format", "json")).isZero();
        Plan plan = PlanFiles.parse(printed(), "solve output");
        try (LocalStack stack = LocalStack.start(LocalStack.Settings.ephemeral(dir.resolve("stack")))) {
            ChainPlan recorded = AvroMappers.chainPlan(1, Instant.parse("2026-01-01T00:00:00Z"),
                    new Trigger(TriggerKind.INITIAL, "audit test"), inputs(fleet), ReplanResult.alone(plan),
                    OptionalLong.empty());
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    stack.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                byte[] key = plan.modelId().getBytes(StandardCharsets.UTF_8);
                p.send(new ProducerRecord<>(stack.topics().plans(), key, new AvroSerializer<ChainPlan>(
                        stack.schemaRegistryClient(), false).serialize(stack.topics().plans(), recorded))).get();
                p.send(new ProducerRecord<>(stack.topics().plans(), key, "garbage".getBytes(StandardCharsets.UTF_8))).get();
            }
            Path config = dir.resolve("client.properties");
            Files.writeString(config, "bootstrap.servers=" + stack.bootstrapServers() + "\nschema.registry.url="
                    + stack.schemaRegistryUrl() + "\n");
            String[] list = {"audit", "list", "--config", config.toString(), "--model", plan.modelId()};
            assertThat(run(list)).as(err.toString()).isZero();
            assertThat(printed()).contains("INITIAL");
            assertThat(err.toString()).contains("skipped 1 unreadable records");
            err.getBuffer().setLength(0);

            stack.registry().close();

            assertThat(run(list)).isEqualTo(1);
            assertThat(printed()).isEmpty();
            assertThat(err.toString().lines()).singleElement().asString()
                    .startsWith("chainplan audit list: cannot read " + stack.topics().plans() + ": schema registry "
                            + stack.schemaRegistryUrl() + " is unreachable")
                    .doesNotContain("unreadable");
            err.getBuffer().setLength(0);
            assertThat(run("audit", "replay", "--all", "--config", config.toString(), "--model", plan.modelId())).isEqualTo(1);
            assertThat(err.toString().lines()).singleElement().asString().contains("schema registry " + stack.schemaRegistryUrl());
        }
    }

    @Test
    void shouldServeThePlanPageFromThePlansTopic() throws Exception {
        Fleet fleet = TestFleets.paperExample();
        Path fleetFile = dir.resolve("fleet.json");
        FleetFiles.write(fleet, fleetFile);
        assertThat(run("solve", "--fleet", fleetFile.toString(), "--format", "json")).isZero();
        Plan plan = PlanFiles.parse(printed(), "solve output");
        try (LocalStack stack = LocalStack.start(LocalStack.Settings.ephemeral(dir.resolve("stack")))) {
            ChainPlan recorded = AvroMappers.chainPlan(1, Instant.parse("2026-01-01T00:00:00Z"),
                    new Trigger(TriggerKind.INITIAL, "audit test"), inputs(fleet), ReplanResult.alone(plan),
                    OptionalLong.empty());
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    stack.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                p.send(new ProducerRecord<>(stack.topics().plans(), plan.modelId().getBytes(StandardCharsets.UTF_8),
                        new AvroSerializer<ChainPlan>(stack.schemaRegistryClient(), false)
                                .serialize(stack.topics().plans(), recorded))).get();
            }
            Path config = dir.resolve("client.properties");
            Files.writeString(config, "bootstrap.servers=" + stack.bootstrapServers() + "\nschema.registry.url="
                    + stack.schemaRegistryUrl() + "\n");
            Thread serve = new Thread(() -> run("audit", "serve", "--config", config.toString(), "--model",
                    plan.modelId(), "--port", "0", "--refresh", "PT1S"), "audit-serve");
            serve.start();
            try {
                Pattern address = Pattern.compile("plan page (http://localhost:\\d+/)");
                String found = null;
                while (serve.isAlive() && found == null) {
                    Matcher m = address.matcher(out.toString());
                    if (m.find()) {
                        found = m.group(1);
                    } else {
                        LockSupport.parkNanos(50_000_000L);
                    }
                }
                assertThat(found).as("the address the command prints; " + err).isNotNull();
                URI page = URI.create(found);
                HttpClient http = HttpClient.newHttpClient();
                assertThat(http.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString()).body())
                        .contains("chainplan: plan in force");
                JsonNode doc = JSON.readTree(http.send(HttpRequest.newBuilder(page.resolve("plan.json")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                assertThat(doc.get("model").asText()).isEqualTo(plan.modelId());
                assertThat(doc.get("plan").get("epoch").asLong()).isEqualTo(1);
                assertThat(doc.get("plan").get("placements")).hasSize(plan.placement().servers().size());
                assertThat(doc.get("plan").get("chains")).hasSize(plan.chains().size());
                assertThat(doc.get("history")).singleElement()
                        .satisfies(h -> assertThat(h.get("trigger").asText()).isEqualTo("INITIAL"));
            } finally {
                serve.interrupt();
                serve.join();
            }
        }
    }
}
