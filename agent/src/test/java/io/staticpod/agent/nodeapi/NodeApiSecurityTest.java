package io.staticpod.agent.nodeapi;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.staticpod.config.NodeApiConfig;
import io.staticpod.mirror.AccessReviews;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeApiSecurityTest {
    static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2Vu.c2lnbmF0dXJl";

    @TempDir
    Path root;
    ServerHarness api;

    @AfterEach
    void tearDown() {
        if (api != null) {
            api.close();
        }
    }

    ServerHarness start(NodeApiConfig config) throws Exception {
        api = new ServerHarness(root, config, 4, StaticPodLogs.of(new io.staticpod.runtime.spi.testing
                .FakeContainerRuntime()), Streaming.UNSUPPORTED);
        api.pods.run(FakePods.staticPod("kube-system", "etcd", "etcd"));
        return api;
    }

    ServerHarness start() throws Exception {
        return start(ServerHarness.config(root));
    }

    @Test
    void aRequestWithoutCertificateAndWithoutTokenIs401() throws Exception {
        start();

        HttpResponse<String> r = api.get(null, "/pods");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(api.reviews.accessReviews).hasValue(0);
    }

    @Test
    void aCertificateOfAnotherCaIsRefusedDuringTheHandshake() throws Exception {
        start();

        assertThatThrownBy(() -> api.get(ServerHarness.OTHER.client("mallory", "system:masters"), "/pods"))
                .isInstanceOf(IOException.class)
                .satisfies(e -> assertThat(causes(e)).anyMatch(c -> c instanceof SSLHandshakeException
                        || String.valueOf(c.getMessage()).contains("certificate")));
        assertThat(api.reviews.accessReviews).hasValue(0);
    }

    @Test
    void aClientCertificateIsItsCnInItsOrganizationsAndItsRequestIsAuthorizedForThisNode() throws Exception {
        start();
        api.reviews.allow("jane", "get", "proxy");

        HttpResponse<String> r = api.get(ServerHarness.PKI.client("jane", "devs", "ops"), "/pods");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"kind\":\"PodList\"").contains("\"name\":\"etcd-node-1\"");
        AccessReviews.AccessRequest asked = api.reviews.last;
        assertThat(asked.user().name()).isEqualTo("jane");
        assertThat(asked.user().groups()).containsExactly("devs", "ops");
        assertThat(asked).extracting(AccessReviews.AccessRequest::verb, AccessReviews.AccessRequest::resource,
                AccessReviews.AccessRequest::subresource, AccessReviews.AccessRequest::name)
                .containsExactly("get", "nodes", "proxy", "node-1");
    }

    @Test
    void aValidUserWithoutNodesProxyIsRefused403ByTheNodeItself() throws Exception {
        start();
        api.reviews.allow("jane", "get", "metrics");

        HttpResponse<String> r = api.get(ServerHarness.PKI.client("jane"), "/containerLogs/kube-system/etcd-node-1/etcd");

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("Forbidden (user=jane, verb=get, resource=nodes, subresource(s)=[proxy])");
        assertThat(api.get(ServerHarness.PKI.client("jane"), "/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void aBearerTokenIsCheckedByTokenReviewAndItsVerdictKeptForCacheTtl() throws Exception {
        start();
        api.reviews.tokens.put(TOKEN, new AccessReviews.User("system:serviceaccount:mon:scraper", "u1",
                List.of("system:serviceaccounts"), Map.of()));
        api.reviews.allow("system:serviceaccount:mon:scraper", "get", "metrics");

        assertThat(api.getWithToken(TOKEN, "/metrics").statusCode()).isEqualTo(200);
        assertThat(api.getWithToken(TOKEN, "/metrics/resource").statusCode()).isEqualTo(200);
        assertThat(api.reviews.tokenReviews).hasValue(1);

        api.clock.advance(Duration.ofMinutes(2));
        assertThat(api.getWithToken(TOKEN, "/metrics").statusCode()).isEqualTo(200);
        assertThat(api.reviews.tokenReviews).hasValue(2);
        assertThat(api.getWithToken("not-a-token", "/metrics").statusCode()).isEqualTo(401);
    }

    @Test
    void sarAnswersAreCachedForTheAllowedAndDeniedTtlsOfTheConfig() throws Exception {
        start();
        TestPki.Issued jane = ServerHarness.PKI.client("jane");
        api.reviews.allow("jane", "get", "proxy");
        api.get(jane, "/pods");
        api.get(jane, "/pods");
        assertThat(api.reviews.accessReviews).hasValue(1);
        api.get(jane, "/healthz");
        assertThat(api.reviews.accessReviews).hasValue(1); // same verb on the same subresource

        api.get(jane, "/metrics"); // denied
        api.get(jane, "/metrics");
        assertThat(api.reviews.accessReviews).hasValue(2);
        api.clock.advance(Duration.ofSeconds(30)); // cacheUnauthorizedTTL over, cacheAuthorizedTTL not
        api.get(jane, "/metrics");
        api.get(jane, "/pods");
        assertThat(api.reviews.accessReviews).hasValue(3);
        api.clock.advance(Duration.ofMinutes(5));
        api.get(jane, "/pods");
        assertThat(api.reviews.accessReviews).hasValue(4);
    }

    @Test
    void anApiServerThatCannotBeAskedMeans503NeverAllowedAndNothingCached() throws Exception {
        start();
        api.reviews.allow("jane", "get", "proxy");
        api.reviews.tokens.put(TOKEN, new AccessReviews.User("jane", null, null, null));
        api.reviews.down = true;

        HttpResponse<String> r = api.get(ServerHarness.PKI.client("jane"), "/pods");
        HttpResponse<String> t = api.getWithToken(TOKEN, "/pods");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("Authorization error (user=jane, verb=get, resource=nodes, subresource=proxy)");
        assertThat(t.statusCode()).isEqualTo(503);
        api.reviews.down = false;
        assertThat(api.get(ServerHarness.PKI.client("jane"), "/pods").statusCode()).isEqualTo(200);
        assertThat(api.getWithToken(TOKEN, "/pods").statusCode()).isEqualTo(200);
    }

    @Test
    void anonymousRequestsAreRefusedUnlessEnabledAndThenStillAuthorized() throws Exception {
        NodeApiConfig c = ServerHarness.config(root);
        start(new NodeApiConfig(c.address(), c.port(), null, null, List.of(), "TLSv1.2", c.clientCaFile(), true,
                c.webhookCacheTtl(), true, c.authorizationMode(), c.cacheAuthorizedTtl(), c.cacheUnauthorizedTtl(),
                null));

        assertThat(api.get(null, "/pods").statusCode()).isEqualTo(403);
        assertThat(api.reviews.last.user().name()).isEqualTo("system:anonymous");
        assertThat(api.reviews.last.user().groups()).containsExactly("system:unauthenticated");
        api.reviews.allow("system:anonymous", "get", "proxy");
        api.clock.advance(Duration.ofMinutes(1));
        assertThat(api.get(null, "/pods").statusCode()).isEqualTo(200);
        // a bad token is never let in as anonymous
        assertThat(api.getWithToken("bad", "/pods").statusCode()).isEqualTo(401);
    }

    @Test
    void anythingThatIsNotAStaticPodOfThisNodeIs404WhateverThePathHolds() throws Exception {
        start();
        TestPki.Issued jane = ServerHarness.PKI.client("jane");
        api.reviews.allow("jane", "get", "proxy").allow("jane", "get", "metrics");
        String longName = "a".repeat(5000);

        for (String path : List.of("/containerLogs/kube-system/etcd-node-1/nope",
                "/containerLogs/kube-system/etcd/etcd",
                "/containerLogs/default/etcd-node-1/etcd",
                "/containerLogs/kube-system/../etcd",
                "/containerLogs/kube-system/%2e%2e/etcd",
                "/containerLogs/kube-system%2Fetcd-node-1/etcd",
                "/containerLogs/kube-system/etcd-node-1%2Fetcd/etcd",
                "/containerLogs/kube-system/etcd-node-1/etcd%2F..%2F..",
                "/containerLogs/kube-system/etcd-node-1/etcd/extra",
                "/containerLogs/kube-system//etcd",
                "/containerLogs/" + longName + "/" + longName + "/" + longName,
                "/metrics/../containerLogs/kube-system/etcd-node-1/etcd",
                "/nope", "/")) {
            assertThat(api.get(jane, path).statusCode()).as(path.length() > 100 ? "long names" : path).isEqualTo(404);
        }
    }

    @Test
    void execAttachAndPortForwardNeedCreateEvenForAWebSocketGet() throws Exception {
        start();
        TestPki.Issued jane = ServerHarness.PKI.client("jane");
        api.reviews.allow("jane", "get", "proxy");

        HttpResponse<String> r = api.client(jane).send(HttpRequest.newBuilder(
                        api.uri("/exec/kube-system/etcd-node-1/etcd?command=sh")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(api.reviews.last.verb()).isEqualTo("create");
        api.reviews.allow("jane", "create", "proxy");
        api.clock.advance(Duration.ofSeconds(30)); // the denial was cached for cacheUnauthorizedTTL
        assertThat(api.get(jane, "/portForward/kube-system/etcd-node-1?port=80").statusCode())
                .isEqualTo(400); // not an upgrade: refused as the kubelet refuses it
    }

    @Test
    void noTokenCertificateOrHeaderEverReachesALogLine() throws Exception {
        Logger nodeApi = (Logger) LoggerFactory.getLogger("io.staticpod.agent.nodeapi");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        nodeApi.addAppender(lines);
        Level before = nodeApi.getLevel();
        nodeApi.setLevel(Level.TRACE);
        try {
            start();
            api.reviews.tokens.put(TOKEN, new AccessReviews.User("bob", null, null, null));
            api.getWithToken(TOKEN, "/pods"); // 403
            api.getWithToken(TOKEN + "x", "/pods"); // 401
            api.reviews.down = true;
            api.getWithToken(TOKEN + "y", "/pods"); // 503
            api.get(ServerHarness.PKI.client("jane"), "/pods"); // 503
            HttpClient.newBuilder().sslContext(TestPki.clientContext(null, api.serving)).build()
                    .send(HttpRequest.newBuilder(api.uri("/pods")).header("X-Secret", "hunter2")
                            .header("Authorization", "Basic dXNlcjpodW50ZXIy").build(),
                            HttpResponse.BodyHandlers.ofString());
        } finally {
            nodeApi.setLevel(before);
            nodeApi.detachAppender(lines);
        }

        assertThat(lines.list).isNotEmpty();
        for (ILoggingEvent e : lines.list) {
            String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                    : e.getThrowableProxy().getMessage());
            assertThat(line).doesNotContain(TOKEN.substring(0, 20)).doesNotContain("hunter2")
                    .doesNotContain("dXNlcjpodW50ZXIy").doesNotContain("BEGIN").doesNotContainIgnoringCase("x-secret")
                    .doesNotContainIgnoringCase("authorization:");
        }
    }

    @Test
    void tlsMinVersion13RefusesATls12ClientAndTheConfiguredSuitesAreTheOnlyTls12Ones() throws Exception {
        NodeApiConfig c = ServerHarness.config(root);
        start(new NodeApiConfig(c.address(), c.port(), null, null, List.of(), "TLSv1.3", c.clientCaFile(), true,
                c.webhookCacheTtl(), false, c.authorizationMode(), c.cacheAuthorizedTtl(), c.cacheUnauthorizedTtl(),
                null));

        assertThatThrownBy(() -> tls12(null).send(HttpRequest.newBuilder(api.uri("/pods")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        assertThat(api.get(null, "/pods").statusCode()).isEqualTo(401); // TLS 1.3 gets through to authentication
    }

    @Test
    void onlyTheConfiguredTls12CipherSuitesAreOffered() throws Exception {
        NodeApiConfig c = ServerHarness.config(root);
        start(new NodeApiConfig(c.address(), c.port(), null, null, List.of("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
                "TLSv1.2", c.clientCaFile(), true, c.webhookCacheTtl(), false, c.authorizationMode(),
                c.cacheAuthorizedTtl(), c.cacheUnauthorizedTtl(), null));

        assertThat(tls12("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384").send(HttpRequest.newBuilder(api.uri("/pods"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThatThrownBy(() -> tls12("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256").send(HttpRequest.newBuilder(
                api.uri("/pods")).build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    private HttpClient tls12(String suite) throws Exception {
        javax.net.ssl.SSLParameters params = new javax.net.ssl.SSLParameters();
        params.setProtocols(new String[]{"TLSv1.2"});
        if (suite != null) {
            params.setCipherSuites(new String[]{suite});
        }
        return HttpClient.newBuilder().sslContext(TestPki.clientContext(null, api.serving)).sslParameters(params)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> out = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && !out.contains(t); t = t.getCause()) {
            out.add(t);
        }
        return out;
    }
}
