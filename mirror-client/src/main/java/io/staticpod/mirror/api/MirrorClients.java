package io.staticpod.mirror.api;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.staticpod.mirror.AccessReviews;
import io.staticpod.mirror.ApiRequestListener;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.NodeReadiness;
import io.staticpod.mirror.api.http.MeteredHttpClientFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.InstantSource;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the API server mirror client from a kubeconfig, as {@code kubelet --kubeconfig} does: static factories of
 * {@link MirrorClient}, as {@code Executors} are of {@code Executor}.
 */
public final class MirrorClients {
    private static final Logger log = LoggerFactory.getLogger(MirrorClients.class);

    private MirrorClients() {
    }

    /**
     * A client for the node's kubeconfig, not started: call {@link MirrorClient#start()}. Nothing here contacts the
     * API server.
     *
     * @param kubeconfig     the node's kubeconfig (client certificate as file or data, or a bearer token; the CA)
     * @param nodeName       the node name (lowercased)
     * @param nodeLabels     extra labels from {@code --node-labels}
     * @param runtimeVersion the runtime as the Node shows it, {@code docker://20.10.24}
     * @param requests       told of every request made to the API server (the agent's metrics); the runtime is
     *                       taken as always answering (the Node stays Ready)
     * @throws IllegalArgumentException when the kubeconfig cannot be read or names no https server
     */
    public static MirrorClient fromKubeconfig(Path kubeconfig, String nodeName, Map<String, String> nodeLabels,
                                              String runtimeVersion, ApiRequestListener requests) {
        return fromKubeconfig(kubeconfig, NodeFacts.detect(nodeName, nodeLabels, runtimeVersion), Clock.systemUTC(),
                Timing.DEFAULT, requests, NodeReadiness.ALWAYS_READY);
    }

    /**
     * As {@link #fromKubeconfig(Path, String, Map, String, ApiRequestListener)}, with no one told of the requests.
     *
     * @deprecated the requests go unmetered; pass the agent's metrics
     */
    @Deprecated(forRemoval = true)
    public static MirrorClient fromKubeconfig(Path kubeconfig, String nodeName, Map<String, String> nodeLabels,
                                              String runtimeVersion) {
        return fromKubeconfig(kubeconfig, nodeName, nodeLabels, runtimeVersion, ApiRequestListener.NONE);
    }

    /**
     * @param wall      the time written into objects
     * @param readiness the container runtime's health, read for the Node's Ready condition
     */
    public static MirrorClient fromKubeconfig(Path kubeconfig, NodeFacts facts, InstantSource wall, Timing timing,
                                              ApiRequestListener requests, NodeReadiness readiness) {
        return new ApiServerMirrorClient(client(config(kubeconfig), requests), facts, wall, timing, readiness);
    }

    /**
     * A fabric8 client for {@code config} (JDK HTTP client) whose every request is told to {@code requests}, with the
     * mirror objects' JSON serialization (no search of the class path for resource classes).
     */
    static KubernetesClient client(Config config, ApiRequestListener requests) {
        return new KubernetesClientBuilder().withConfig(config).withKubernetesSerialization(MirrorPodObjects.JSON)
                .withHttpClientFactory(new MeteredHttpClientFactory(requests, Ticker.SYSTEM)).build();
    }

    /**
     * The mirror client and the access reviews of the node API, sharing one API client (one connection pool, one
     * set of threads). Nothing here contacts the API server.
     *
     * @param readiness the container runtime's health, read for the Node's Ready condition
     * @throws IllegalArgumentException when the kubeconfig cannot be read or names no https server
     */
    public static Connection connect(Path kubeconfig, NodeFacts facts, ApiRequestListener requests,
                                     NodeReadiness readiness) {
        KubernetesClient client = client(config(kubeconfig), requests);
        return new Connection(new ApiServerMirrorClient(client, facts, Clock.systemUTC(), Timing.DEFAULT, readiness),
                new ApiServerAccessReviews(new RawRequests(client)));
    }

    /**
     * What the agent asks of the API server with the node's credentials.
     *
     * @param mirror  not started; closing it closes the shared client, after which {@code reviews} fail
     * @param reviews TokenReview and SubjectAccessReview for the node API
     */
    public record Connection(MirrorClient mirror, AccessReviews reviews) {
    }

    /**
     * The fabric8 config of a kubeconfig. It holds the credentials, and fabric8's own {@code toString()} prints them
     * (the token included): it never leaves this package, and is never logged.
     *
     * <p>The fabric8 config of a kubeconfig, with TLS verification forced on, and no retries inside a request (the
     * client's own loop retries with backoff, so one slow request never holds the worker for long).
     */
    static Config config(Path kubeconfig) {
        if (!Files.isRegularFile(kubeconfig)) {
            throw new IllegalArgumentException(kubeconfig + ": kubeconfig not found");
        }
        Config config;
        try {
            config = Kubeconfig.read(kubeconfig);
        } catch (IOException | RuntimeException e) {
            // not chained: the parser's message quotes the line it stopped at, which may hold the token or the key
            throw new IllegalArgumentException(kubeconfig + ": cannot read kubeconfig: " + withoutText(e));
        }
        if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
            throw new IllegalArgumentException(kubeconfig + ": the current context names no cluster server");
        }
        URI server = URI.create(config.getMasterUrl());
        if (!"https".equals(server.getScheme()) && !isLoopback(server.getHost())) {
            throw new IllegalArgumentException(kubeconfig + ": server " + server
                    + " is not https; the agent talks to an API server over verified TLS only");
        }
        if (config.isTrustCerts() || config.isDisableHostnameVerification()) {
            log.warn("The kubeconfig asks to skip TLS verification; ignored, the API server's certificate is "
                    + "always verified path={}", kubeconfig);
        }
        config.setTrustCerts(false);
        config.setDisableHostnameVerification(false);
        config.setRequestRetryBackoffLimit(0);
        config.setConnectionTimeout(5_000);
        config.setRequestTimeout(10_000);
        config.setWatchReconnectInterval(1_000);
        config.setWatchReconnectLimit(-1);
        return config;
    }

    private static final Pattern WHERE = Pattern.compile("line (\\d+), column (\\d+)");

    /**
     * A kubeconfig's parse error as the first line of the parser's message and the place, without the excerpt of the
     * file the parser adds (a kubeconfig holds tokens and keys): {@code mapping values are not allowed here (line 11,
     * column 29)}.
     */
    static String withoutText(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || !WHERE.matcher(t.getMessage()).find())) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        Matcher where = WHERE.matcher(message);
        String first = message.lines().findFirst().orElse("").strip();
        int found = first.indexOf("found");
        if (found >= 0) {
            first = first.substring(0, found + 5) + " (not shown)";
        }
        if (first.length() > 120) {
            first = first.substring(0, 120) + "…";
        }
        return where.find() ? first + " (line " + where.group(1) + ", column " + where.group(2) + ")" : first;
    }

    private static boolean isLoopback(String host) {
        try {
            return host != null && InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

}
