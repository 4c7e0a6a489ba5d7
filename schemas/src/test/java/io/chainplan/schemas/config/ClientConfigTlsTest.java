package io.chainplan.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.chainplan.schemas.registry.SchemaRegistryException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClientConfig#schemaRegistry()} against real HTTPS endpoints (the JDK's {@link HttpsServer}
 * with self-signed certificates made by {@code keytool}): the configured trust store makes the
 * client trust the registry, and without it the JDK default trust store refuses it; the configured
 * key store gives the client certificate a mutual-TLS registry requires.
 */
class ClientConfigTlsTest {
    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;

    private static Path serverKeys;
    private static Path clientTrust;
    private static Path clientKeys;
    private static HttpsServer https;
    private static HttpsServer mutualTls;

    @BeforeAll
    static void startRegistries() throws Exception {
        serverKeys = dir.resolve("server.p12");
        clientTrust = dir.resolve("client-trust.p12");
        clientKeys = dir.resolve("client.p12");
        selfSigned(serverKeys, "registry", "CN=localhost");
        trustCertificateOf(serverKeys, "registry", clientTrust);
        selfSigned(clientKeys, "client", "CN=chainplan-client");
        https = registry(serverKeys, null);
        // the JDK trusts the certificate of a key entry, so the stub trusts the client's key store itself
        mutualTls = registry(serverKeys, clientKeys);
    }

    @AfterAll
    static void stopRegistries() {
        https.stop(0);
        mutualTls.stop(0);
    }

    @Test
    void shouldTrustAnHttpsRegistryThroughTheConfiguredTrustStore() {
        ClientConfig config = ClientConfig.of(settings(https, clientTrust, null));

        Schema schema = config.schemaRegistry().schemaById(7);

        assertThat(schema.getType()).isEqualTo(Schema.Type.STRING);
    }

    @Test
    void shouldRefuseASelfSignedRegistryWithoutTheTrustStore() {
        ClientConfig config = ClientConfig.of(settings(https, null, null));

        assertThatThrownBy(() -> config.schemaRegistry().schemaById(7))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.NO_RESPONSE))
                .cause().isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void shouldPresentTheConfiguredClientCertificateToAMutualTlsRegistry() {
        ClientConfig withKeys = ClientConfig.of(settings(mutualTls, clientTrust, clientKeys));
        ClientConfig withoutKeys = ClientConfig.of(settings(mutualTls, clientTrust, null));

        assertThat(withKeys.schemaRegistry().schemaById(7).getType()).isEqualTo(Schema.Type.STRING);
        assertThatThrownBy(() -> withoutKeys.schemaRegistry().schemaById(7))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.NO_RESPONSE));
    }

    @Test
    void shouldNameTheKeyOfAStoreThatCannotBeRead() {
        Map<String, String> s = settings(https, dir.resolve("missing.p12"), null);

        assertThatThrownBy(() -> ClientConfig.of(s).schemaRegistry())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(ClientConfig.REGISTRY_TRUSTSTORE_LOCATION_CONFIG).hasMessageContaining("missing.p12");
    }

    private static Map<String, String> settings(HttpsServer server, Path trustStore, Path keyStore) {
        Map<String, String> m = new TreeMap<>();
        m.put(ClientConfig.SCHEMA_REGISTRY_URL_CONFIG, "https://localhost:" + server.getAddress().getPort());
        if (trustStore != null) {
            m.put(ClientConfig.REGISTRY_TRUSTSTORE_LOCATION_CONFIG, trustStore.toString());
            m.put(ClientConfig.REGISTRY_TRUSTSTORE_PASSWORD_CONFIG, PASSWORD);
            m.put(ClientConfig.REGISTRY_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        }
        if (keyStore != null) {
            m.put(ClientConfig.REGISTRY_KEYSTORE_LOCATION_CONFIG, keyStore.toString());
            m.put(ClientConfig.REGISTRY_KEYSTORE_PASSWORD_CONFIG, PASSWORD);
        }
        return m;
    }

    private static void selfSigned(Path store, String alias, String dname) throws Exception {
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-dname", dname, "-ext", "SAN=dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD);
    }

    private static void trustCertificateOf(Path keyStore, String alias, Path trustStore) throws Exception {
        Path cert = dir.resolve(alias + ".crt");
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trustStore.toString(), "-storepass", PASSWORD);
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    /** A registry stub serving schema 7 ({@code "string"}) over HTTPS; with a trust store, it requires a client certificate. */
    private static HttpsServer registry(Path keyStore, Path clientTrustStore) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keyStore), PASSWORD.toCharArray());
        TrustManagerFactory tmf = null;
        if (clientTrustStore != null) {
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(clientTrustStore));
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        boolean needClientAuth = clientTrustStore != null;
        server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = getSSLContext().getDefaultSSLParameters();
                p.setNeedClientAuth(needClientAuth);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/schemas/ids/7", ex -> {
            byte[] body = "{\"schema\": \"\\\"string\\\"\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    private static KeyStore load(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }
}
