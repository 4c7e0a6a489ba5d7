package io.chainplan.router.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client against scripted HTTP servers (the JDK's): it finds the owning instance behind
 * {@code 421}, retries through {@code 503 not-ready}, remembers the owner, and throws other errors at
 * once with their code. The real service is exercised in the dispatch service's ITs.
 */
class DispatchClientTest {
    private static final String LEASE = "{\"leaseId\":\"l1\",\"modelId\":\"m\",\"planEpoch\":2,\"chain\":1,"
            + "\"hops\":[{\"serverId\":\"s1\",\"startBlock\":0,\"endBlock\":4}],\"ttlMs\":30000,\"expiresAtMillis\":5,"
            + "\"waitedMs\":0}";
    private final List<HttpServer> servers = new ArrayList<>();

    /** A server answering each request with the next scripted status and body. */
    private URI server(Deque<String[]> script, List<String> seen) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", ex -> {
            seen.add(ex.getRequestMethod() + " " + ex.getRequestURI());
            String[] next = script.isEmpty() ? new String[] {"500", "{}"} : script.poll();
            byte[] body = next[1].getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(Integer.parseInt(next[0]), next[0].equals("204") ? -1 : body.length);
            if (!next[0].equals("204")) {
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            }
            ex.close();
        });
        s.start();
        servers.add(s);
        return URI.create("http://127.0.0.1:" + s.getAddress().getPort());
    }

    private static Deque<String[]> script(String[]... steps) {
        return new ArrayDeque<>(List.of(steps));
    }

    private static String error(String code) {
        return "{\"error\":\"" + code + "\",\"message\":\"scripted\"}";
    }

    @AfterEach
    void tearDown() {
        servers.forEach(s -> s.stop(0));
    }

    @Test
    void shouldFindTheOwnerBehindNotOwnerAndNotReadyAndRememberIt() throws Exception {
        List<String> seenA = new ArrayList<>();
        List<String> seenB = new ArrayList<>();
        URI a = server(script(new String[] {"421", error(ErrorBody.NOT_OWNER)},
                new String[] {"421", error(ErrorBody.NOT_OWNER)}), seenA);
        URI b = server(script(new String[] {"503", error(ErrorBody.NOT_READY)},
                new String[] {"201", LEASE}, new String[] {"204", ""}), seenB);
        DispatchClient c = DispatchClient.builder(List.of(a, b)).retryFor(Duration.ofSeconds(30)).build();

        RemoteLease l = c.acquire("m", Duration.ofSeconds(1));
        assertThat(l.hops()).containsExactly(new LeaseHop("s1", 0, 4));
        assertThat(l.planEpoch()).isEqualTo(2);
        c.release(l);
        assertThat(seenA).hasSize(2).first().asString().startsWith("POST /v1/models/m/leases");
        assertThat(seenB).hasSize(3).last().asString().isEqualTo("DELETE /v1/models/m/leases/l1");
    }

    @Test
    void shouldThrowOtherErrorsAtOnceWithTheirCode() throws Exception {
        List<String> seen = new ArrayList<>();
        URI a = server(script(new String[] {"503", error(ErrorBody.QUEUE_TIMEOUT)},
                new String[] {"404", error(ErrorBody.UNKNOWN_MODEL)}), seen);
        DispatchClient c = DispatchClient.builder(List.of(a)).retryFor(Duration.ofSeconds(30)).build();

        assertThatThrownBy(() -> c.acquire("m", Duration.ZERO)).isInstanceOfSatisfying(DispatchException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.error()).isEqualTo(ErrorBody.QUEUE_TIMEOUT);
        });
        assertThatThrownBy(() -> c.acquire("m", Duration.ZERO)).isInstanceOfSatisfying(DispatchException.class,
                e -> assertThat(e.error()).isEqualTo(ErrorBody.UNKNOWN_MODEL));
        assertThat(seen).hasSize(2);
    }

    @Test
    void shouldGiveUpWithUnreachableWhenNoInstanceAnswers() throws Exception {
        URI dead = server(script(), new ArrayList<>());
        servers.forEach(s -> s.stop(0));
        DispatchClient c = DispatchClient.builder(List.of(dead)).retryFor(Duration.ZERO).build();
        assertThatThrownBy(() -> c.acquire("m", Duration.ZERO)).isInstanceOfSatisfying(DispatchException.class,
                e -> assertThat(e.error()).isEqualTo(DispatchException.UNREACHABLE));
    }
}
