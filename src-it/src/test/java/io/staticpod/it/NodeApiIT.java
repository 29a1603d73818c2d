package io.staticpod.it;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.staticpod.it.apiserver.ApiServerExtension;
import io.staticpod.it.apiserver.ApiServerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The node API of a running agent (real Docker, real kube-apiserver with Node,RBAC and NodeRestriction): the Node
 * publishes its endpoint, the API server reaches it with its kubelet client certificate (kubectl get --raw
 * …/proxy, kubectl logs), and each security case holds: 401 without credentials, TLS refusal of another CA's
 * certificate, 403 from the node for a user without RBAC, ServiceAccount tokens checked by TokenReview, 503 when
 * the API server cannot be asked, 404 for anything that is not a static pod of the node.
 */
@ExtendWith(ApiServerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeApiIT {
    static final String TRAP = "trap 'exit 0' TERM; i=0; while true; do echo line $i; i=$((i+1)); sleep 1 & wait $!; done";

    private final ApiServerFixture api;
    private final KubernetesClient admin;
    private final String node = "nodeapi-" + UUID.randomUUID().toString().substring(0, 8);
    private final String ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
    private final DockerObserver docker = new DockerObserver();
    private final List<AgentProcess> agents = new ArrayList<>();
    private Path tmp;
    private int port;
    private Path root;

    NodeApiIT(ApiServerFixture api) {
        this.api = api;
        this.admin = api.adminClient();
    }

    @BeforeAll
    void startAgent() throws Exception {
        ItEnvironment.requireDocker();
        tmp = Files.createTempDirectory("spa-nodeapi-it-");
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        Path manifests = Files.createDirectories(tmp.resolve("manifests"));
        Files.writeString(manifests.resolve("web.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: %s}
                spec:
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: app
                    image: %s
                    command: ["sh", "-c", "%s"]
                """.formatted(ns, ItEnvironment.BUSYBOX, TRAP));
        port = freePort();
        root = Files.createDirectories(tmp.resolve("root"));
        agents.add(agent(node, manifests, root, api.nodeKubeconfig(node), port));
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(root.resolve("pki/kubelet.crt")));
        agents.get(0).awaitLog(Duration.ofSeconds(90), "Serving the node API");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            var pod = admin.pods().inNamespace(ns).withName("web-" + node).get();
            return pod != null && "Running".equals(pod.getStatus().getPhase());
        });
    }

    private AgentProcess agent(String name, Path manifests, Path rootDir, Path kubeconfig, int nodeApiPort)
            throws IOException {
        return AgentProcess.start(manifests, name, rootDir, "--kubeconfig", kubeconfig.toString(),
                "--healthz-port", "0", "--port", Integer.toString(nodeApiPort), "--address", "127.0.0.1",
                "--node-ip", "127.0.0.1", "--client-ca-file", api.caFile().toString());
    }

    @AfterAll
    void stopAgents() throws Exception {
        for (AgentProcess a : agents) {
            a.close();
        }
        docker.removeAll(node);
    }

    @Test
    void theNodePublishesItsNodeApiPortAndItsAddressesForTheApiServer() {
        Node n = admin.nodes().withName(node).get();

        assertThat(n.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort()).isEqualTo(port);
        assertThat(n.getStatus().getAddresses()).extracting(a -> a.getType() + "=" + a.getAddress())
                .contains("InternalIP=127.0.0.1", "Hostname=" + node);
    }

    @Test
    void theApiServerReachesTheNodeWithItsKubeletClientCertificate() throws Exception {
        Kubectl pods = kubectl("get", "--raw", "/api/v1/nodes/" + node + "/proxy/pods");
        assertThat(pods.code).as(pods.output).isZero();
        assertThat(pods.output).contains("\"kind\":\"PodList\"").contains("\"name\":\"web-" + node + "\"");

        Kubectl resource = kubectl("get", "--raw", "/api/v1/nodes/" + node + "/proxy/metrics/resource");
        assertThat(resource.code).as(resource.output).isZero();
        assertThat(resource.output).contains("container_cpu_usage_seconds_total{container=\"app\",namespace=\""
                + ns + "\",pod=\"web-" + node + "\"}").contains("node_memory_working_set_bytes ");

        Kubectl healthz = kubectl("get", "--raw", "/api/v1/nodes/" + node + "/proxy/healthz");
        assertThat(healthz.output.strip()).isEqualTo("ok");
    }

    @Test
    void kubectlLogsReachesTheNodeWhichReadsThemThroughTheRuntime() throws Exception {
        // the Docker Engine API adapter serves logs: the API server proxies kubectl logs to the node, which reads them
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Kubectl logs = kubectl("logs", "-n", ns, "web-" + node, "--tail", "2");
            assertThat(logs.code).as(logs.output).isZero();
            assertThat(logs.output).containsPattern("line \\d+\n");
        });
    }

    @Test
    void noCertificateAndNoTokenIs401AndAnotherCasCertificateIsRefusedByTls() throws Exception {
        assertThat(get(null, "/pods", null).statusCode()).isEqualTo(401);
        assertThatThrownBy(() -> get(ApiServerFixture.foreignClientKeys("mallory"), "/pods", null))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aClusterUserWithoutRbacIsRefused403ByTheNodeAndAllowedOnceBound() throws Exception {
        String user = "jane-" + UUID.randomUUID().toString().substring(0, 6);
        KeyManager[] jane = api.clientKeys(user, "devs");

        HttpResponse<String> refused = get(jane, "/metrics", null);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("Forbidden (user=" + user + ", verb=get, resource=nodes,"
                + " subresource(s)=[metrics])");

        grant("User", user, null, "proxy");
        HttpResponse<String> pods = get(jane, "/pods", null);
        assertThat(pods.statusCode()).isEqualTo(200);
        assertThat(pods.body()).contains("\"name\":\"web-" + node + "\"");
    }

    @Test
    void aServiceAccountTokenIsCheckedWithTokenReviewAndAuthorizedWithRbac() throws Exception {
        String sa = "scraper-" + UUID.randomUUID().toString().substring(0, 6);
        admin.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata().withName(sa)
                .endMetadata().build()).create();
        String token = admin.serviceAccounts().inNamespace(ns).withName(sa).tokenRequest(new TokenRequestBuilder()
                .withNewSpec().withExpirationSeconds(3600L).endSpec().build()).getStatus().getToken();
        grant("ServiceAccount", sa, ns, "metrics");

        HttpResponse<String> metrics = get(null, "/metrics", token);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("static_pod_agent_static_pods");
        assertThat(get(null, "/pods", token).statusCode()).isEqualTo(403); // nodes/proxy was not granted
        assertThat(get(null, "/metrics", token + "x").statusCode()).isEqualTo(401);
        assertThat(String.join("\n", agents.get(0).lines())).doesNotContain(token.substring(0, 40));
    }

    @Test
    void anythingThatIsNotAStaticPodOfThisNodeIs404() throws Exception {
        KeyManager[] masters = api.clientKeys("root-" + UUID.randomUUID().toString().substring(0, 6),
                "system:masters");
        String pod = "web-" + node;
        for (String path : List.of("/containerLogs/" + ns + "/" + pod + "/nope",
                "/containerLogs/" + ns + "/../app", "/containerLogs/" + ns + "/%2e%2e/app",
                "/containerLogs/" + ns + "%2F" + pod + "/app", "/containerLogs/default/" + pod + "/app",
                "/containerLogs/kube-system/kube-apiserver-" + node + "/kube-apiserver",
                "/containerLogs/" + "n".repeat(3000) + "/" + "p".repeat(3000) + "/app")) {
            assertThat(get(masters, path, null).statusCode()).as(path.length() > 200 ? "long names" : path)
                    .isEqualTo(404);
        }
        assertThat(get(masters, "/containerLogs/" + ns + "/" + pod + "/app?tailLines=-1", null).statusCode())
                .isEqualTo(400);
    }

    @Test
    void anApiServerThatCannotBeAskedMeans503NeverAllowed() throws Exception {
        int deadPort = freePort();
        Path otherRoot = Files.createDirectories(tmp.resolve("root-dead"));
        int otherPort = freePort();
        // a node of its own: an agent removes the containers of its node name that no manifest of its wants
        String other = node + "-dead";
        AgentProcess second = agent(other, Files.createDirectories(tmp.resolve("empty")), otherRoot,
                api.nodeKubeconfig(other, "https://127.0.0.1:" + deadPort), otherPort);
        agents.add(second);
        second.awaitLog(Duration.ofSeconds(90), "Serving the node API");
        HttpClient client = client(api.clientKeys("admin-2", "system:masters"), otherRoot);

        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + otherPort
                + "/pods")).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("the API server does not answer its SubjectAccessReview");
    }

    // --- helpers

    private void grant(String kind, String name, String namespace, String subresource) {
        String role = "nodeapi-" + subresource + "-" + name.toLowerCase();
        admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName(role).endMetadata()
                .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("nodes/" + subresource)
                        .withVerbs("get").build()).build()).createOr(c -> c.update());
        admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(role)
                .endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
                .withName(role).endRoleRef().addNewSubject().withKind(kind).withName(name).withNamespace(namespace)
                .withApiGroup(kind.equals("User") ? "rbac.authorization.k8s.io" : null).endSubject().build())
                .createOr(c -> c.update());
    }

    private HttpResponse<String> get(KeyManager[] keys, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client(keys, root).send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A client presenting {@code keys} (or nothing) and trusting the agent's self-signed certificate. */
    private static HttpClient client(KeyManager[] keys, Path agentRoot) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(agentRoot.resolve("pki/kubelet.crt"))) {
            trust.setCertificateEntry("node", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keys, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    private record Kubectl(int code, String output) {
    }

    private Kubectl kubectl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ApiServerFixture.kubectl(), "--kubeconfig",
                api.adminKubeconfig().toString(), "--request-timeout=30s"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Kubectl(p.exitValue(), out);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
