package io.chainplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chainplan.optimizer.audit.AvroJson;
import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.registry.SchemaRegistry;
import io.chainplan.schemas.serde.AvroDeserializer;
import io.chainplan.schemas.serde.AvroSerializer;
import io.chainplan.schemas.serde.RegistryUnavailableException;
import io.chainplan.schemas.serde.TopicReader;
import io.chainplan.schemas.validate.InputLimits;
import io.chainplan.schemas.validate.RecordChecks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chainplan model put --file FILE} / {@code chainplan model list}: the model specs topic. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Publish or list model specs.",
        subcommands = {ModelCommand.Put.class, ModelCommand.ListModels.class})
final class ModelCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code model put}: the file is the {@code model} object of a fleet file (DESIGN.md §4.1), or a
     * fleet file (its {@code model} is used): id, blocks, blockBytes, cacheBytesPerBlockPerJob, and
     * optionally contextTokens, meanInputTokens, meanOutputTokens.
     */
    @Command(name = "put", mixinStandardHelpOptions = true, description = "Publish a model spec (JSON) keyed by its id.")
    static final class Put implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", description = "Properties file (Kafka client + registry).")
        Path config;

        @Option(names = "--file", required = true, paramLabel = "FILE", description = "Model spec JSON.")
        Path file;

        @CommandLine.Mixin

        VerboseOption verbose;

        @Override
        public Integer call() throws Exception {
            ModelSpec m = parse(file);
            ClientConfig client = CliSupport.load(config);
            CliSupport.requireBroker(client);
            String topic = client.topics().models();
            Map<String, Object> props = new HashMap<>(client.kafkaProperties());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                byte[] value = new AvroSerializer<ModelSpec>(client.schemaRegistry(), false).serialize(topic, m);
                p.send(new ProducerRecord<>(topic, m.getId().getBytes(StandardCharsets.UTF_8), value)).get();
            }
            spec.commandLine().getOut().println("published model " + m.getId() + " to " + topic);
            return 0;
        }

        static ModelSpec parse(Path file) {
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(Files.readString(file));
            } catch (IOException e) {
                throw new UsageException("--file " + file + ": " + e.getMessage());
            }
            JsonNode n = root.has("model") ? root.get("model") : root;
            ModelSpec.Builder b = ModelSpec.newBuilder()
                    .setId(text(n, "id")).setBlocks(integer(n, "blocks", InputLimits.blocks("model field blocks",
                            number(n, "blocks"))))
                    .setBlockBytes(number(n, "blockBytes")).setCacheBytesPerBlockPerJob(number(n, "cacheBytesPerBlockPerJob"))
                    .setUpdatedAtMillis(Instant.now());
            if (n.has("contextTokens")) {
                b.setContextTokens(integer(n, "contextTokens", InputLimits.contextTokens("model field contextTokens",
                        number(n, "contextTokens"))));
            }
            if (n.has("meanInputTokens")) {
                b.setMeanInputTokens(real(n, "meanInputTokens"));
            }
            if (n.has("meanOutputTokens")) {
                b.setMeanOutputTokens(real(n, "meanOutputTokens"));
            }
            if (n.hasNonNull("declaredRatePerSecond")) {
                b.setDeclaredRatePerSecond(real(n, "declaredRatePerSecond"));
            }
            ModelSpec m = b.build();
            RecordChecks.modelSpec(m.getId(), m).ifPresent(problem -> {
                throw new UsageException("--file " + file + ": " + problem);
            });
            return m;
        }

        private static String text(JsonNode n, String field) {
            if (!n.hasNonNull(field) || !n.get(field).isTextual()) {
                throw new UsageException("model field " + field + " is missing or not a string");
            }
            return n.get(field).asText();
        }

        /** The field as an int, refused (not truncated) when its range check fails. */
        private static int integer(JsonNode n, String field, Optional<String> rangeProblem) {
            rangeProblem.ifPresent(p -> {
                throw new UsageException(p);
            });
            return (int) number(n, field);
        }

        private static double real(JsonNode n, String field) {
            if (!n.get(field).isNumber()) {
                throw new UsageException("model field " + field + " is not a number");
            }
            return n.get(field).asDouble();
        }

        private static long number(JsonNode n, String field) {
            if (!n.hasNonNull(field) || !n.get(field).isIntegralNumber() || !n.get(field).canConvertToLong()) {
                throw new UsageException("model field " + field + " is missing or not an integer");
            }
            return n.get(field).asLong();
        }
    }

    /**
     * {@code model list}: the latest spec of every model, read to the end of the (compacted) models
     * topic. A spec that does not decode is skipped and counted on stderr (the optimizer dead-letters
     * it); a schema registry that cannot serve the specs is a failure (exit 1, one line naming it).
     */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the latest spec of every model.")
    static final class ListModels implements Callable<Integer> {
        private static final Duration TIMEOUT = Duration.ofSeconds(60);

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", description = "Properties file (Kafka client + registry).")
        Path config;

        @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT", description = "table or json.")
        String format;

        @CommandLine.Mixin

        VerboseOption verbose;

        @Override
        public Integer call() throws Exception {
            ClientConfig client = CliSupport.load(config);
            CliSupport.requireBroker(client);
            Map<String, ModelSpec> latest;
            try {
                latest = read(client, client.schemaRegistry());
            } catch (RegistryUnavailableException e) {
                throw CliSupport.registryUnavailable(client, e);
            }
            if (format.equals("json")) {
                var a = new ObjectMapper().createArrayNode();
                latest.values().forEach(m -> a.add(AvroJson.of(m)));
                spec.commandLine().getOut().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(a));
                return 0;
            }
            spec.commandLine().getOut().printf("%-20s %6s %14s %14s %8s %9s%n", "id", "blocks", "blockBytes", "cacheBytes",
                    "context", "declared");
            latest.values().forEach(m -> spec.commandLine().getOut().printf(Locale.ROOT, "%-20s %6d %14d %14d %8d %9s%n",
                    m.getId(), m.getBlocks(), m.getBlockBytes(), m.getCacheBytesPerBlockPerJob(), m.getContextTokens(),
                    m.getDeclaredRatePerSecond() == null ? "-" : String.format(Locale.ROOT, "%.3g/s", m.getDeclaredRatePerSecond())));
            return 0;
        }

        private Map<String, ModelSpec> read(ClientConfig client, SchemaRegistry registry) {
            String topic = client.topics().models();
            Map<String, ModelSpec> latest = new TreeMap<>();
            int unreadable = 0;
            try (TopicReader<ModelSpec> reader = TopicReader.open(client.kafkaProperties(), topic,
                    new AvroDeserializer<>(ModelSpec.class, registry))) {
                for (TopicReader.Read<ModelSpec> r : reader.readToEnd(k -> true, TIMEOUT).reads()) {
                    if (r instanceof TopicReader.Value<ModelSpec> v) {
                        latest.put(r.key(), v.value());
                    } else if (r instanceof TopicReader.Tombstone<ModelSpec>) {
                        latest.remove(r.key());
                    } else {
                        unreadable++;
                    }
                }
            }
            if (unreadable > 0) {
                spec.commandLine().getErr().println("chainplan model list: skipped " + unreadable + " unreadable records");
            }
            return latest;
        }
    }
}
