package io.chainplan.schemas.config;

import io.chainplan.schemas.registry.RestSchemaRegistryClient;
import io.chainplan.schemas.serde.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Connection settings for a Kafka cluster and a Confluent-compatible schema registry, from a
 * properties file overlaid with {@code CHAINPLAN_*} environment variables.
 * <p>Environment variables: strip {@code CHAINPLAN_}, lower-case, {@code _} becomes {@code .}
 * and {@code __} becomes {@code -}: {@code CHAINPLAN_BOOTSTRAP_SERVERS} is {@code bootstrap.servers},
 * {@code CHAINPLAN_SECURITY_PROTOCOL} is {@code security.protocol},
 * {@code CHAINPLAN_SCHEMA_REGISTRY_URL} is {@code schema.registry.url}. Environment wins over the
 * file. {@code CHAINPLAN_CONFIG_FILE} names the file when none is given.
 * <p>Standard Kafka client properties ({@code security.protocol}, {@code sasl.*}, {@code ssl.*},
 * ...) pass through {@link #kafkaProperties()} untouched; the chainplan keys
 * ({@code schema.registry.*}, {@code topic.prefix}, {@code chainplan.*}) are kept out of it.
 * Immutable.
 */
public final class ClientConfig {
    /** Kafka bootstrap servers. */
    public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    /** Default of {@link #BOOTSTRAP_SERVERS_CONFIG}: the broker of {@code chainplan local}. */
    public static final String BOOTSTRAP_SERVERS_DEFAULT = "localhost:9092";
    /** Schema registry base URL(s), comma-separated; the first is used. */
    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    /** Doc of {@link #SCHEMA_REGISTRY_URL_CONFIG}. */
    public static final String SCHEMA_REGISTRY_URL_DOC = "Base URL of a Confluent-compatible schema registry (default http://localhost:8081).";
    /** Default of {@link #SCHEMA_REGISTRY_URL_CONFIG}: the registry of {@code chainplan local}. */
    public static final String SCHEMA_REGISTRY_URL_DEFAULT = "http://localhost:8081";
    /** Registry basic-auth credentials as {@code user:password}. */
    public static final String BASIC_AUTH_USER_INFO_CONFIG = "schema.registry.basic.auth.user.info";
    /** Doc of {@link #BASIC_AUTH_USER_INFO_CONFIG}. */
    public static final String BASIC_AUTH_USER_INFO_DOC = "user:password for HTTP basic auth against the schema registry.";
    /** Trust store for an https registry (JKS or PKCS12). */
    public static final String REGISTRY_TRUSTSTORE_LOCATION_CONFIG = "schema.registry.ssl.truststore.location";
    /** Password of {@link #REGISTRY_TRUSTSTORE_LOCATION_CONFIG}. */
    public static final String REGISTRY_TRUSTSTORE_PASSWORD_CONFIG = "schema.registry.ssl.truststore.password";
    /** Type of the trust store (default: the JDK default, PKCS12). */
    public static final String REGISTRY_TRUSTSTORE_TYPE_CONFIG = "schema.registry.ssl.truststore.type";
    /** Key store with a client certificate for mutual TLS to the registry. */
    public static final String REGISTRY_KEYSTORE_LOCATION_CONFIG = "schema.registry.ssl.keystore.location";
    /** Password of {@link #REGISTRY_KEYSTORE_LOCATION_CONFIG} and of its key. */
    public static final String REGISTRY_KEYSTORE_PASSWORD_CONFIG = "schema.registry.ssl.keystore.password";
    /** Type of the key store. */
    public static final String REGISTRY_KEYSTORE_TYPE_CONFIG = "schema.registry.ssl.keystore.type";
    /** Topic name prefix (see {@link Topics}). */
    public static final String TOPIC_PREFIX_CONFIG = Topics.TOPIC_PREFIX_CONFIG;
    /** Prefix of the environment variables read. */
    public static final String ENV_PREFIX = "CHAINPLAN_";
    /** Environment variable naming the properties file. */
    public static final String CONFIG_FILE_ENV = "CHAINPLAN_CONFIG_FILE";

    private final Map<String, String> values;

    private ClientConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /**
     * @param values settings, by dotted key
     * @return a config of exactly these settings
     */
    public static ClientConfig of(Map<String, String> values) {
        Objects.requireNonNull(values, "values");
        return new ClientConfig(values);
    }

    /**
     * Loads the file (if any) and overlays the environment.
     *
     * @param file properties file, or null to use {@code CHAINPLAN_CONFIG_FILE} from {@code env} if set
     * @param env  environment variables (normally {@link System#getenv()})
     * @return the config
     * @throws IllegalArgumentException if the file cannot be read
     */
    public static ClientConfig load(Path file, Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        Map<String, String> values = new TreeMap<>();
        Path path = file != null ? file : Optional.ofNullable(env.get(CONFIG_FILE_ENV)).map(Path::of).orElse(null);
        if (path != null) {
            values.putAll(readFile(path));
        }
        values.putAll(fromEnvironment(env));
        return new ClientConfig(values);
    }

    /**
     * @param file properties file, or null
     * @return {@link #load(Path, Map)} with the process environment
     */
    public static ClientConfig load(Path file) {
        return load(file, System.getenv());
    }

    private static Map<String, String> readFile(Path path) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + path + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).trim()));
        return out;
    }

    /**
     * Maps {@code CHAINPLAN_*} variables to dotted keys (class doc); others are ignored.
     *
     * @param env environment variables
     * @return the settings they carry
     */
    public static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && !name.equals(CONFIG_FILE_ENV) && name.length() > ENV_PREFIX.length()) {
                out.put(envToKey(name), value);
            }
        });
        return out;
    }

    /**
     * @param name variable name, e.g. {@code CHAINPLAN_SASL_JAAS_CONFIG}
     * @return the key, e.g. {@code sasl.jaas.config}
     */
    static String envToKey(String name) {
        return name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT)
                .replace("__", "\u0000").replace('_', '.').replace('\u0000', '-');
    }

    /**
     * @param key   setting key
     * @param value its value
     * @return a copy with the setting replaced
     */
    public ClientConfig with(String key, String value) {
        Map<String, String> copy = new TreeMap<>(values);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new ClientConfig(copy);
    }

    /**
     * @param key setting key
     * @return its value, if set
     */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /**
     * @return every setting, sorted by key
     */
    public Map<String, String> all() {
        return values;
    }

    /**
     * @return {@code bootstrap.servers}, default {@value #BOOTSTRAP_SERVERS_DEFAULT}
     */
    public String bootstrapServers() {
        return values.getOrDefault(BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP_SERVERS_DEFAULT);
    }

    /**
     * @return the first URL of {@code schema.registry.url}, default {@value #SCHEMA_REGISTRY_URL_DEFAULT}
     */
    public String schemaRegistryUrl() {
        String urls = values.getOrDefault(SCHEMA_REGISTRY_URL_CONFIG, SCHEMA_REGISTRY_URL_DEFAULT);
        return urls.split(",")[0].trim();
    }

    /**
     * @return {@code user:password} for registry basic auth, if set
     */
    public Optional<String> basicAuthUserInfo() {
        return get(BASIC_AUTH_USER_INFO_CONFIG).filter(s -> !s.isBlank());
    }

    /**
     * A REST client for {@link #schemaRegistryUrl()}, with basic auth if
     * {@value #BASIC_AUTH_USER_INFO_CONFIG} is set and, for https, the trust/key stores of
     * {@code schema.registry.ssl.*} (else the JDK default trust store).
     *
     * @return the client
     * @throws IllegalArgumentException if a store cannot be loaded
     */
    public RestSchemaRegistryClient schemaRegistry() {
        RestSchemaRegistryClient.Builder b = RestSchemaRegistryClient.builder(schemaRegistryUrl());
        basicAuthUserInfo().ifPresent(b::basicAuth);
        if (get(REGISTRY_TRUSTSTORE_LOCATION_CONFIG).isPresent() || get(REGISTRY_KEYSTORE_LOCATION_CONFIG).isPresent()) {
            b.sslContext(sslContext());
        }
        return b.build();
    }

    private SSLContext sslContext() {
        try {
            TrustManagerFactory tmf = null;
            Optional<String> trust = get(REGISTRY_TRUSTSTORE_LOCATION_CONFIG);
            if (trust.isPresent()) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(loadStore(trust.get(), REGISTRY_TRUSTSTORE_PASSWORD_CONFIG, REGISTRY_TRUSTSTORE_TYPE_CONFIG));
            }
            KeyManagerFactory kmf = null;
            Optional<String> keys = get(REGISTRY_KEYSTORE_LOCATION_CONFIG);
            if (keys.isPresent()) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(loadStore(keys.get(), REGISTRY_KEYSTORE_PASSWORD_CONFIG, REGISTRY_KEYSTORE_TYPE_CONFIG),
                        password(REGISTRY_KEYSTORE_PASSWORD_CONFIG));
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS for the schema registry: " + e.getMessage(), e);
        }
    }

    private KeyStore loadStore(String location, String passwordKey, String typeKey) throws GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(get(typeKey).orElse(KeyStore.getDefaultType()));
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            ks.load(in, password(passwordKey));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read key store " + location + ": " + e.getMessage(), e);
        }
        return ks;
    }

    private char[] password(String key) {
        return get(key).map(String::toCharArray).orElse(null);
    }

    /**
     * @return the topic names under {@code topic.prefix} (default {@code chainplan.})
     */
    public Topics topics() {
        return Topics.withPrefix(values.getOrDefault(TOPIC_PREFIX_CONFIG, Topics.DEFAULT_PREFIX));
    }

    /**
     * Properties for a Kafka producer, consumer, admin client or Streams app: every setting except
     * chainplan's own ({@code schema.registry.*}, {@code topic.prefix}, {@code chainplan.*}), with
     * {@code bootstrap.servers} defaulted. Security settings pass through untouched.
     *
     * @return a fresh mutable map
     */
    public Map<String, Object> kafkaProperties() {
        Map<String, Object> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (!isChainplanKey(k)) {
                out.put(k, v);
            }
        });
        out.putIfAbsent(BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP_SERVERS_DEFAULT);
        return out;
    }

    /**
     * @return {@link #kafkaProperties()} as {@link Properties}
     */
    public Properties kafkaPropertiesAsProperties() {
        Properties p = new Properties();
        p.putAll(kafkaProperties());
        return p;
    }

    private static boolean isChainplanKey(String key) {
        return key.startsWith("schema.registry.") || key.equals(TOPIC_PREFIX_CONFIG) || key.startsWith("chainplan.");
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("ClientConfig{");
        values.forEach((k, v) -> b.append(k).append('=').append(isSecret(k) ? "[hidden]" : v).append(", "));
        return b.append('}').toString();
    }

    private static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("user.info") || k.contains("secret");
    }
}
