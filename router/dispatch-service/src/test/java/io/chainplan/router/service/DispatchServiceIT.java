package io.chainplan.router.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chainplan.local.EmbeddedKafkaBroker;
import io.chainplan.router.client.DispatchClient;
import io.chainplan.router.client.DispatchException;
import io.chainplan.router.client.ErrorBody;
import io.chainplan.router.client.LeaseHop;
import io.chainplan.router.client.RemoteLease;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One dispatch-service instance on the in-process broker: leases over HTTP, plan switches, expiry, bad requests. */
class DispatchServiceIT {
    /** A queue wait within the default chainplan.dispatch.max.wait.ms (60 s). */
    private static final Duration QUEUE_WAIT = Duration.ofSeconds(55);
    private static EmbeddedKafkaBroker broker;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private DispatchHarness h;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = DispatchHarness.broker("dispatch-service-it");
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        h = new DispatchHarness(broker, 1);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void shouldLeaseTheFastestFreeChainAndHandTheSlotToTheQueue() throws Exception {
        h.plan(DispatchHarness.MODEL, 1, 1, 2);
        DispatchService d = h.start("a", Map.of());
        DispatchHarness.awaitServing(d, DispatchHarness.MODEL, 1);
        DispatchClient c = DispatchHarness.client(List.of(d.uri()));

        RemoteLease first = c.acquire(DispatchHarness.MODEL, Duration.ZERO);
        assertThat(first.chain()).as("the fastest chain").isZero();
        assertThat(first.planEpoch()).isEqualTo(1);
        assertThat(first.hops()).containsExactly(new LeaseHop("s1-0", 0, 32));
        assertThat(first.ttlMs()).isEqualTo(30_000);
        RemoteLease second = c.acquire(DispatchHarness.MODEL, Duration.ZERO);
        RemoteLease third = c.acquire(DispatchHarness.MODEL, Duration.ZERO);
        assertThat(List.of(second.chain(), third.chain())).containsExactly(1, 1);
        assertThat(d.status(DispatchHarness.MODEL).chains()).extracting(ModelDispatch.Status.ChainStatus::inService)
                .containsExactly(1, 2);

        CompletableFuture<RemoteLease> queued = CompletableFuture.supplyAsync(
                () -> c.acquire(DispatchHarness.MODEL, QUEUE_WAIT));
        DispatchHarness.await("a request queued", () -> d.status(DispatchHarness.MODEL).queueLength() == 1);
        c.release(second);
        RemoteLease handed = queued.get();
        assertThat(handed.chain()).as("the freed slot").isEqualTo(1);
        assertThat(handed.waitedMs()).isNotNegative();

        RemoteLease renewed = c.renew(first);
        assertThat(renewed.leaseId()).isEqualTo(first.leaseId());
        assertThat(renewed.expiresAtMillis()).isGreaterThanOrEqualTo(first.expiresAtMillis());
        for (RemoteLease l : List.of(first, third, handed)) {
            c.release(l);
        }
        assertThat(d.status(DispatchHarness.MODEL).liveLeases()).isZero();
        assertThat(d.status(DispatchHarness.MODEL).chains()).extracting(ModelDispatch.Status.ChainStatus::inService)
                .containsExactly(0, 0);
    }

