package io.chainplan.local.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chainplan.schemas.registry.RegistryState;
import io.chainplan.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema-registry server speaking Confluent's Schema Registry REST API, so that clients in any
 * language can work against {@code chainplan local}: the resources of {@link RegistryApi}, with
 * Confluent's answers and error codes ({@code {"error_code":40401,"message":"..."}}, media type
 * {@value #CONTENT_TYPE}). Schemas, deletions, levels and modes are kept in a compacted Kafka
 * topic ({@code _schemas}, Confluent's record layout: {@link SchemasTopicRecords}) and replayed at
 * start, so ids and deletions survive restarts. Single writer: run one instance per topic.
 * <p>Served by Jetty (its core API, no servlets) within {@link Limits}: a bounded pool of handler
 * threads, a bounded number of connections, an idle timeout that also bounds
 * how long a request's headers or body may stall, and a request body limit checked before and
 * while the body is read (413 beyond it), so neither stalled nor huge requests can take the
 * server (or the broker's JVM it may share) down. Bodies are read without holding a thread.
 * Optional HTTP basic auth (401 without it). Subjects may contain any character, {@code /} too, when
 * percent-encoded.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    /** The registry's media type. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** Default store topic. */
    public static final String DEFAULT_TOPIC = "_schemas";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How much of a refused (too large) body is read and dropped so that its sender reads the 413 (as Tomcat's maxSwallowSize). */
    private static final long DRAIN_BYTES = 4L << 20;

    /**
     * The server's bounds.
     *
     * @param handlerThreads  most threads handling requests (Jetty's acceptor and selector included)
     * @param connections     most open connections (which also bounds the requests waiting for a
     *                        thread: one at a time per connection)
     * @param idleTimeout     longest silence on a connection, also while its request headers or body
     *                        are being received (a stalled request is cut off after it)
     * @param maxRequestBytes largest request body (schemas are kilobytes; 413 beyond)
     */
    public record Limits(int handlerThreads, int connections, Duration idleTimeout, int maxRequestBytes) {
        /** 16 threads, 128 connections, 30 s idle timeout, 1 MiB bodies. */
        public static final Limits DEFAULT = new Limits(16, 128, Duration.ofSeconds(30), 1 << 20);

        /** Validates the bounds. */
        public Limits {
            if (handlerThreads < 4 || connections < 1 || maxRequestBytes < 1) {
                throw new IllegalArgumentException("need handlerThreads >= 4 and positive connections and maxRequestBytes, "
                        + "were " + handlerThreads + ", " + connections + ", " + maxRequestBytes);
            }
            if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be positive, was " + idleTimeout);
            }
        }

        /**
         * @param timeout the idle timeout
         * @return these limits with it
         */
        public Limits withIdleTimeout(Duration timeout) {
            return new Limits(handlerThreads, connections, timeout, maxRequestBytes);
        }

        /**
         * @param bytes the largest request body
         * @return these limits with it
         */
        public Limits withMaxRequestBytes(int bytes) {
            return new Limits(handlerThreads, connections, idleTimeout, bytes);
        }
    }

    private final SchemaStore store;
    private final RegistryApi api;
    private final Limits limits;
    private final Server server;
    private final ServerConnector connector;
    private final InetAddress bindAddress;
    private final Optional<String> requiredAuthorization;
    private final int port;
    private boolean closed;

    private EmbeddedSchemaRegistry(SchemaStore store, InetSocketAddress address, Optional<String> basicAuthUserInfo,
                                   Limits limits) {
        this.store = store;
        this.limits = Objects.requireNonNull(limits, "limits");
        this.requiredAuthorization = basicAuthUserInfo.map(u -> "Basic "
                + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
        RegistryState state = new RegistryState();
        store.replay(state);
        this.api = new RegistryApi(state, store);
        QueuedThreadPool threads = new QueuedThreadPool(limits.handlerThreads(), 2);
        threads.setName("schema-registry-http");
        threads.setDaemon(true);
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setUriCompliance(UriCompliance.DEFAULT.with("schema-registry-subjects",
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR, UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        this.bindAddress = address.getAddress();
        connector.setHost(bindAddress == null ? address.getHostString() : bindAddress.getHostAddress());
        connector.setPort(address.getPort());
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(limits.connections(), connector));
        server.setHandler(new Routes());
        server.setStopTimeout(0);
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly();
            store.close();
            if (e instanceof IOException && e.getCause() instanceof BindException || e instanceof BindException) {
                throw new IllegalStateException("schema registry port " + address.getPort() + " is already in use", e);
            }
            throw new IllegalStateException("schema registry cannot listen on " + address + ": " + e.getMessage(), e);
        }
        this.port = connector.getLocalPort();
        LOG.info("schema registry listening on {}", url());
    }

    /**
     * Starts a registry backed by the {@code _schemas} topic of a Kafka cluster.
     *
     * @param bootstrapServers Kafka bootstrap servers
     * @param port             HTTP port on the loopback address, 0 for any free port
     * @return the running registry, with its state restored from the topic
     * @throws IllegalStateException  if the port is in use
     * @throws SchemaRegistryException 50001 if the topic cannot be read or created
     */
    public static EmbeddedSchemaRegistry start(String bootstrapServers, int port) {
        return start(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), DEFAULT_TOPIC, port, Optional.empty());
    }

    /**
     * Starts a registry backed by a Kafka topic, with client settings and optional basic auth.
     *
     * @param kafkaClientProps  Kafka client properties (at least {@code bootstrap.servers}; security settings pass through)
     * @param topic             store topic, normally {@value #DEFAULT_TOPIC}
     * @param port              HTTP port, 0 for any
     * @param basicAuthUserInfo if present, {@code user:password} every request must present
     * @return the running registry
     */
    public static EmbeddedSchemaRegistry start(Map<String, Object> kafkaClientProps, String topic, int port,
                                               Optional<String> basicAuthUserInfo) {
        return start(kafkaClientProps, topic, loopback(port), basicAuthUserInfo);
    }

    /**
     * Starts a registry backed by a Kafka topic on any address, for example the wildcard address
     * inside a container ({@code chainplan schema-registry --bind 0.0.0.0}).
     *
     * @param kafkaClientProps  Kafka client properties (at least {@code bootstrap.servers}; security settings pass through)
     * @param topic             store topic, normally {@value #DEFAULT_TOPIC}
     * @param address           address and port to listen on (port 0 for any)
     * @param basicAuthUserInfo if present, {@code user:password} every request must present
     * @return the running registry
     */
    public static EmbeddedSchemaRegistry start(Map<String, Object> kafkaClientProps, String topic, InetSocketAddress address,
                                               Optional<String> basicAuthUserInfo) {
        Objects.requireNonNull(kafkaClientProps, "kafkaClientProps");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(address, "address");
        return new EmbeddedSchemaRegistry(new KafkaSchemaStore(kafkaClientProps, topic), address, basicAuthUserInfo,
                Limits.DEFAULT);
    }

    /**
     * Starts a registry that keeps nothing across restarts: for tests of HTTP clients.
     *
     * @param port              HTTP port, 0 for any
     * @param basicAuthUserInfo if present, {@code user:password} every request must present
     * @return the running registry
     */
    public static EmbeddedSchemaRegistry startInMemory(int port, Optional<String> basicAuthUserInfo) {
        return startInMemory(loopback(port), basicAuthUserInfo);
    }

    /**
     * Starts a registry that keeps nothing across restarts, on any address: for tests of HTTP clients.
     *
     * @param address           address and port to listen on (port 0 for any)
     * @param basicAuthUserInfo if present, {@code user:password} every request must present
     * @return the running registry
     */
    public static EmbeddedSchemaRegistry startInMemory(InetSocketAddress address, Optional<String> basicAuthUserInfo) {
        return startInMemory(address, basicAuthUserInfo, Limits.DEFAULT);
    }

    /**
     * Starts a registry that keeps nothing across restarts, within given limits: for tests.
     *
     * @param address           address and port to listen on (port 0 for any)
     * @param basicAuthUserInfo if present, {@code user:password} every request must present
     * @param limits            the server's bounds
     * @return the running registry
     */
    public static EmbeddedSchemaRegistry startInMemory(InetSocketAddress address, Optional<String> basicAuthUserInfo,
                                                       Limits limits) {
        return new EmbeddedSchemaRegistry(SchemaStore.inMemory(), Objects.requireNonNull(address, "address"),
                basicAuthUserInfo, limits);
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /**
     * @return the base URL, e.g. {@code http://localhost:8081}
     */
    public String url() {
        return "http://localhost:" + port();
    }

    /**
     * @return the address the server listens on (the loopback address unless another was given)
     */
    public InetSocketAddress address() {
        return bindAddress == null ? new InetSocketAddress(connector.getHost(), port()) : new InetSocketAddress(bindAddress, port());
    }

    /**
     * @return the HTTP port it listens (or, once closed, listened) on
     */
    public int port() {
        return port;
    }

    /** @return the server's bounds */
    public Limits limits() {
        return limits;
    }

    /** Stops the HTTP server (open connections are closed) and the store; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopQuietly();
        store.close();
        LOG.info("schema registry on port {} stopped", port);
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the schema registry's HTTP server: {}", e.toString());
        }
    }

    /** Authenticates, reads the body (bounded, without holding a thread), then answers on a pool thread. */
    private final class Routes extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (requiredAuthorization.isPresent()
                    && !requiredAuthorization.get().equals(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"chainplan\"");
                reply(response, callback, RegistryApi.Reply.error(401, 401, "Unauthorized"));
                return true;
            }
            String method = request.getMethod();
            List<String> path;
            try {
                path = segments(request.getHttpURI().getPath());
            } catch (IllegalArgumentException e) {
                reply(response, callback, RegistryApi.Reply.error(400, 400, "Bad path: " + e.getMessage()));
                return true;
            }
            Map<String, String> query = query(request);
            if (!RegistryApi.hasBody(method)) {
                answer(response, callback, new RegistryApi.Call(method, path, query, JSON.createObjectNode()));
                return true;
            }
            if (request.getLength() > limits.maxRequestBytes()) {
                reply(response, callback, tooLarge(request.getLength() + " bytes"));
                return true;
            }
            Content.Source.asByteArrayAsync(request, limits.maxRequestBytes()).whenCompleteAsync((bytes, failure) -> {
                if (failure != null) {
                    RegistryApi.Reply refused = unreadable(failure);
                    if (refused.status() == 413) {
                        drain(request, DRAIN_BYTES, () -> reply(response, callback, refused));
                    } else {
                        reply(response, callback, refused);
                    }
                    return;
                }
                JsonNode body;
                try {
                    body = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
                } catch (IOException e) {
                    reply(response, callback, RegistryApi.Reply.error(400, 400,
                            "Unrecognized request body: " + e.getMessage().lines().findFirst().orElse("")));
                    return;
                }
                answer(response, callback, new RegistryApi.Call(method, path, query, body == null ? JSON.createObjectNode() : body));
            }, server.getThreadPool());
            return true;
        }
    }

    private void answer(Response response, Callback callback, RegistryApi.Call call) {
        RegistryApi.Reply r;
        try {
            r = api.handle(call);
        } catch (RuntimeException e) {
            LOG.warn("schema registry request {} /{} failed", call.method(), String.join("/", call.path()), e);
            r = RegistryApi.Reply.error(500, SchemaRegistryException.STORE_ERROR, "Error in the backend data store: "
                    + e.getMessage());
        }
        reply(response, callback, r);
    }

    /**
     * Reads and drops the rest of a refused body, up to {@code budget} bytes, then runs {@code then}: a client
     * still sending its body then reads the 413 instead of a connection reset (the server closing a socket
     * with unread data resets it). Beyond the budget the connection is closed after the answer, as before.
     */
    private static void drain(Content.Source source, long budget, Runnable then) {
        long left = budget;
        while (true) {
            Content.Chunk chunk = source.read();
            if (chunk == null) {
                long rest = left;
                source.demand(() -> drain(source, rest, then));
                return;
            }
            left -= chunk.getByteBuffer().remaining();
            boolean end = chunk.isLast() || Content.Chunk.isFailure(chunk) || left <= 0;
            chunk.release();
            if (end) {
                then.run();
                return;
            }
        }
    }

    private RegistryApi.Reply unreadable(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof IllegalStateException) {
            // Jetty's accumulator: "Max size (n) exceeded" once more than the limit has arrived
            return tooLarge("more than " + limits.maxRequestBytes() + " bytes");
        }
        LOG.debug("cannot read a request body: {}", cause.toString());
        return RegistryApi.Reply.error(400, 400, "Cannot read the request body: " + cause);
    }

    private RegistryApi.Reply tooLarge(String size) {
        return RegistryApi.Reply.error(413, 413, "Request body of " + size + " exceeds the limit of "
                + limits.maxRequestBytes() + " bytes");
    }

    private static void reply(Response response, Callback callback, RegistryApi.Reply r) {
        response.setStatus(r.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        Content.Sink.write(response, true, r.body().toString(), callback);
    }

    private static Map<String, String> query(Request request) {
        Map<String, String> out = new HashMap<>();
        Fields fields = Request.extractQueryParameters(request);
        for (Fields.Field f : fields) {
            out.putIfAbsent(f.getName(), f.getValue());
        }
        return out;
    }

    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : (rawPath == null ? "" : rawPath).split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
