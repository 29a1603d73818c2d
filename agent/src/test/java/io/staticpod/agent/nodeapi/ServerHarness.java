package io.staticpod.agent.nodeapi;

import io.staticpod.agent.nodeapi.http.HttpServer;
import io.staticpod.agent.nodeapi.tls.Pem;
import io.staticpod.agent.testing.MutableClock;
import io.staticpod.config.NodeApiConfig;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A node API server on a free loopback port, with a self-signed certificate in a temp root, a test client CA,
 * the fake reviews, fake static pods on the fake runtime, and HTTPS clients as given users.
 */
final class ServerHarness implements AutoCloseable {
    static final TestPki PKI = new TestPki("cluster-ca");
    static final TestPki OTHER = new TestPki("other-ca");

    final FakeReviews reviews = new FakeReviews();
    final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T12:00:00Z"));
    final FakeContainerRuntime runtime = new FakeContainerRuntime(clock);
    final FakePods pods = new FakePods(runtime);
    final NodeApiServer server;
    final X509Certificate serving;

    ServerHarness(Path root, NodeApiConfig config, int maxStreams, StaticPodLogs logs, Streaming streaming)
            throws Exception {
        NodeApiBackend backend = new NodeApiBackend(pods, logs, streaming == null ? Streaming.of(runtime) : streaming,
                () -> new NodeApiBackend.Health.Report(true, List.of("[+]ping ok")), new NodeApiBackend.Metrics() {
            @Override
            public String contentType() {
                return "text/plain; version=0.0.4; charset=utf-8";
            }

            @Override
            public void write(java.io.OutputStream out) throws java.io.IOException {
                out.write("static_pod_agent_static_pods{phase=\"Running\"} 1\n".getBytes(StandardCharsets.UTF_8));
            }
        });
        server = new NodeApiServer(config, new NodeApiServer.Options(FakePods.NODE, "127.0.0.1", root,
                root.resolve("cgroup"), root.resolve("meminfo"), maxStreams,
                new HttpServer.Limits(64, 2, 8, Duration.ofSeconds(90), 16 * 1024), clock), backend, () -> reviews);
        server.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> server.port() > 0);
        serving = Pem.certificates(root.resolve("pki/kubelet.crt")).get(0);
    }

    /** Webhook authentication and authorization, x509 from the test CA, on port 0. */
    static NodeApiConfig config(Path root) throws Exception {
        return new NodeApiConfig("127.0.0.1", 0, null, null, List.of(), "TLSv1.2",
                PKI.writeCa(root.resolve("ca.crt")), true, Duration.ofMinutes(2), false,
                NodeApiConfig.AuthorizationMode.WEBHOOK, Duration.ofMinutes(5), Duration.ofSeconds(30), null);
    }

    URI uri(String pathAndQuery) {
        return URI.create("https://127.0.0.1:" + server.port() + pathAndQuery);
    }

    HttpClient client(TestPki.Issued cert) throws Exception {
        SSLContext ctx = TestPki.clientContext(cert, serving);
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(10)).build();
    }

    HttpResponse<String> get(TestPki.Issued cert, String pathAndQuery) throws Exception {
        return client(cert).send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> getWithToken(String token, String pathAndQuery) throws Exception {
        return client(null).send(HttpRequest.newBuilder(uri(pathAndQuery)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.close();
        runtime.close();
    }
}
