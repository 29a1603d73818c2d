package io.staticpod.mirror.api;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.staticpod.mirror.MirrorClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Builds the API server mirror client from a kubeconfig, as {@code kubelet --kubeconfig} does. */
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
     * @throws IllegalArgumentException when the kubeconfig cannot be read or names no https server
     */
    public static MirrorClient fromKubeconfig(Path kubeconfig, String nodeName, Map<String, String> nodeLabels,
                                              String runtimeVersion) {
        return fromKubeconfig(kubeconfig, NodeFacts.detect(nodeName, nodeLabels, runtimeVersion), Clock.systemUTC(),
                Timing.DEFAULT);
    }

    public static MirrorClient fromKubeconfig(Path kubeconfig, NodeFacts facts, Clock clock, Timing timing) {
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config(kubeconfig)).build();
        return new ApiServerMirrorClient(client, facts, clock, timing);
    }

    /**
     * The fabric8 config of a kubeconfig, with TLS verification forced on, and no retries inside a request (the
     * client's own loop retries with backoff, so one slow request never holds the worker for long).
     */
    static Config config(Path kubeconfig) {
        if (!Files.isRegularFile(kubeconfig)) {
            throw new IllegalArgumentException(kubeconfig + ": kubeconfig not found");
        }
        Config config;
        try {
            config = Config.fromKubeconfig(null, kubeconfig.toFile());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(kubeconfig + ": cannot read kubeconfig: " + e.getMessage(), e);
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

    private static boolean isLoopback(String host) {
        try {
            return host != null && InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

}
