package io.chainplan.cli;

import io.chainplan.schemas.config.ClientConfig;
import io.chainplan.schemas.registry.RestSchemaRegistryClient;
import io.chainplan.schemas.registry.SchemaRegistry;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared helpers of the Kafka-facing commands (optimizer, audit, model). */
final class CliSupport {
    private CliSupport() {
    }

    /**
     * @param file properties file, or null for {@code CHAINPLAN_CONFIG_FILE} / the environment only
     * @return the client config
     */
    static ClientConfig load(Path file) {
        if (file != null && !Files.isRegularFile(file)) {
            throw new UsageException("--config: no such file " + file);
        }
        return ClientConfig.load(file);
    }

    /**
     * @param client the client config
     * @return a REST registry client for {@code schema.registry.url}
     */
    static SchemaRegistry registry(ClientConfig client) {
        RestSchemaRegistryClient.Builder b = RestSchemaRegistryClient.builder(client.schemaRegistryUrl());
        client.basicAuthUserInfo().ifPresent(b::basicAuth);
        return b.build();
    }
}