    @Test
    void shouldSwitchPlansWhileLeasesAreOutAndReleaseOldLeasesToTheirPlan() throws Exception {
        h.plan(DispatchHarness.MODEL, 1, 2);
        DispatchService d = h.start("a", Map.of());
        DispatchHarness.awaitServing(d, DispatchHarness.MODEL, 1);
        DispatchClient c = DispatchHarness.client(List.of(d.uri()));
        List<RemoteLease> old = List.of(c.acquire(DispatchHarness.MODEL, Duration.ZERO),
                c.acquire(DispatchHarness.MODEL, Duration.ZERO));
        CompletableFuture<RemoteLease> waiting = CompletableFuture.supplyAsync(
                () -> c.acquire(DispatchHarness.MODEL, QUEUE_WAIT));
        DispatchHarness.await("a request queued on plan 1", () -> d.status(DispatchHarness.MODEL).queueLength() == 1);

        h.plan(DispatchHarness.MODEL, 2, 1, 1);
        DispatchHarness.awaitServing(d, DispatchHarness.MODEL, 2);
        RemoteLease moved = waiting.get();
        assertThat(moved.planEpoch()).as("the queued request moved to the new plan").isEqualTo(2);
        RemoteLease fresh = c.acquire(DispatchHarness.MODEL, Duration.ZERO);
        assertThat(fresh.planEpoch()).isEqualTo(2);
        assertThat(List.of(moved.hops().get(0).serverId(), fresh.hops().get(0).serverId()))
                .containsExactlyInAnyOrder("s2-0", "s2-1");
        assertThatThrownBy(() -> c.acquire(DispatchHarness.MODEL, Duration.ZERO))
                .as("plan 2 is full; plan 1's free slots are not handed out")
                .isInstanceOfSatisfying(DispatchException.class, e -> assertThat(e.error()).isEqualTo(ErrorBody.QUEUE_TIMEOUT));

        for (RemoteLease l : old) {
            assertThat(l.planEpoch()).isEqualTo(1);
            c.release(l);
        }
        assertThat(d.status(DispatchHarness.MODEL).chains()).extracting(ModelDispatch.Status.ChainStatus::inService)
                .as("releasing plan-1 leases does not free plan-2 slots").containsExactly(1, 1);
        c.release(moved);
        assertThat(c.acquire(DispatchHarness.MODEL, Duration.ZERO).planEpoch()).isEqualTo(2);
    }

    @Test
    void shouldExpireTheLeasesOfAClientThatStoppedRenewing() throws Exception {
        h.plan(DispatchHarness.MODEL, 1, 2);
        DispatchHarness.MutableClock clock = new DispatchHarness.MutableClock();
        DispatchService d = h.start("a", 0, Map.of(DispatchConfig.LEASE_TTL_MS_CONFIG, "10000"), clock, () -> { });
        DispatchHarness.awaitServing(d, DispatchHarness.MODEL, 1);
        DispatchClient c = DispatchHarness.client(List.of(d.uri()));
        RemoteLease dead = c.acquire(DispatchHarness.MODEL, Duration.ZERO);
        RemoteLease alive = c.acquire(DispatchHarness.MODEL, Duration.ZERO);

        clock.advance(Duration.ofSeconds(6));
        c.renew(alive);
        clock.advance(Duration.ofSeconds(6));
        DispatchHarness.await("the unrenewed lease expired", () -> d.metrics().leasesExpired() == 1);
        assertThat(d.status(DispatchHarness.MODEL).liveLeases()).isEqualTo(1);
        RemoteLease again = c.acquire(DispatchHarness.MODEL, Duration.ZERO);
        assertThat(again.chain()).as("its slot came back").isZero();
        assertThatThrownBy(() -> c.release(dead)).isInstanceOfSatisfying(DispatchException.class,
                e -> assertThat(e.status()).isEqualTo(410));
        assertThatThrownBy(() -> c.renew(dead)).isInstanceOfSatisfying(DispatchException.class,
                e -> assertThat(e.error()).isEqualTo(ErrorBody.LEASE_EXPIRED));
        c.release(alive);
        c.release(again);
    }

