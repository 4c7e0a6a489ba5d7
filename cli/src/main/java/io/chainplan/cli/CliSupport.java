package io.chainplan.cli;

import io.chainplan.ingest.app.IngestConfig;
import io.chainplan.optimizer.service.OptimizerConfig;
import io.chainplan.router.service.DispatchConfig;
import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.serde.RegistryUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

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
}
