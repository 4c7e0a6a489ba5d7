package io.chainplan.schemas.config;

import io.chainplan.schemas.registry.RestSchemaRegistryClient;
import io.chainplan.schemas.serde.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Connection settings for a Kafka cluster and a Confluent-compatible schema registry, from a
 * properties file overlaid with {@code CHAINPLAN_*} environment variables.
 * <p>Environment variables: strip {@code CHAINPLAN_}, lower-case, {@code _} becomes {@code .}
 * and {@code __} becomes {@code -}: {@code CHAINPLAN_BOOTSTRAP_SERVERS} is {@code bootstrap.servers},
 * {@code CHAINPLAN_SECURITY_PROTOCOL} is {@code security.protocol},
 * {@code CHAINPLAN_SCHEMA_REGISTRY_URL} is {@code schema.registry.url}. Environment wins over the
 * file. {@code CHAINPLAN_CONFIG_FILE} names the file when none is given.
 * <p>Its own keys are defined once, with type, default, validator and doc, in {@link #configDef()}
 * (Kafka's {@link ConfigDef}); they are parsed when the config is made, so a bad value or an unknown
 * {@code schema.registry.*} or {@code topic.prefix}-like key fails at once with a
 * {@link ConfigException} naming the key ({@link ConfigKeys}). Standard Kafka client properties
 * ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, ...) pass through
 * {@link #kafkaProperties()} untouched; the chainplan keys ({@code schema.registry.*},
 * {@code topic.prefix}, {@code chainplan.*}) are kept out of it. The services' {@code chainplan.*}
 * keys are defined and checked by their own configs; {@link #requireKnownKeys} checks every
 * chainplan key against all of them. Immutable.
 */
public final class ClientConfig {
    /** Kafka bootstrap servers. */
    public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    /** Doc of {@link #BOOTSTRAP_SERVERS_CONFIG}. */
    public static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers to connect to, host:port, comma-separated (passed on "
            + "to every Kafka client).";
    /** Default of {@link #BOOTSTRAP_SERVERS_CONFIG}: the broker of {@code chainplan local}. */
    public static final String BOOTSTRAP_SERVERS_DEFAULT = "localhost:9092";
    /** Schema registry base URL(s), comma-separated; the first is used. */
    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    /** Doc of {@link #SCHEMA_REGISTRY_URL_CONFIG}. */
    public static final String SCHEMA_REGISTRY_URL_DOC = "Base URL of a Confluent-compatible schema registry "
            + "(chainplan speaks its REST API and wire format); of a comma-separated list the first is used.";
    /** Default of {@link #SCHEMA_REGISTRY_URL_CONFIG}: the registry of {@code chainplan local}. */
    public static final String SCHEMA_REGISTRY_URL_DEFAULT = "http://localhost:8081";
    /** Registry basic-auth credentials as {@code user:password}. */
    public static final String BASIC_AUTH_USER_INFO_CONFIG = "schema.registry.basic.auth.user.info";
    /** Doc of {@link #BASIC_AUTH_USER_INFO_CONFIG}. */
    public static final String BASIC_AUTH_USER_INFO_DOC = "user:password for HTTP basic auth against the schema registry.";
    /** Trust store for an https registry (JKS or PKCS12). */
    public static final String REGISTRY_TRUSTSTORE_LOCATION_CONFIG = "schema.registry.ssl.truststore.location";
    /** Doc of {@link #REGISTRY_TRUSTSTORE_LOCATION_CONFIG}. */
    public static final String REGISTRY_TRUSTSTORE_LOCATION_DOC = "Trust store with the certificates an https registry "
            + "is trusted by; unset: the JDK's default trust store.";
    /** Password of {@link #REGISTRY_TRUSTSTORE_LOCATION_CONFIG}. */
    public static final String REGISTRY_TRUSTSTORE_PASSWORD_CONFIG = "schema.registry.ssl.truststore.password";
    /** Doc of {@link #REGISTRY_TRUSTSTORE_PASSWORD_CONFIG}. */
    public static final String REGISTRY_TRUSTSTORE_PASSWORD_DOC = "Password of the registry trust store.";
    /** Type of the trust store (default: the JDK default, PKCS12). */
    public static final String REGISTRY_TRUSTSTORE_TYPE_CONFIG = "schema.registry.ssl.truststore.type";
    /** Doc of {@link #REGISTRY_TRUSTSTORE_TYPE_CONFIG}. */
    public static final String REGISTRY_TRUSTSTORE_TYPE_DOC = "Type of the registry trust store (PKCS12, JKS); unset: "
            + "the JDK's default type (PKCS12).";
    /** Key store with a client certificate for mutual TLS to the registry. */
    public static final String REGISTRY_KEYSTORE_LOCATION_CONFIG = "schema.registry.ssl.keystore.location";
    /** Doc of {@link #REGISTRY_KEYSTORE_LOCATION_CONFIG}. */
    public static final String REGISTRY_KEYSTORE_LOCATION_DOC = "Key store with the client certificate for a registry "
            + "that requires mutual TLS.";
    /** Password of {@link #REGISTRY_KEYSTORE_LOCATION_CONFIG} and of its key. */
    public static final String REGISTRY_KEYSTORE_PASSWORD_CONFIG = "schema.registry.ssl.keystore.password";
    /** Doc of {@link #REGISTRY_KEYSTORE_PASSWORD_CONFIG}. */
    public static final String REGISTRY_KEYSTORE_PASSWORD_DOC = "Password of the registry key store and of its key.";
    /** Type of the key store. */
    public static final String REGISTRY_KEYSTORE_TYPE_CONFIG = "schema.registry.ssl.keystore.type";
    /** Doc of {@link #REGISTRY_KEYSTORE_TYPE_CONFIG}. */
    public static final String REGISTRY_KEYSTORE_TYPE_DOC = "Type of the registry key store (PKCS12, JKS); unset: the "
            + "JDK's default type (PKCS12).";
    /** Topic name prefix (see {@link Topics}). */
    public static final String TOPIC_PREFIX_CONFIG = Topics.TOPIC_PREFIX_CONFIG;
    /** Doc of {@link #TOPIC_PREFIX_CONFIG}. */
    public static final String TOPIC_PREFIX_DOC = Topics.TOPIC_PREFIX_DOC;
    /** Prefix of the environment variables read. */
    public static final String ENV_PREFIX = "CHAINPLAN_";
    /** Environment variable naming the properties file. */
    public static final String CONFIG_FILE_ENV = "CHAINPLAN_CONFIG_FILE";

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(BOOTSTRAP_SERVERS_CONFIG, Type.STRING, BOOTSTRAP_SERVERS_DEFAULT, ConfigValidators.nonBlank(),
                    Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
            .define(SCHEMA_REGISTRY_URL_CONFIG, Type.STRING, SCHEMA_REGISTRY_URL_DEFAULT, ConfigValidators.httpUrls(),
                    Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
            .define(BASIC_AUTH_USER_INFO_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, BASIC_AUTH_USER_INFO_DOC)
            .define(REGISTRY_TRUSTSTORE_LOCATION_CONFIG, Type.STRING, null, Importance.MEDIUM, REGISTRY_TRUSTSTORE_LOCATION_DOC)
            .define(REGISTRY_TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, REGISTRY_TRUSTSTORE_PASSWORD_DOC)
            .define(REGISTRY_TRUSTSTORE_TYPE_CONFIG, Type.STRING, null, Importance.LOW, REGISTRY_TRUSTSTORE_TYPE_DOC)
            .define(REGISTRY_KEYSTORE_LOCATION_CONFIG, Type.STRING, null, Importance.MEDIUM, REGISTRY_KEYSTORE_LOCATION_DOC)
            .define(REGISTRY_KEYSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, REGISTRY_KEYSTORE_PASSWORD_DOC)
            .define(REGISTRY_KEYSTORE_TYPE_CONFIG, Type.STRING, null, Importance.LOW, REGISTRY_KEYSTORE_TYPE_DOC)
            .define(TOPIC_PREFIX_CONFIG, Type.STRING, Topics.DEFAULT_PREFIX, ConfigValidators.topicPrefix(),
                    Importance.MEDIUM, TOPIC_PREFIX_DOC);

    private final Map<String, String> values;
    private final Map<String, Object> parsed;

    private ClientConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
        ConfigKeys.requireKnown(this.values, ClientConfig::ownsKey, CONFIG.names());
        this.parsed = CONFIG.parse(this.values);
    }

    /**
     * @return a copy of the definitions of this config's own keys
     */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    /**
     * @param values settings, by dotted key
     * @return a config of exactly these settings
     * @throws ConfigException naming the key of an invalid value or an unknown registry or topic-prefix key
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
     * @throws ConfigException naming the key of an invalid value or an unknown registry or topic-prefix key
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
     * Checks every chainplan-owned key ({@link ConfigKeys#isChainplanKey}) against this config's
     * definitions and the services' (for a file shared by several services, pass all of them).
     *
     * @param services definitions of the services' {@code chainplan.*} keys
     * @return this
     * @throws ConfigException naming each unknown key, with the known key closest to it
     */
    public ClientConfig requireKnownKeys(ConfigDef... services) {
        Set<String> known = new HashSet<>(CONFIG.names());
        for (ConfigDef d : services) {
            known.addAll(d.names());
        }
        ConfigKeys.requireKnown(values, ConfigKeys::isChainplanKey, known);
        return this;
    }

    /**
     * @param key   setting key
     * @param value its value
     * @return a copy with the setting replaced
     * @throws ConfigException as {@link #of(Map)}
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
     * @return {@value #BOOTSTRAP_SERVERS_CONFIG}, default {@value #BOOTSTRAP_SERVERS_DEFAULT}
     */
    public String bootstrapServers() {
        return (String) parsed.get(BOOTSTRAP_SERVERS_CONFIG);
    }

    /**
     * @return the first URL of {@value #SCHEMA_REGISTRY_URL_CONFIG}, default {@value #SCHEMA_REGISTRY_URL_DEFAULT}
     */
    public String schemaRegistryUrl() {
        return ((String) parsed.get(SCHEMA_REGISTRY_URL_CONFIG)).split(",")[0].trim();
    }

    /**
     * @return {@code user:password} for registry basic auth, if set
     */
    public Optional<String> basicAuthUserInfo() {
        return password(BASIC_AUTH_USER_INFO_CONFIG).filter(s -> !s.isBlank());
    }

    /**
     * The schema-registry client of every chainplan command and service: {@link #schemaRegistryUrl()},
     * with basic auth if {@value #BASIC_AUTH_USER_INFO_CONFIG} is set and, for https, the trust and
     * key stores of {@code schema.registry.ssl.*} (else the JDK's default trust store).
     *
     * @return the client
     * @throws ConfigException naming the key of a store that cannot be loaded
     */
    public RestSchemaRegistryClient schemaRegistry() {
        RestSchemaRegistryClient.Builder b = RestSchemaRegistryClient.builder(schemaRegistryUrl());
        basicAuthUserInfo().ifPresent(b::basicAuth);
        new RegistryTls(store(REGISTRY_TRUSTSTORE_LOCATION_CONFIG, REGISTRY_TRUSTSTORE_PASSWORD_CONFIG,
                REGISTRY_TRUSTSTORE_TYPE_CONFIG), store(REGISTRY_KEYSTORE_LOCATION_CONFIG,
                REGISTRY_KEYSTORE_PASSWORD_CONFIG, REGISTRY_KEYSTORE_TYPE_CONFIG)).context().ifPresent(b::sslContext);
        return b.build();
    }

    private Optional<RegistryTls.Store> store(String locationKey, String passwordKey, String typeKey) {
        return string(locationKey).map(location -> new RegistryTls.Store(locationKey, location, password(passwordKey),
                string(typeKey)));
    }

    private Optional<String> string(String key) {
        return Optional.ofNullable((String) parsed.get(key)).filter(s -> !s.isBlank());
    }

    private Optional<String> password(String key) {
        return Optional.ofNullable((Password) parsed.get(key)).map(Password::value);
    }

    /**
     * @return the topic names under {@value #TOPIC_PREFIX_CONFIG} (default {@code chainplan.})
     */
    public Topics topics() {
        return Topics.withPrefix((String) parsed.get(TOPIC_PREFIX_CONFIG));
    }

    /**
     * Properties for a Kafka producer, consumer, admin client or Streams app: every setting except
     * chainplan's own ({@link ConfigKeys#isChainplanKey}), with {@code bootstrap.servers} defaulted.
     * Security settings pass through untouched.
     *
     * @return a fresh mutable map
     */
    public Map<String, Object> kafkaProperties() {
        Map<String, Object> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (!ConfigKeys.isChainplanKey(k)) {
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

    private static boolean ownsKey(String key) {
        return key.startsWith(ConfigKeys.SCHEMA_REGISTRY_PREFIX) || ConfigKeys.isTopicPrefixFamily(key);
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