    @Test
    void shouldAnswerEveryBadRequestWithItsStatusAndJsonBody() throws Exception {
        h.plan(DispatchHarness.MODEL, 1, 1);
        h.modelSpec("planless");
        DispatchService d = h.start("a", Map.of(DispatchConfig.MAX_WAIT_MS_CONFIG, "5000"));
        DispatchHarness.awaitServing(d, DispatchHarness.MODEL, 1);
        String leases = "/v1/models/" + DispatchHarness.MODEL + "/leases";

        expect(post(d, "/v1/models/nosuch/leases", ""), 404, ErrorBody.UNKNOWN_MODEL, "nosuch");
        DispatchHarness.await("the planless model's spec is read", () -> {
            try {
                return post(d, "/v1/models/planless/leases", "").statusCode() == 503;
            } catch (Exception e) {
                return false;
            }
        });
        expect(post(d, "/v1/models/planless/leases", ""), 503, ErrorBody.NO_PLAN, "no plan");
        expect(post(d, leases, "{\"timeoutMs\": "), 400, ErrorBody.MALFORMED_REQUEST, "not JSON");
        expect(post(d, leases, "{\"timeout\": 5}"), 400, ErrorBody.MALFORMED_REQUEST, "timeout");
        expect(post(d, leases, "{\"timeoutMs\": \"soon\"}"), 400, ErrorBody.MALFORMED_REQUEST, "timeoutMs");
        expect(post(d, leases, "{\"timeoutMs\": -1}"), 400, ErrorBody.MALFORMED_REQUEST, "[0, 5000]");
        expect(post(d, leases, "{\"timeoutMs\": 5001}"), 400, ErrorBody.MALFORMED_REQUEST, "chainplan.dispatch.max.wait.ms");
        expect(post(d, leases, "[1, 2]"), 400, ErrorBody.MALFORMED_REQUEST, "");
        expect(post(d, leases, "{\"requestId\": \"a b\"}"), 400, ErrorBody.MALFORMED_REQUEST, "requestId");
        expect(post(d, leases, "{\"requestId\": \"" + "r".repeat(129) + "\"}"), 400, ErrorBody.MALFORMED_REQUEST,
                "1 to 128");
        expect(post(d, leases, "x".repeat(HttpApi.MAX_BODY_BYTES + 1)), 400, ErrorBody.MALFORMED_REQUEST, "at most");

        HttpResponse<String> granted = post(d, leases, "{\"timeoutMs\": 0, \"requestId\": \"frontend-1:42\"}");
        assertThat(granted.statusCode()).isEqualTo(201);
        String id = json.readTree(granted.body()).get("leaseId").asText();
        assertThat(granted.headers().firstValue("Location")).hasValue(leases + "/" + id);
        HttpResponse<String> again = post(d, leases, "{\"timeoutMs\": 0, \"requestId\": \"frontend-1:42\"}");
        assertThat(again.statusCode()).as("the same request id: the same lease, not a queue timeout").isEqualTo(201);
        assertThat(json.readTree(again.body()).get("leaseId").asText()).isEqualTo(id);
        expect(post(d, leases, "{\"timeoutMs\": 50}"), 503, ErrorBody.QUEUE_TIMEOUT, "50 ms");
        expect(send(d, "DELETE", leases + "/no-such-lease", null), 404, ErrorBody.UNKNOWN_LEASE, "no-such-lease");
        expect(post(d, leases + "/no-such-lease/renew", ""), 404, ErrorBody.UNKNOWN_LEASE, "no-such-lease");
        expect(send(d, "GET", leases, null), 405, ErrorBody.METHOD_NOT_ALLOWED, "POST");
        expect(send(d, "PUT", leases + "/" + id, ""), 405, ErrorBody.METHOD_NOT_ALLOWED, "DELETE");
        expect(send(d, "GET", "/v2/anything", null), 404, ErrorBody.NOT_FOUND, "/v2/anything");
        assertThat(send(d, "DELETE", leases + "/" + id, null).statusCode()).isEqualTo(204);
        expect(send(d, "DELETE", leases + "/" + id, null), 404, ErrorBody.UNKNOWN_LEASE, id);
        HttpResponse<String> status = send(d, "GET", "/v1/models/" + DispatchHarness.MODEL, null);
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(json.readTree(status.body()).get("planEpoch").asLong()).isEqualTo(1);
    }

    private void expect(HttpResponse<String> r, int status, String error, String messagePart) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode body = json.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("message").asText()).contains(messagePart);
        if (status == 503) {
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
        }
    }

    private HttpResponse<String> post(DispatchService d, String path, String body) throws Exception {
        return send(d, "POST", path, body);
    }

    private HttpResponse<String> send(DispatchService d, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(d.uri() + path)).timeout(DispatchHarness.WAIT)
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
