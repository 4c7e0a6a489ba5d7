package io.chainplan.local.registry;

import io.chainplan.schemas.config.ClientConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.chainplan.local.registry.EmbeddedSchemaRegistry;
import io.chainplan.schemas.registry.RestSchemaRegistryClient;
import io.chainplan.schemas.registry.SchemaRegistryException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ClientConfig#schemaRegistry()}: basic auth and https trust stores reach the REST client. */
class ClientConfigRegistryTest {
    private static final String STORE_PASSWORD = "changeit";

    @TempDir
    Path dir;

    @Test
    void shouldUseBasicAuthFromTheEnvironment() {
        try (EmbeddedSchemaRegistry server = EmbeddedSchemaRegistry.startInMemory(0, Optional.of("bob:pw"))) {
            ClientConfig config = ClientConfig.load(null, Map.of("CHAINPLAN_SCHEMA_REGISTRY_URL", server.url(),
                    "CHAINPLAN_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "bob:pw"));

            assertThat(config.schemaRegistry().subjects()).isEmpty();
            assertThatThrownBy(() -> RestSchemaRegistryClient.create(server.url()).subjects())
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(401));
        }
    }

    @Test
    void shouldTrustAnHttpsRegistryThroughTheConfiguredTrustStore() throws Exception {
        Path keyStore = selfSignedLocalhostKeyStore();
        HttpsServer https = httpsServer(keyStore);
        try {
            String url = "https://localhost:" + https.getAddress().getPort();
            ClientConfig trusting = ClientConfig.of(Map.of(ClientConfig.SCHEMA_REGISTRY_URL_CONFIG, url,
                    ClientConfig.REGISTRY_TRUSTSTORE_LOCATION_CONFIG, keyStore.toString(),
                    ClientConfig.REGISTRY_TRUSTSTORE_PASSWORD_CONFIG, STORE_PASSWORD,
                    ClientConfig.REGISTRY_TRUSTSTORE_TYPE_CONFIG, "PKCS12"));

            Schema schema = trusting.schemaRegistry().schemaById(7);

            assertThat(schema.getType()).isEqualTo(Schema.Type.STRING);
            assertThatThrownBy(() -> RestSchemaRegistryClient.create(url).schemaById(7))
                    .isInstanceOfSatisfying(SchemaRegistryException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.NO_RESPONSE));
        } finally {
            https.stop(0);
        }
    }

    private Path selfSignedLocalhostKeyStore() throws Exception {
        Path store = dir.resolve("registry.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "registry", "-keyalg", "EC",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", STORE_PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return store;
    }

    private static HttpsServer httpsServer(Path keyStore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, STORE_PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.createContext("/schemas/ids/7", ex -> {
            byte[] body = "{\"schema\": \"\\\"string\\\"\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", EmbeddedSchemaRegistry.CONTENT_TYPE);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }
}
