package io.staticpod.mirror.api;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's mock API server in CRUD mode (with expectations for refusals), on a port that survives a restart, and
 * clients for it: one for the mirror client (no retries inside a request, as {@link MirrorClients} configures),
 * one for the test to look with, as kubectl would.
 */
final class MockApi implements AutoCloseable {
    private KubernetesMockServer server;
    private final int port;
    private final List<KubernetesClient> clients = new ArrayList<>();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final List<String> deleteBodies = new ArrayList<>();

    private MockApi(int port, boolean start) {
        this.port = port;
        if (start) {
            start();
        }
    }

    /** A running server. */
    static MockApi started() {
        KubernetesMockServer probe = newServer();
        probe.start(InetAddress.getLoopbackAddress(), 0);
        int port = probe.getPort();
        probe.shutdown();
        return new MockApi(port, true);
    }

    /** A port nothing listens on yet; {@link #start()} brings an empty API server there. */
    static MockApi down() {
        MockApi api = started();
        api.stop();
        return api;
    }

    private static KubernetesMockServer newServer() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        return new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
    }

    void start() {
        server = newServer();
        server.start(InetAddress.getLoopbackAddress(), port);
    }

    void stop() {
        server.shutdown();
    }

    KubernetesMockServer server() {
        return server;
    }

    Config config() {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl("http://127.0.0.1:" + port)
                .withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(1_000)
                .withRequestTimeout(5_000)
                .withWatchReconnectInterval(200)
                .withWatchReconnectLimit(-1)
                .build();
    }

    /** A client for the mirror client (it closes it). */
    KubernetesClient newClient() {
        return new KubernetesClientBuilder().withConfig(config()).build();
    }

    /** The test's own client, as kubectl. */
    KubernetesClient kubectl() {
        KubernetesClient c = newClient();
        clients.add(c);
        return c;
    }

    /** Every request the server got since the last call, oldest first, as {@code METHOD path}. */
    List<String> takeRequests() throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (RecordedRequest r; (r = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null; ) {
            requests.add(r);
            out.add(r.getMethod() + " " + r.getPath());
        }
        return out;
    }

    /** The bodies of DELETE requests received since the last call of this or {@link #takeRequests()}. */
    List<String> deleteBodies() throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (RecordedRequest r; (r = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null; ) {
            requests.add(r);
            if (r.getMethod().equals("DELETE") && r.getBody() != null) {
                deleteBodies.add(r.getBody().readUtf8());
            }
        }
        out.addAll(deleteBodies);
        return out;
    }

    @Override
    public void close() {
        clients.forEach(KubernetesClient::close);
        if (server != null) {
            server.shutdown();
        }
    }
}
