package io.chainplan.router.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Java client of the dispatch service ({@code chainplan dispatch}): acquire, renew and release
 * leases over HTTP/JSON, on the JDK's {@link HttpClient} and Jackson only.
 * <p>A fleet runs several instances; each model is served by one of them at a time (its owner). The
 * client is given every instance's base URL and finds the owner itself: an instance that does not
 * serve the model answers {@code 421 not-owner} and the client tries the next one; it remembers the
 * last owner per model. While a model changes owner ({@code 503 not-ready}, an instance that does
 * not answer, a {@code 503 unavailable}), it keeps trying the instances in turn, with a short
 * back-off after each full round, until its retry deadline ({@link Builder#retryFor}); then it throws
 * a {@link DispatchException} with the last error ({@link DispatchException#UNREACHABLE} if none
 * answered). Every other error is thrown at once.
 * <p>Caveat of retries: an acquire whose answer was lost, or refused with {@code 503 unavailable} after its
 * record reached the lease log (the owner died or was fenced before it could confirm it), is retried and
 * gets a second lease; the first one is never used, holds its slot until its time to live runs out, and
 * then expires. A release retried after a lost answer or a {@code 503} may find the lease already gone
 * ({@code 404}); that counts as released.
 * <p>Thread-safe; one client serves many threads.
 */
public final class DispatchClient {
    private static final Set<String> RETRYABLE = Set.of(ErrorBody.NOT_OWNER, ErrorBody.NOT_READY, ErrorBody.UNAVAILABLE);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(20);
    private static final Duration MAX_BACKOFF = Duration.ofMillis(500);

    private final List<URI> endpoints;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Duration retryFor;
    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final Map<String, Integer> owner = new ConcurrentHashMap<>();

    private DispatchClient(Builder b) {
        this.endpoints = b.endpoints;
        this.http = b.http != null ? b.http
                : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(b.requestTimeout).build();
        this.requestTimeout = b.requestTimeout;
        this.retryFor = b.retryFor;
    }

    /**
     * Starts building a client.
     *
     * @param endpoints base URLs of the instances, e.g. {@code http://dispatch-1:8480}
     * @return a builder
     */
    public static Builder builder(List<URI> endpoints) {
        return new Builder(endpoints);
    }

    /**
     * Acquires a lease: waits up to {@code wait} in the model's central queue for a free chain.
     *
     * @param modelId the model
     * @param wait    longest wait in the queue (0: only a chain that is free now)
     * @return the lease
     * @throws DispatchException {@code 503 queue-timeout} if no chain was free in time, {@code 404
     *                           unknown-model}, {@code 503 no-plan}, ... ({@link ErrorBody}), or
     *                           {@link DispatchException#UNREACHABLE}
     */
    public RemoteLease acquire(String modelId, Duration wait) {
        Objects.requireNonNull(modelId, "modelId");
        long waitNanos = Objects.requireNonNull(wait, "wait").toNanos();
        long start = System.nanoTime();
        Duration retry = wait.compareTo(retryFor) > 0 ? wait : retryFor;
        // one id for every attempt of this call: an attempt whose answer was lost and its retry get one lease
        String requestId = UUID.randomUUID().toString();
        return call(modelId, retry, false, base -> {
            long left = Math.max(0, waitNanos - (System.nanoTime() - start)) / 1_000_000;
            return request(base, "/v1/models/" + enc(modelId) + "/leases", Duration.ofMillis(left))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"timeoutMs\":" + left + ",\"requestId\":\"" + requestId
                            + "\"}")).build();
        }, RemoteLease.class);
    }

    /**
     * Renews a lease: its time to live starts again from now.
     *
     * @param lease the lease
     * @return the lease with its new expiry
     * @throws DispatchException {@code 404 unknown-lease}, {@code 410 lease-expired}, ... or
     *                           {@link DispatchException#UNREACHABLE}
     */
    public RemoteLease renew(RemoteLease lease) {
        Objects.requireNonNull(lease, "lease");
        return call(lease.modelId(), retryFor, false, base -> request(base, leasePath(lease) + "/renew", Duration.ZERO)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), RemoteLease.class);
    }

    /**
     * Releases a lease: its slot goes to the head of the queue or becomes free.
     *
     * @param lease the lease
     * @throws DispatchException {@code 404 unknown-lease} (unless an earlier attempt of this call may
     *                           have released it: its answer was lost, or it was a {@code 503}), {@code 410 lease-expired}, ... or
     *                           {@link DispatchException#UNREACHABLE}
     */
    public void release(RemoteLease lease) {
        Objects.requireNonNull(lease, "lease");
        call(lease.modelId(), retryFor, true, base -> request(base, leasePath(lease), Duration.ZERO).DELETE().build(),
                Void.class);
    }

    private static String leasePath(RemoteLease lease) {
        return "/v1/models/" + enc(lease.modelId()) + "/leases/" + enc(lease.leaseId());
    }

    private static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(URI base, String path, Duration serverWait) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(requestTimeout.plus(serverWait))
                .header("Accept", "application/json");
    }

    /**
     * Sends to the model's last owner first, then to the others in turn (class doc).
     *
     * @param goneIsDone whether a {@code 404} after an attempt whose answer was lost means success
     */
    private <T> T call(String modelId, Duration retry, boolean goneIsDone, Function<URI, HttpRequest> build,
                       Class<T> type) {
        long deadline = System.nanoTime() + retry.toNanos();
        int first = owner.getOrDefault(modelId, 0);
        DispatchException last = null;
        boolean lostAnswer = false;
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 0; ; attempt++) {
            int index = (first + attempt) % endpoints.size();
            try {
                HttpResponse<String> r = http.send(build.apply(endpoints.get(index)),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (r.statusCode() / 100 == 2) {
                    owner.put(modelId, index);
                    return type == Void.class ? null : json.readValue(r.body(), type);
                }
                DispatchException e = error(r);
                if (goneIsDone && lostAnswer && r.statusCode() == 404) {
                    return null;
                }
                if (!RETRYABLE.contains(e.error())) {
                    throw e;
                }
                // a refused change may still be in the lease log (the service could not confirm it in time)
                lostAnswer |= r.statusCode() == 503;
                last = e;
            } catch (IOException e) {
                lostAnswer = true;
                last = new DispatchException(0, DispatchException.UNREACHABLE, endpoints.get(index) + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DispatchException(0, DispatchException.UNREACHABLE, "interrupted", e);
            }
            if ((attempt + 1) % endpoints.size() == 0) {
                if (System.nanoTime() - deadline > 0) {
                    throw last;
                }
                pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private DispatchException error(HttpResponse<String> r) {
        try {
            ErrorBody body = json.readValue(r.body(), ErrorBody.class);
            return new DispatchException(r.statusCode(), body.error(), body.message(), null);
        } catch (IOException | RuntimeException e) {
            return new DispatchException(r.statusCode(), "http-" + r.statusCode(), r.body(), null);
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DispatchException(0, DispatchException.UNREACHABLE, "interrupted", e);
        }
    }

    /** Builder of a {@link DispatchClient}. */
    public static final class Builder {
        private final List<URI> endpoints;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration retryFor = Duration.ofSeconds(30);
        private HttpClient http;

        private Builder(List<URI> endpoints) {
            this.endpoints = List.copyOf(Objects.requireNonNull(endpoints, "endpoints"));
            if (this.endpoints.isEmpty()) {
                throw new IllegalArgumentException("endpoints must not be empty");
            }
        }

        /**
         * How long one HTTP exchange may take beyond the time it asks the service to wait (default 10 s).
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * How long to keep trying while no instance serves the model (default 30 s; an acquire tries at
         * least as long as it may wait).
         *
         * @param retry the deadline
         * @return this builder
         */
        public Builder retryFor(Duration retry) {
            this.retryFor = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /**
         * Uses this HTTP client (e.g. with TLS settings) instead of a default HTTP/1.1 one.
         *
         * @param client the client
         * @return this builder
         */
        public Builder httpClient(HttpClient client) {
            this.http = Objects.requireNonNull(client, "client");
            return this;
        }

        /** @return the client */
        public DispatchClient build() {
            return new DispatchClient(this);
        }
    }
}
