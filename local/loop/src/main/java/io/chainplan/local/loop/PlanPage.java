package io.chainplan.local.loop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The live plan page of {@code chainplan local} ({@code --page-port}), on Jetty as the dispatch service's
 * API: {@code GET /} is a static page that polls {@code GET /plan.json} (a {@link PlanPageModel} document)
 * every second and draws it, so it refreshes as plans arrive. Other paths get 404, other methods 405.
 * Bound to the loopback interface. Close to stop serving.
 */
public final class PlanPage implements AutoCloseable {
    /** Default port. */
    public static final int DEFAULT_PORT = 8090;
    /** The port setting that turns the page off. */
    public static final int OFF = -1;

    private final Server server;
    private final ServerConnector connector;

    private PlanPage(int port, Supplier<String> json) {
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("chainplan-plan-page");
        threads.setDaemon(true);
        server = new Server(threads);
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Routes(html(), json));
        server.setStopTimeout(0);
    }

    /**
     * @param port the port, 0 for any free one
     * @param json the document {@code /plan.json} serves, computed per request
     * @return the page, serving
     * @throws IllegalArgumentException naming {@code --page-port} if the port is out of range
     * @throws IllegalStateException    naming the port and {@code --page-port} if it cannot be bound
     */
    public static PlanPage start(int port, Supplier<String> json) {
        Objects.requireNonNull(json, "json");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--page-port must be -1 or in [0, 65535], was " + port);
        }
        PlanPage p = new PlanPage(port, json);
        try {
            p.server.start();
        } catch (Exception e) {
            p.close();
            throw new IllegalStateException("cannot serve the plan page on port " + port + " (--page-port; -1 turns it"
                    + " off, 0 picks a free port): " + e.getMessage(), e);
        }
        return p;
    }

    /** @return the page's address, e.g. {@code http://localhost:8090/} */
    public String address() {
        return "http://localhost:" + connector.getLocalPort() + "/";
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the plan page: " + e.getMessage(), e);
        }
    }

    private static String html() {
        try (InputStream in = PlanPage.class.getResourceAsStream("plan-page.html")) {
            if (in == null) {
                throw new IllegalStateException("plan-page.html is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code /} and {@code /plan.json}. */
    private static final class Routes extends Handler.Abstract.NonBlocking {
        private final String html;
        private final Supplier<String> json;

        Routes(String html, Supplier<String> json) {
            this.html = html;
            this.json = json;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
                return reply(response, callback, 405, "text/plain", "GET only\n");
            }
            return switch (path) {
                case "/", "/index.html" -> reply(response, callback, 200, "text/html; charset=utf-8", html);
                case "/plan.json" -> reply(response, callback, 200, "application/json", json.get());
                default -> reply(response, callback, 404, "text/plain", "no such page: " + path + "\n");
            };
        }

        private static boolean reply(Response response, Callback cb, int status, String type, String body) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            Content.Sink.write(response, true, body, cb);
            return true;
        }
    }
}
