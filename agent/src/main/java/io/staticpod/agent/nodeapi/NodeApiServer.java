package io.staticpod.agent.nodeapi;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.staticpod.agent.nodeapi.auth.Authenticator;
import io.staticpod.agent.nodeapi.auth.Authorizer;
import io.staticpod.agent.nodeapi.auth.WebhookAuthorizer;
import io.staticpod.agent.nodeapi.http.HttpServer;
import io.staticpod.agent.nodeapi.metrics.Cgroups;
import io.staticpod.agent.nodeapi.metrics.ResourceMetrics;
import io.staticpod.agent.nodeapi.tls.ServerTls;
import io.staticpod.config.NodeApiConfig;
import io.staticpod.mirror.AccessReviews;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The node API server: TLS set up from the configuration, requests authenticated, authorized and answered by a
 * {@link Dispatcher} over the agent's {@link NodeApiBackend}. When it cannot serve (the port is taken, a certificate
 * or the client CA cannot be read), it logs one ERROR per distinct reason and tries again every
 * {@value #RETRY_SECONDS} s: the static pods never wait for it.
 */
public final class NodeApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeApiServer.class);
    static final int RETRY_SECONDS = 5;

    /**
     * @param hostIp     the node's address, the hostIP of {@code /pods}
     * @param rootDir    the agent's root directory; a self-signed certificate is kept in its {@code pki}
     * @param cgroupRoot {@code /sys/fs/cgroup}
     * @param meminfo    {@code /proc/meminfo}
     * @param maxStreams log streams open at once (more are answered 429)
     */
    public record Options(String nodeName, String hostIp, Path rootDir, Path cgroupRoot, Path meminfo, int maxStreams,
                          HttpServer.Limits limits, InstantSource clock) {
        public static final int MAX_STREAMS = 128;

        public Options {
            Objects.requireNonNull(nodeName, "nodeName");
            Objects.requireNonNull(hostIp, "hostIp");
        }

        public static Options defaults(String nodeName, String hostIp, Path rootDir) {
            return new Options(nodeName, hostIp, rootDir, Path.of("/sys/fs/cgroup"), Path.of("/proc/meminfo"),
                    MAX_STREAMS, HttpServer.Limits.DEFAULT, InstantSource.system());
        }
    }

    private final NodeApiConfig config;
    private final Options options;
    private final Dispatcher dispatcher;
    private final StreamSlots slots;
    private final Streaming streaming;
    private final ScheduledExecutorService retry;
    private volatile HttpServer http;
    private volatile Channel channel;
    private String lastError;
    private volatile boolean closed;

    public NodeApiServer(NodeApiConfig config, Options options, NodeApiBackend backend,
                         Supplier<AccessReviews> reviews) {
        this.config = config;
        this.options = options;
        this.slots = new StreamSlots("node-api-stream", options.maxStreams());
        this.streaming = backend.streaming();
        Authenticator authenticator = new Authenticator(config.webhookAuthentication(),
                config.anonymousAuthentication(), reviews, config.webhookCacheTtl(), options.clock());
        Authorizer authorizer = config.authorizationMode() == NodeApiConfig.AuthorizationMode.ALWAYS_ALLOW
                ? Authorizer.ALWAYS_ALLOW
                : new WebhookAuthorizer(options.nodeName(), reviews, config.cacheAuthorizedTtl(),
                config.cacheUnauthorizedTtl(), options.clock());
        this.dispatcher = new Dispatcher(backend, authenticator, authorizer,
                new ResourceMetrics(new Cgroups(options.cgroupRoot()), options.meminfo(), options.clock()), slots,
                options.hostIp(), options.clock());
        this.retry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "node-api-bind");
            t.setDaemon(true);
            return t;
        });
    }

    /** Serves now, or keeps trying in the background. */
    public void start() {
        retry.execute(this::bind);
    }

    private void bind() {
        if (closed) {
            return;
        }
        HttpServer server = null;
        try {
            SslContext ssl = ServerTls.context(config, options.rootDir().resolve("pki"), options.nodeName(),
                    options.clock());
            server = new HttpServer(ssl, dispatcher::handle, options.limits());
            channel = server.bind(config.address(), config.port());
            http = server;
            log.info("Serving the node API address=https://{}:{} authentication={} authorization={}",
                    config.address(), port(), authentication(), config.authorizationMode().spelling());
            retry.shutdown();
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            String error = e instanceof IOException ? e.getMessage() : e.toString();
            if (!error.equals(lastError)) {
                log.error("Cannot serve the node API (kubectl logs); static pods keep running, retrying every {}s"
                        + " address={}:{} error={}", RETRY_SECONDS, config.address(), config.port(), error);
                lastError = error;
            }
            if (!closed) {
                retry.schedule(this::bind, RETRY_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String authentication() {
        StringBuilder b = new StringBuilder();
        if (config.clientCaFile() != null) {
            b.append("x509,");
        }
        if (config.webhookAuthentication()) {
            b.append("webhook,");
        }
        if (config.anonymousAuthentication()) {
            b.append("anonymous,");
        }
        return b.isEmpty() ? "none" : b.substring(0, b.length() - 1);
    }

    /** The port bound (the configured one, or the one chosen for port 0 in tests), or -1 while not serving. */
    public int port() {
        Channel c = channel;
        return c == null ? -1 : ((InetSocketAddress) c.localAddress()).getPort();
    }

    /** Log streams open now. */
    public int activeStreams() {
        return slots.active();
    }

    /** Streamed responses waiting for a slow client now. */
    public int stalledStreams() {
        HttpServer s = http;
        return s == null ? 0 : s.stalled();
    }

    @Override
    public void close() {
        closed = true;
        retry.shutdownNow();
        Channel c = channel;
        if (c != null) {
            c.close();
        }
        HttpServer s = http;
        if (s != null) {
            s.close();
        }
        slots.close();
        streaming.close();
    }
}
