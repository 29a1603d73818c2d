package io.staticpod.mirror.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.staticpod.mirror.ApiRequestListener;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's mock API server in CRUD mode (with expectations for refusals), on a port that survives a restart, and
 * clients for it: one for the mirror client (no retries inside a request, metered, as {@link MirrorClients} builds
 * it), one for the test to look with, as kubectl would. It checks none of the API server's rules (Node authorizer,
 * NodeRestriction, field selectors on watches, strategic merge): those are the integration tests' (src-it).
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
                new MockApiDispatcher(responses), false);
    }

    /**
     * Two things the client asks that fabric8's mock server does not do, done the nearest way it can, so that what
     * the mock can check is checked: it answers a strategic merge patch (the Node's status, whose conditions the real
     * API server merges by type) with 415, so it gets a JSON merge patch, which for our whole status with no other
     * writer comes to the same; and a watch with {@code fieldSelector=spec.nodeName=...} gets no events from it, so it
     * lists and watches all pods (the client keeps only this node's mirrors). The real behaviour of both is the
     * integration tests' (src-it, on a real kube-apiserver).
     */
    private static final class MockApiDispatcher extends KubernetesMixedDispatcher {
        private static final ObjectMapper JSON = new ObjectMapper();

        MockApiDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
            super(responses);
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String type = request.getHeader("Content-Type");
            String path = request.getPath();
            var headers = request.getHeaders();
            var body = request.getBody();
            if ("PATCH".equals(request.getMethod()) && type != null && type.contains("strategic-merge-patch")) {
                headers = headers.newBuilder().set("Content-Type", "application/json-patch+json").build();
                body = new Buffer(asJsonPatch(request.getUtf8Body()).getBytes(StandardCharsets.UTF_8));
            }
            if ("GET".equals(request.getMethod()) && path != null && path.contains("fieldSelector=spec.nodeName")) {
                path = path.replaceAll("fieldSelector=spec\\.nodeName[^&]*&?", "").replaceAll("[?&]$", "");
            }
            if (body != request.getBody() || !Objects.equals(path, request.getPath())) {
                request = new RecordedRequest(request.getHttpVersion(), request.method(), path, headers, body);
            }
            return super.dispatch(request);
        }

        /** {@code {"status": {"a": …}}} as {@code [{"op": "add", "path": "/status/a", "value": …}, …]}. */
        private static String asJsonPatch(String mergePatch) {
            try {
                JsonNode patch = JSON.readTree(mergePatch);
                ArrayNode ops = JSON.createArrayNode();
                patch.fields().forEachRemaining(top -> top.getValue().fields().forEachRemaining(f ->
                        ops.addObject().put("op", "add").put("path", "/" + top.getKey() + "/" + f.getKey())
                                .set("value", f.getValue())));
                return ops.toString();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
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

    /** A client for the mirror client (it closes it), built as {@link MirrorClients} builds one. */
    KubernetesClient newClient(ApiRequestListener requests) {
        return MirrorClients.client(config(), requests);
    }

    /** The test's own client, as kubectl. */
    KubernetesClient kubectl() {
        KubernetesClient c = new KubernetesClientBuilder().withConfig(config()).build();
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
