package io.staticpod.agent.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The local endpoint on {@code healthzBindAddress:healthzPort} (127.0.0.1:10248 by default, as the kubelet's), with
 * the JDK's own HTTP server and one thread:
 * <ul>
 *   <li>{@code /healthz}: 200 {@code ok}, or 500 with one line per part (see {@link HealthChecks});
 *   {@code /healthz?verbose} lists the parts when healthy too;</li>
 *   <li>{@code /metrics}: Prometheus text format;</li>
 *   <li>{@code /pods}: the static pods as JSON, read by {@code static-pod-agent status}.</li>
 * </ul>
 * When the port cannot be bound (another process holds it), the agent keeps running its pods and retries every
 * {@link #RETRY_SECONDS} seconds, as the kubelet does.
 */
public final class HealthServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthServer.class);
    static final int RETRY_SECONDS = 5;

    /** One endpoint's answer. */
    public interface Handler {
        Response handle(String query) throws IOException;
    }

    public record Response(int code, String contentType, byte[] body) {
        public static Response text(int code, String body) {
            return new Response(code, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final InetSocketAddress address;
    private final java.util.Map<String, Handler> handlers;
    private final ScheduledExecutorService retry;
    private final ExecutorService worker;
    private volatile HttpServer server;
    private boolean failureLogged;

    public HealthServer(String bindAddress, int port, java.util.Map<String, Handler> handlers) {
        this.address = new InetSocketAddress(bindAddress, port);
        this.handlers = java.util.Map.copyOf(handlers);
        this.retry = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "healthz-bind"));
        this.worker = Executors.newSingleThreadExecutor(r -> daemon(r, "healthz"));
    }

    /** Binds now, or keeps trying in the background. */
    public void start() {
        retry.execute(this::bind);
    }

    /** The port actually bound (useful with port 0 in tests), or -1 while not bound. */
    public int port() {
        HttpServer s = server;
        return s == null ? -1 : s.getAddress().getPort();
    }

    private void bind() {
        try {
            HttpServer s = HttpServer.create(address, 16);
            handlers.forEach((path, handler) -> s.createContext(path, exchange -> serve(exchange, handler)));
            s.setExecutor(worker);
            s.start();
            server = s;
            log.info("Serving health and metrics address=http://{}:{} paths={}", address.getHostString(),
                    s.getAddress().getPort(), new java.util.TreeSet<>(handlers.keySet()));
            retry.shutdown();
        } catch (IOException | RuntimeException e) {
            if (!failureLogged) {
                log.error("Cannot serve health and metrics; static pods keep running, retrying every {}s "
                        + "address={}:{} error={}", RETRY_SECONDS, address.getHostString(), address.getPort(),
                        e.toString());
                failureLogged = true;
            }
            retry.schedule(this::bind, RETRY_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static void serve(HttpExchange exchange, Handler handler) throws IOException {
        try (exchange) {
            Response response;
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                response = Response.text(405, "only GET\n");
            } else if (exchange.getHttpContext().getPath().length() != exchange.getRequestURI().getPath().length()) {
                response = Response.text(404, "not found\n"); // contexts match prefixes; /healthzzz is not /healthz
            } else {
                try {
                    response = handler.handle(exchange.getRequestURI().getRawQuery());
                } catch (IOException | RuntimeException e) {
                    log.warn("Health endpoint failed path={} error={}", exchange.getRequestURI().getPath(),
                            e.toString());
                    response = Response.text(500, "internal error: " + e + "\n");
                }
            }
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(response.code(), head ? -1 : response.body().length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        }
    }

    /** Renders into bytes first, so that a failure is a 500 rather than a cut answer. */
    static byte[] render(IoWriter writer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        writer.write(out);
        return out.toByteArray();
    }

    interface IoWriter {
        void write(OutputStream out) throws IOException;
    }

    @Override
    public void close() {
        retry.shutdownNow();
        HttpServer s = server;
        if (s != null) {
            s.stop(0);
        }
        worker.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
