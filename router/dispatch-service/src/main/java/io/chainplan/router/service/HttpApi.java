package io.chainplan.router.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chainplan.router.client.AcquireRequest;
import io.chainplan.router.client.ErrorBody;
import io.chainplan.router.client.RemoteLease;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/JSON API of the dispatch service (described in {@code openapi.yaml} beside this class's
 * resources), on Jetty 12's core, asynchronous {@link Handler}: a request waiting in a model's central
 * queue, or for its lease record to commit, holds no thread.
 * <ul>
 *   <li>{@code POST /v1/models/{model}/leases} with optional body {@code {"timeoutMs": n, "requestId": id}}:
 *       acquire (the same {@code requestId} again, while its lease is live, gets the same lease);
 *       {@code 201} with the lease and a {@code Location} header;</li>
 *   <li>{@code DELETE /v1/models/{model}/leases/{lease}}: release; {@code 204};</li>
 *   <li>{@code POST /v1/models/{model}/leases/{lease}/renew}: renew; {@code 200} with the lease;</li>
 *   <li>{@code GET /v1/models/{model}}: the plan in force, the queue and each chain's capacity and
 *       requests in service on this instance; {@code 200}.</li>
 * </ul>
 * Errors are JSON {@link ErrorBody} with the statuses documented there.
 */
