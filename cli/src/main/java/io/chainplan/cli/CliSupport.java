package io.chainplan.cli;

import io.chainplan.ingest.app.IngestConfig;
import io.chainplan.optimizer.fleets.RttSamples;
import io.chainplan.optimizer.service.OptimizerConfig;
import io.chainplan.router.service.DispatchConfig;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.serde.ClusterRefusal;
import io.chainplan.schemas.serde.RegistryUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.NetworkClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;

/** How the Kafka-facing commands (ingest, optimizer, dispatch, audit, model) load their {@code --config}. */
final class CliSupport {
    private CliSupport() {
    }

    /**
     * @return the definitions of every key chainplan reads, in the order the README lists them:
     *         the client's (Kafka connection, registry, topic prefix), telemetry-ingest's, the optimizer's,
     *         the dispatch service's
     */
    static List<ConfigDef> configDefs() {
        return List.of(ClientConfig.configDef(), IngestConfig.configDef(), OptimizerConfig.configDef(),
                DispatchConfig.configDef());
    }

    /**
     * Loads the file and the {@code CHAINPLAN_*} environment, and checks every chainplan key
     * against all services' definitions, so that one file can serve several commands while a
     * misspelt key fails every one of them.
     *
     * @param file properties file, or null for {@code CHAINPLAN_CONFIG_FILE} / the environment only
     * @return the client config
     * @throws UsageException if the file does not exist
     * @throws org.apache.kafka.common.config.ConfigException naming an unknown key or a bad value (exit code 2)
     */
    static ClientConfig load(Path file) {
        return load(file, System.getenv());
    }

    /**
     * @param file properties file, or null
     * @param env  the environment
     * @return {@link #load(Path)} with this environment
     */
    static ClientConfig load(Path file, Map<String, String> env) {
        if (file != null && !Files.isRegularFile(file)) {
            throw new UsageException("--config: no such file " + file);
        }
        return ClientConfig.load(file, env).requireKnownKeys(IngestConfig.configDef(), OptimizerConfig.configDef(),
                DispatchConfig.configDef());
    }

    /**
     * The failure of a command that could not read a topic because the schema registry is
     * unavailable: one line naming the registry and why, exit code 1. Records that could not be read
     * for that reason are not "unreadable records", and nothing is printed as if the topic were empty.
     *
     * @param client the command's settings
     * @param e      what the reader threw
     * @return the exception to throw
     */
    static IllegalStateException registryUnavailable(ClientConfig client, RegistryUnavailableException e) {
        String cause = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
        return new IllegalStateException("cannot read " + e.topic() + ": schema registry " + client.schemaRegistryUrl()
                + (e.retriable() ? " is unreachable or failing" : " refuses the request") + " (" + cause + ")", e);
    }

    /** How long a command waits for the Kafka cluster to answer before it says it cannot reach it. */
    static final Duration BROKER_PROBE = Duration.ofSeconds(5);

    /**
     * Checks that the cluster answers (its metadata, within {@link #BROKER_PROBE}) before a command reads
     * a topic, so that an unreachable broker is one line naming its address after seconds, not a client
     * timeout without one.
     *
     * @param client the command's settings
     * @throws IllegalStateException naming {@code bootstrap.servers} and its value if the cluster does not answer,
     *                               or the {@link ClusterRefusal} if it refuses the credentials or access
     */
    static void requireBroker(ClientConfig client) {
        Map<String, Object> consumer = new HashMap<>(client.kafkaProperties());
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        new ConsumerConfig(consumer); // a bad client setting is bad input (exit 2), not an unreachable broker
        Map<String, Object> p = new HashMap<>(client.kafkaProperties());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) BROKER_PROBE.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) BROKER_PROBE.toMillis());
        try (LogFile.Quieted quiet = LogFile.quiet(NetworkClient.class.getName()); Admin admin = Admin.create(p)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) BROKER_PROBE.toMillis()))
                    .clusterId().get(BROKER_PROBE.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Kafka at " + client.bootstrapServers(), e);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Optional<ClusterRefusal> refused = ClusterRefusal.in(e);
            if (refused.isPresent()) {
                throw refused.get().failure();
            }
            throw new IllegalStateException("cannot reach Kafka at " + client.bootstrapServers() + " (bootstrap.servers) within "
                    + BROKER_PROBE.toSeconds() + " s; start it (chainplan local --stack-only) or set bootstrap.servers"
                    + " with --config FILE or CHAINPLAN_BOOTSTRAP_SERVERS", e);
        }
    }

    /**
     * RIPE Atlas round-trip times for a generated fleet ({@link RttSamples#load}); when the file is not
     * there (the default {@code ../shared/data/...} is relative to the working directory), one line on the
     * command's stderr says that uniform RTTs are used instead and how to point at the file.
     *
     * @param csv  the {@code --rtt-csv} file
     * @param spec the command, for its name and stderr
     * @return the samples, empty if the file is absent
     * @throws IOException if the file exists but cannot be read
     */
    static List<Double> rttSamples(Path csv, CommandLine.Model.CommandSpec spec) throws IOException {
        List<Double> rtt = RttSamples.load(csv);
        if (rtt.isEmpty()) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": note: no RTT file " + csv + " (from "
                    + Path.of("").toAbsolutePath() + "); using uniform 5-60 ms RTTs; set --rtt-csv PATH");
        }
        return rtt;
    }
}
