package io.chainplan.local.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chainplan.schemas.registry.SchemaRegistryContract;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded registry's bounds, over raw sockets where a well-behaved client would not do what
 * the test needs: stalled requests neither block others nor hold the server forever, and no body
 * beyond the limit is read into memory.
 */
class EmbeddedSchemaRegistryLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longest wait for an answer: generous, as the machine is often busy (no test depends on its speed). */
    private static final Duration WAIT = Duration.ofMinutes(1);

    private final List<Socket> sockets = new ArrayList<>();
    private EmbeddedSchemaRegistry server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(EmbeddedSchemaRegistry.Limits limits) {
        server = EmbeddedSchemaRegistry.startInMemory(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Optional.empty(), limits);
    }

    /** A connection that sent a request's headers and the first bytes of its body, then stalls. */
    private Socket stalledRequest(long contentLength) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        sockets.add(s);
        OutputStream out = s.getOutputStream();
        out.write(("POST /subjects/stalled-value/versions HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/vnd.schemaregistry.v1+json\r\nContent-Length: " + contentLength + "\r\n\r\n{\"sch")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** What the server sent on a raw connection until it closed it (or {@link #WAIT} passed). */
    private static String readUntilClosed(Socket s) throws IOException {
        s.setSoTimeout((int) WAIT.toMillis());
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                got.write(buf, 0, n);
                if (got.toString(StandardCharsets.US_ASCII).contains("\"message\"")) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            return got.toString(StandardCharsets.US_ASCII) + "<no close within " + WAIT + ">";
        } catch (IOException e) {
            // connection reset: the server closed it
        }
        return got.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void shouldKeepAnsweringWhileSeveralRequestBodiesStall() throws Exception {
        start(EmbeddedSchemaRegistry.Limits.DEFAULT);
        for (int i = 0; i < 6; i++) {
            stalledRequest(1000);
        }

        HttpResponse<String> subjects = get("/subjects");
        HttpResponse<String> registered = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/subjects/m-value/versions"))
                .timeout(WAIT).header("Content-Type", EmbeddedSchemaRegistry.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode()
                        .put("schema", SchemaRegistryContract.V1.toString()).toString())).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(subjects.statusCode()).isEqualTo(200);
        assertThat(registered.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(registered.body()).get("id").asInt()).isEqualTo(1);
    }

    @Test
    void shouldCutOffAStalledRequestAfterTheIdleTimeout() throws Exception {
        start(EmbeddedSchemaRegistry.Limits.DEFAULT.withIdleTimeout(Duration.ofMillis(500)));
        Socket stalled = stalledRequest(1000);

        String answer = readUntilClosed(stalled);

        assertThat(answer).doesNotContain("<no close");
        assertThat(get("/subjects").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseADeclaredOversizedBodyWithoutReadingIt() throws Exception {
        start(EmbeddedSchemaRegistry.Limits.DEFAULT);
        Socket huge = stalledRequest(400L << 20);

        String answer = readUntilClosed(huge);

        assertThat(answer).startsWith("HTTP/1.1 413").contains("\"error_code\":413")
                .contains("exceeds the limit of " + (1 << 20) + " bytes");
    }

    @Test
    void shouldRefuseAStreamedBodyOnceItPassesTheLimit() throws Exception {
        start(EmbeddedSchemaRegistry.Limits.DEFAULT.withMaxRequestBytes(64 * 1024));
        byte[] chunk = new byte[16 * 1024];
        java.util.Arrays.fill(chunk, (byte) ' ');
        HttpRequest.BodyPublisher unknownLength = HttpRequest.BodyPublishers.fromPublisher(chunked(chunk, 64));

        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/subjects/m-value/versions"))
                .timeout(WAIT).header("Content-Type", EmbeddedSchemaRegistry.CONTENT_TYPE).POST(unknownLength).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error_code").asInt()).isEqualTo(413);
        assertThat(get("/subjects").statusCode()).isEqualTo(200);
    }

    /** A publisher of {@code count} copies of a chunk, of unknown length (sent chunked). */
    private static Flow.Publisher<java.nio.ByteBuffer> chunked(byte[] chunk, int count) {
        return s -> s.onSubscribe(new Flow.Subscription() {
            private int sent;
            private boolean done;

            @Override
            public synchronized void request(long n) {
                for (long i = 0; i < n && !done; i++) {
                    if (sent == count) {
                        done = true;
                        s.onComplete();
                        return;
                    }
                    sent++;
                    s.onNext(java.nio.ByteBuffer.wrap(chunk));
                }
            }

            @Override
            public synchronized void cancel() {
                done = true;
            }
        });
    }
}