final class HttpApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    /** Largest request body read, bytes. */
    static final int MAX_BODY_BYTES = 16 * 1024;
    private static final String JSON = "application/json";

    private final Server server;
    private final ServerConnector connector;
    private final OwnedModels models;
    private final long maxWaitMs;
    private final DispatchMetrics metrics;
    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    HttpApi(String host, int port, OwnedModels models, long maxWaitMs, DispatchMetrics metrics) {
        this.models = models;
        this.maxWaitMs = maxWaitMs;
        this.metrics = metrics;
        QueuedThreadPool threads = new QueuedThreadPool(32, 4);
        threads.setName("chainplan-dispatch-http");
        threads.setDaemon(true);
        this.server = new Server(threads);
        this.connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Routes());
        server.setStopTimeout(0);
    }

    /** @return this, serving */
    HttpApi start() {
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the dispatch HTTP API on port " + connector.getPort() + " ("
                    + DispatchConfig.HTTP_PORT_CONFIG + "): " + e.getMessage(), e);
        }
        return this;
    }

    /** @return the bound port */
    int port() {
        return connector.getLocalPort();
    }

    /** Stops at once: open connections are closed, as when the process dies. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP API: {}", e.toString());
        }
    }

    private final class Routes extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            try {
                route(request, response, callback);
            } catch (DispatchFailure f) {
                error(response, callback, f);
            } catch (RuntimeException e) {
                LOG.warn("request {} {} failed", request.getMethod(), request.getHttpURI(), e);
                error(response, callback, new DispatchFailure(500, "internal", e.toString()));
            }
            return true;
        }
    }

    private void route(Request request, Response response, Callback cb) {
        List<String> s = segments(request.getHttpURI().getPath());
        String method = request.getMethod();
        if (s.size() < 3 || !s.get(0).equals("v1") || !s.get(1).equals("models") || s.size() > 6
                || s.size() >= 4 && !s.get(3).equals("leases") || s.size() == 6 && !s.get(5).equals("renew")) {
            throw new DispatchFailure(404, ErrorBody.NOT_FOUND, "no resource " + request.getHttpURI().getPath());
        }
        String model = s.get(2);
        switch (s.size()) {
            case 3 -> {
                allow(method, "GET");
                reply(response, cb, 200, json(models.lookup(model).status()));
            }
            case 4 -> {
                allow(method, "POST");
                acquire(request, response, cb, model);
            }
            case 5 -> {
                allow(method, "DELETE");
                answer(response, cb, models.lookup(model).release(s.get(4)).thenApply(v -> (Object) null), 204);
            }
            default -> {
                allow(method, "POST");
                answer(response, cb, models.lookup(model).renew(s.get(4)).thenApply(l -> (Object) l), 200);
            }
        }
    }

    private void acquire(Request request, Response response, Callback cb, String model) {
        ModelDispatch m = models.lookup(model);
        CompletableFuture<Object> lease = Content.Source.asByteBufferAsync(request, MAX_BODY_BYTES)
                .handle((body, ex) -> {
                    if (ex != null) {
                        throw DispatchFailure.malformed("cannot read the body (at most " + MAX_BODY_BYTES
                                + " bytes): " + rootMessage(ex));
                    }
                    return acquireRequest(body);
                })
                .thenCompose(r -> m.acquire(r.timeoutMs(), r.requestId()).thenApply(l -> (Object) l));
        answer(response, cb, lease, 201);
    }

    /** The acquire's body, validated; {@code timeoutMs} is never null. */
    private AcquireRequest acquireRequest(ByteBuffer body) {
        String text = BufferUtil.toString(body, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return new AcquireRequest(0L, null);
        }
        AcquireRequest r;
        try {
            r = json.readValue(text, AcquireRequest.class);
        } catch (JsonMappingException e) {
            String field = e.getPath().stream().map(JsonMappingException.Reference::getFieldName)
                    .filter(f -> f != null).collect(Collectors.joining("."));
            throw DispatchFailure.malformed((field.isEmpty() ? "" : "field " + field + ": ") + e.getOriginalMessage()
                    + "; expected {\"timeoutMs\": <0.." + maxWaitMs + ">, \"requestId\": <id>}");
        } catch (JsonProcessingException e) {
            throw DispatchFailure.malformed("body is not JSON: " + e.getOriginalMessage());
        }
        if (r == null) {
            throw DispatchFailure.malformed("body must be a JSON object, was null");
        }
        long t = r.timeoutMs() == null ? 0 : r.timeoutMs();
        if (t < 0 || t > maxWaitMs) {
            throw DispatchFailure.malformed("field timeoutMs must be in [0, " + maxWaitMs + "] ("
                    + DispatchConfig.MAX_WAIT_MS_CONFIG + "), was " + t);
        }
        if (r.requestIdProblem() != null) {
            throw DispatchFailure.malformed(r.requestIdProblem());
        }
        return new AcquireRequest(t, r.requestId());
    }

    private void answer(Response response, Callback cb, CompletableFuture<Object> result, int status) {
        result.whenComplete((body, ex) -> {
            if (ex == null) {
                if (status == 201 && body instanceof RemoteLease l) {
                    response.getHeaders().put(HttpHeader.LOCATION, "/v1/models/" + l.modelId() + "/leases/" + l.leaseId());
                }
                reply(response, cb, status, body == null ? null : json(body));
                return;
            }
            Throwable c = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
            error(response, cb, c instanceof DispatchFailure f ? f : new DispatchFailure(500, "internal", c.toString()));
        });
    }

    private static void allow(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new DispatchFailure(405, ErrorBody.METHOD_NOT_ALLOWED, "method " + method + " not allowed here; use "
                    + allowed);
        }
    }

    private void error(Response response, Callback cb, DispatchFailure f) {
        if (f.status() == 503) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        } else if (f.status() == 405) {
            response.getHeaders().put(HttpHeader.ALLOW, f.getMessage().substring(f.getMessage().lastIndexOf(' ') + 1));
        }
        reply(response, cb, f.status(), json(f.body()), f.error());
    }

    private void reply(Response response, Callback cb, int status, String body) {
        reply(response, cb, status, body, null);
    }

    private void reply(Response response, Callback cb, int status, String body, String error) {
        metrics.response(status, error);
        response.setStatus(status);
        if (body == null) {
            response.write(true, BufferUtil.EMPTY_BUFFER, cb);
            return;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        Content.Sink.write(response, true, body, cb);
    }

    private String json(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body, e);
        }
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                try {
                    out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw DispatchFailure.malformed("bad path segment " + s + ": " + e.getMessage());
                }
            }
        }
        return out;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
