package io.staticpod.it.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * An HTTPS proxy on loopback in front of a real API server, which injects faults into the requests a test picks.
 *
 * <p>It serves a certificate for 127.0.0.1 (issued by the test cluster's CA, so the agent verifies it as it would the
 * API server's) and forwards every request to the API server over TLS with the node's client certificate, so the API
 * server sees the same identity (Node authorizer, NodeRestriction) as without the proxy. Responses are streamed,
 * chunk by chunk: a watch is a long-lived chunked response. WebSocket upgrades are answered 503, on which fabric8
 * falls back to an HTTP watch (as client-go watches), since this proxy speaks plain HTTP/1.1.
 *
 * <p>{@link Rule}s are switched at runtime: for requests matching a method and a path pattern (watches only when the
 * rule says so), answer with a Kubernetes {@code Status} (409, 429 with {@code Retry-After}, 500), hang until the
 * client gives up, close the connection without an answer, or forward the request and then lose the answer (the
 * API server did it; the client does not know). A rule fires with a probability (one seeded {@link Random}) or for
 * the next N matches, and counts what it saw and did.
 */
public final class FaultProxy implements AutoCloseable {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length",
            "expect", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
            "sec-websocket-protocol");
    private static final Duration HANG_LIMIT = Duration.ofSeconds(60);

    private final HttpsServer server;
    private final ExecutorService executor;
    private final HttpClient upstream;
    private final String upstreamUrl;
    private final Random random;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Set<Closeable> streams = ConcurrentHashMap.newKeySet();
    private final AtomicReference<CountDownLatch> release = new AtomicReference<>(new CountDownLatch(1));

    /**
     * @param upstreamUrl the API server, {@code https://127.0.0.1:<port>}
     * @param clientTls   presents the node's client certificate and trusts the API server's CA
     * @param servingTls  presents this proxy's serving certificate for 127.0.0.1
     * @param seed        for the rules' probabilities
     */
    public FaultProxy(String upstreamUrl, SSLContext clientTls, SSLContext servingTls, long seed) throws IOException {
        this.upstreamUrl = upstreamUrl.replaceAll("/+$", "");
        this.random = new Random(seed);
        this.upstream = HttpClient.newBuilder().sslContext(clientTls).version(HttpClient.Version.HTTP_1_1)
                .proxy(HttpClient.Builder.NO_PROXY).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-proxy");
            t.setDaemon(true);
            return t;
        });
        this.server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setHttpsConfigurator(new HttpsConfigurator(servingTls));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code https://127.0.0.1:<port>}, for the agent's kubeconfig. */
    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Adds a rule; rules are tried in order, the first that matches a request decides. */
    public Rule add(Rule rule) {
        rules.add(rule);
        return rule;
    }

    public void remove(Rule rule) {
        rules.remove(rule);
    }

    /** Removes every rule: requests pass unchanged; hanging requests are released (their connection closed). */
    public void clear() {
        rules.clear();
        release.getAndSet(new CountDownLatch(1)).countDown();
    }

    /** Cuts every response being streamed (watches) mid-stream, as a connection reset would. */
    public void resetStreams() {
        for (Closeable c : List.copyOf(streams)) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Requests seen (forwarded or not) matching the method ({@code *} for any) and path pattern, since {@code since}. */
    public int count(String method, String pathRegex, long sinceNanos) {
        Pattern p = Pattern.compile(pathRegex);
        return (int) seen.stream().filter(s -> s.nanos >= sinceNanos && s.matches(method, p, false)).count();
    }

    /** When each request matching the method and path pattern came ({@link System#nanoTime()}), since {@code since}. */
    public List<Long> times(String method, String pathRegex, long sinceNanos) {
        Pattern p = Pattern.compile(pathRegex);
        return seen.stream().filter(s -> s.nanos >= sinceNanos && s.matches(method, p, false)).map(Seen::nanos)
                .toList();
    }

    /** Watch requests seen for paths matching the pattern since {@code sinceNanos} (a new one after each reconnect). */
    public int watches(String pathRegex, long sinceNanos) {
        Pattern p = Pattern.compile(pathRegex);
        return (int) seen.stream().filter(s -> s.nanos >= sinceNanos && s.watch && p.matcher(s.path).matches()).count();
    }

    /** Every request seen since {@code sinceNanos}, as {@code METHOD path}, for failure messages. */
    public List<String> seenSince(long sinceNanos) {
        return seen.stream().filter(s -> s.nanos >= sinceNanos).map(s -> s.method + " " + s.path + (s.watch ? " (watch)" : ""))
                .toList();
    }

    @Override
    public void close() {
        clear();
        resetStreams();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
            URI uri = ex.getRequestURI();
            String query = uri.getRawQuery();
            boolean watch = query != null && query.matches("(^|.*&)watch=(true|1)(&.*|$)");
            if ("websocket".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Upgrade"))) {
                status(ex, 503, "ServiceUnavailable", "this proxy takes no WebSocket upgrades", 0);
                return;
            }
            byte[] body = ex.getRequestBody().readAllBytes();
            Seen s = new Seen(method, uri.getRawPath(), watch, System.nanoTime());
            seen.add(s);
            Fault fault = null;
            for (Rule r : rules) {
                if (s.matches(r.method, r.path, r.watches)) {
                    fault = r.decide(random);
                    break;
                }
            }
            if (fault == null) {
                forward(ex, method, uri, body, null);
                return;
            }
            switch (fault.kind) {
                case STATUS -> status(ex, fault.code, fault.reason, "injected by the fault proxy", fault.retryAfter);
                case HANG -> hang();
                case RESET -> throw new IOException("connection reset by the fault proxy");
                case LOST_RESPONSE -> {
                    forward(ex, method, uri, body, fault);
                    throw new IOException("answer lost by the fault proxy");
                }
            }
        } finally {
            ex.close(); // without an answer sent, this drops the connection
        }
    }

    /** Holds the request until the client has long given up (or the rules are cleared), then drops the connection. */
    private void hang() throws IOException {
        try {
            release.get().await(HANG_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IOException("hung request dropped by the fault proxy");
    }

    private void forward(HttpExchange ex, String method, URI uri, byte[] body, Fault lose) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstreamUrl + uri.getRawPath()
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        ex.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> b.header(name, v));
            }
        });
        HttpResponse<InputStream> r;
        try {
            r = upstream.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (lose != null) {
            try (InputStream in = r.body()) {
                lose.lostResponses.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            return;
        }
        r.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                ex.getResponseHeaders().put(name, values);
            }
        });
        long length = r.headers().firstValueAsLong("content-length").orElse(0);
        boolean noBody = "HEAD".equals(method) || r.statusCode() == 204 || r.statusCode() == 304;
        InputStream in = r.body();
        streams.add(in);
        try (in) {
            ex.sendResponseHeaders(r.statusCode(), noBody || (length == 0 && r.headers()
                    .firstValue("content-length").isPresent()) ? -1 : length);
            if (noBody) {
                return;
            }
            OutputStream out = ex.getResponseBody();
            byte[] buf = new byte[16 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
            out.close();
        } finally {
            streams.remove(in);
        }
    }

    private static void status(HttpExchange ex, int code, String reason, String message, int retryAfter)
            throws IOException {
        String details = retryAfter > 0 ? ",\"details\":{\"retryAfterSeconds\":" + retryAfter + "}" : "";
        byte[] json = ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"" + message + "\",\"reason\":\"" + reason + "\"" + details + ",\"code\":" + code
                + "}").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (retryAfter > 0) {
            ex.getResponseHeaders().set("Retry-After", Integer.toString(retryAfter));
        }
        ex.sendResponseHeaders(code, json.length);
        ex.getResponseBody().write(json);
    }

    /** One request as the proxy saw it. */
    private record Seen(String method, String path, boolean watch, long nanos) {
        boolean matches(String m, Pattern p, boolean watches) {
            return ("*".equals(m) || m.equalsIgnoreCase(method)) && (watches || !watch) && p.matcher(path).matches();
        }
    }

    /** What a rule does to a request it fires on. */
    public static final class Fault {
        enum Kind { STATUS, HANG, RESET, LOST_RESPONSE }

        private final Kind kind;
        private final int code;
        private final String reason;
        private final int retryAfter;
        private final List<String> lostResponses = new CopyOnWriteArrayList<>();

        private Fault(Kind kind, int code, String reason, int retryAfter) {
            this.kind = kind;
            this.code = code;
            this.reason = reason;
            this.retryAfter = retryAfter;
        }

        public static Fault conflict() {
            return new Fault(Kind.STATUS, 409, "Conflict", 0);
        }

        public static Fault tooManyRequests(int retryAfterSeconds) {
            return new Fault(Kind.STATUS, 429, "TooManyRequests", retryAfterSeconds);
        }

        public static Fault internalError() {
            return new Fault(Kind.STATUS, 500, "InternalError", 0);
        }

        /** No answer until the client gives up (its request timeout). */
        public static Fault hang() {
            return new Fault(Kind.HANG, 0, null, 0);
        }

        /** The connection is closed without an answer. */
        public static Fault reset() {
            return new Fault(Kind.RESET, 0, null, 0);
        }

        /** The request reaches the API server, which does it; the connection drops before the answer comes back. */
        public static Fault lostResponse() {
            return new Fault(Kind.LOST_RESPONSE, 0, null, 0);
        }

        /** The API server's answers that were lost, in order. */
        public List<String> lostResponses() {
            return List.copyOf(lostResponses);
        }

        @Override
        public String toString() {
            return kind == Kind.STATUS ? Integer.toString(code) : kind.name().toLowerCase(Locale.ROOT);
        }
    }

    /** Requests matching a method and a path pattern, and what happens to them. */
    public static final class Rule {
        private final String method;
        private final Pattern path;
        private final List<Fault> faults = new ArrayList<>();
        private double probability = 1;
        private final AtomicReference<AtomicInteger> remaining = new AtomicReference<>();
        private boolean watches;
        private boolean firstAlways;
        private final AtomicInteger matched = new AtomicInteger();
        private final AtomicInteger fired = new AtomicInteger();

        private Rule(String method, String pathRegex) {
            this.method = method;
            this.path = Pattern.compile(pathRegex);
        }

        /** Requests with this method ({@code *}: any) whose path matches the whole pattern; watches excluded. */
        public static Rule on(String method, String pathRegex) {
            return new Rule(method, pathRegex);
        }

        /** The faults to inject, one picked at random each time the rule fires. */
        public Rule fail(Fault... fs) {
            faults.addAll(List.of(fs));
            return this;
        }

        public Rule probability(double p) {
            this.probability = p;
            return this;
        }

        /**
         * Fires on its first match whatever the probability (then as the probability says), so that a test which
         * must meet the fault does, however few requests its timing gives the seeded draws.
         */
        public Rule firstAlways() {
            this.firstAlways = true;
            return this;
        }

        /** Fires for the next {@code n} matching requests only. */
        public Rule next(int n) {
            remaining.set(new AtomicInteger(n));
            return this;
        }

        /** Also matches watch requests. */
        public Rule includingWatches() {
            this.watches = true;
            return this;
        }

        /** Requests this rule matched, whether it fired or not. */
        public int matched() {
            return matched.get();
        }

        /** Requests this rule injected a fault into. */
        public int fired() {
            return fired.get();
        }

        public List<Fault> faults() {
            return List.copyOf(faults);
        }

        private Fault decide(Random random) {
            boolean first = matched.getAndIncrement() == 0 && firstAlways;
            Fault f;
            synchronized (random) {
                if (!first && random.nextDouble() >= probability) {
                    return null;
                }
                f = faults.get(random.nextInt(faults.size()));
            }
            AtomicInteger left = remaining.get();
            if (left != null && left.getAndDecrement() <= 0) {
                return null;
            }
            fired.incrementAndGet();
            return f;
        }

        @Override
        public String toString() {
            return method + " " + path + " " + faults + " p=" + probability + " matched=" + matched + " fired=" + fired;
        }
    }
}
