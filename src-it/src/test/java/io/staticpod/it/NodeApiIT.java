package io.staticpod.it;

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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
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

    private final NodeApiFixture fixture;
    private final ApiServerFixture api;
    private final KubernetesClient admin;
    private final String node;
    private final String ns;
    private final DockerObserver docker = new DockerObserver();

    NodeApiIT(ApiServerFixture api) {
        this.fixture = new NodeApiFixture(api, "nodeapi");
        this.api = api;
        this.admin = fixture.admin;
        this.node = fixture.node;
        this.ns = fixture.ns;
    }

    @BeforeAll
    void startAgent() throws Exception {
        ItEnvironment.requireDocker();
        fixture.start(Map.of("web.yaml", fixture.pod("web", TRAP), "crash.yaml", fixture.pod("crash",
                "echo crashing instance $(cat /proc/sys/kernel/random/uuid); sleep 3; exit 3").replace("command: [",
                "terminationMessagePolicy: FallbackToLogsOnError, command: ["), "http.yaml",
                fixture.pod("http", "mkdir -p /www && echo hello from the pod > /www/index.html && head -c 300000"
                        + " /dev/urandom > /www/big && echo only on the pod loopback > /lo.html && httpd -p 127.0.0.1:8081 -h /"
                        + " && exec httpd -f -p 8080 -h /www")));
    }

    @AfterAll
    void stopAgents() throws Exception {
        fixture.close();
        docker.removeAll(node);
    }

    @Test
    void theNodePublishesItsNodeApiPortAndItsAddressesForTheApiServer() {
        Node n = admin.nodes().withName(node).get();

        assertThat(n.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort()).isEqualTo(fixture.port);
        assertThat(n.getStatus().getAddresses()).extracting(a -> a.getType() + "=" + a.getAddress())
                .contains("InternalIP=127.0.0.1", "Hostname=" + node);
    }

    @Test
    void theApiServerReachesTheNodeWithItsKubeletClientCertificate() throws Exception {
        Cmd pods = kubectl("get", "--raw", "/api/v1/nodes/" + node + "/proxy/pods");
        assertThat(pods.exit()).as(pods.output()).isZero();
        assertThat(pods.output()).contains("\"kind\":\"PodList\"").contains("\"name\":\"web-" + node + "\"");

        Cmd resource = kubectl("get", "--raw", "/api/v1/nodes/" + node + "/proxy/metrics/resource");
        assertThat(resource.exit()).as(resource.output()).isZero();
        assertThat(resource.output()).contains("container_cpu_usage_seconds_total{container=\"app\",namespace=\""
                + ns + "\",pod=\"web-" + node + "\"}").contains("node_memory_working_set_bytes ");

        Cmd healthz = kubectl("get", "--raw", "/api/v1/nodes/" + node + "/proxy/healthz");
        assertThat(healthz.output().strip()).isEqualTo("ok");
    }

    @Test
    void kubectlLogsOfAStaticPodsMirrorOnDockerWithTail() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> kubectl("logs", "-n", ns, "web-" + node).output()
                .contains("line 3"));

        Cmd all = kubectl("logs", "-n", ns, "web-" + node);
        Cmd tail = kubectl("logs", "-n", ns, "web-" + node, "-c", "app", "--tail", "2");

        assertThat(all.exit()).as(all.output()).isZero();
        assertThat(all.output()).startsWith("line 0\nline 1\nline 2\n");
        assertThat(tail.exit()).as(tail.output()).isZero();
        List<String> lines = tail.output().lines().toList();
        assertThat(lines).hasSize(2).allMatch(l -> l.matches("line \\d+"));
        assertThat(Integer.parseInt(lines.get(1).substring(5))).isEqualTo(Integer.parseInt(lines.get(0).substring(5))
                + 1);
    }

    @Test
    void kubectlLogsFollowPrintsNewLinesAsTheContainerWritesThem() throws Exception {
        Process follow = new ProcessBuilder(ApiServerFixture.kubectl(), "--kubeconfig",
                api.adminKubeconfig().toString(), "logs", "-f", "--tail", "1", "-n", ns, "web-" + node)
                .redirectErrorStream(true).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                    follow.getInputStream(), StandardCharsets.UTF_8));
            List<String> read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return List.of(out.readLine(), out.readLine(), out.readLine());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(60, TimeUnit.SECONDS);
            String first = read.get(0);
            String second = read.get(1);
            String third = read.get(2);
            assertThat(first).matches("line \\d+");
            int n = Integer.parseInt(first.substring(5));
            // lines written after kubectl started, one a second, arrive while the stream stays open
            assertThat(List.of(second, third)).containsExactly("line " + (n + 1), "line " + (n + 2));
            assertThat(follow.isAlive()).isTrue();
        } finally {
            follow.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void kubectlLogsPreviousShowsTheCrashedInstanceAndAFollowEndsWithTheInstance() throws Exception {
        String pod = "crash-" + node;
        Cmd before = kubectl("logs", "-n", ns, pod, "--previous");
        if (restarts(pod) == 0) {
            assertThat(before.exit()).isNotZero();
            assertThat(before.output()).contains("previous terminated container \"app\" in pod \"" + pod
                    + "\" not found");
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> restarts(pod) >= 1);

        Cmd previous = kubectl("logs", "-n", ns, pod, "--previous");
        Cmd follow = kubectl("logs", "-f", "-n", ns, pod);

        assertThat(previous.exit()).as(previous.output()).isZero();
        assertThat(previous.output()).matches("crashing instance [0-9a-f-]{36}\n");
        // the instance ends after 3 s (or has ended): the followed stream ends with it, as on a kubelet
        assertThat(follow.exit()).as(follow.output()).isZero();
        assertThat(follow.output()).matches("crashing instance [0-9a-f-]{36}\n");
    }

    @Test
    void kubectlExecOnDockerRunsTheCommandWithItsOutputAndExitCode() throws Exception {
        Cmd hello = kubectl("exec", "-n", ns, "web-" + node, "--", "echo", "hello from", "the pod");
        Cmd failing = kubectl("exec", "-n", ns, "web-" + node, "-c", "app", "--", "sh", "-c",
                "echo to stdout; echo to stderr >&2; exit 3");
        Cmd stdoutOnly = Cmd.run(Duration.ofSeconds(60), List.of("sh", "-c", "\"$0\" \"$@\" 2>/dev/null",
                ApiServerFixture.kubectl(), "--kubeconfig", api.adminKubeconfig().toString(), "exec", "-n", ns,
                "web-" + node, "--", "sh", "-c", "echo to stdout; echo to stderr >&2"), null);
        // more than SPDY's first flow-control window (64 KiB): the copy waits for kubectl's window updates
        Cmd large = kubectl("exec", "-n", ns, "web-" + node, "--", "seq", "1", "30000");

        assertThat(hello.exit()).as(hello.output()).isZero();
        assertThat(hello.output()).isEqualTo("hello from the pod\n");
        assertThat(failing.exit()).as(failing.output()).isEqualTo(3);
        assertThat(failing.output()).contains("to stdout\n").contains("to stderr\n")
                .contains("command terminated with exit code 3");
        assertThat(stdoutOnly.exit()).as(stdoutOnly.output()).isZero();
        assertThat(stdoutOnly.output()).isEqualTo("to stdout\n");
        assertThat(large.exit()).isZero();
        assertThat(large.output().split("\n")).hasSize(30000).endsWith("30000");
    }

    @Test
    void kubectlExecOnDockerGivesTheCommandItsInputAndATerminal() throws Exception {
        Cmd stdin = fixture.kubectlWithInput("some input\nand more\n", "exec", "-i", "-n", ns, "web-" + node, "--",
                "sh", "-c", "cat; echo input ended");
        // kubectl exec -it wants a terminal of its own: script(1) gives it one
        String exec = String.join(" ", ApiServerFixture.kubectl(), "--kubeconfig", api.adminKubeconfig().toString(),
                "--request-timeout=30s", "exec", "-it", "-n", ns, "web-" + node, "--", "sh", "-c",
                "'tty; [ -t 0 ] && echo stdin-is-a-terminal; echo to stderr >&2; exit 6'");
        Cmd terminal = Cmd.run(Duration.ofSeconds(60), List.of("script", "-qec", exec, "/dev/null"));

        assertThat(stdin.exit()).as(stdin.output()).isZero();
        assertThat(stdin.output()).isEqualTo("some input\nand more\ninput ended\n");
        assertThat(terminal.exit()).as(terminal.output()).isEqualTo(6);
        // a terminal ends its lines with CR LF, and carries stderr too
        assertThat(terminal.output()).containsPattern("/dev/pts/\\d+\r\n").contains("stdin-is-a-terminal\r\n")
                .contains("to stderr\r\n");
    }

    @Test
    void whatExecOnDockerCannotRunIsRefusedWithAClearMessage() throws Exception {
        Cmd missing = kubectl("exec", "-n", ns, "web-" + node, "--", "/no/such/program");

        assertThat(missing.exit()).as(missing.output()).isNotZero();
        assertThat(missing.output()).contains("/no/such/program");
    }

    @Test
    void aCommandWhoseKubectlExecHasGoneIsEndedInTheContainer() throws Exception {
        try (Background exec = background("exec", "-n", ns, "web-" + node, "--", "sleep", "603")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> kubectl("exec", "-n", ns, "web-" + node, "--", "ps")
                    .output().contains("sleep 603"));
        }

        // the kubelet's dockershim left it there for good; the agent ends it, as containerd's CRI plugin does
        await().atMost(Duration.ofSeconds(60)).until(() -> !kubectl("exec", "-n", ns, "web-" + node, "--", "ps")
                .output().contains("sleep 603"));
    }

    @Test
    void kubectlAttachOnDockerFollowsTheContainersOwnOutput() throws Exception {
        try (Background attach = background("attach", "-n", ns, "web-" + node)) {
            List<String> said = attach.said;

            // the container prints a line a second: two in a row arrive as they are printed
            await().atMost(Duration.ofSeconds(60)).until(() -> said.stream().filter(l -> l.matches("line \\d+"))
                    .count() >= 2);
            assertThat(attach.process.isAlive()).isTrue();
            List<Integer> numbers = said.stream().filter(l -> l.matches("line \\d+"))
                    .map(l -> Integer.parseInt(l.substring(5))).toList();
            assertThat(numbers.get(1)).isEqualTo(numbers.get(0) + 1);
        }
    }

    /** A kubectl left running (attach, port-forward), what it says read as it says it; killed when closed. */
    private record Background(Process process, List<String> said) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Background background(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(ApiServerFixture.kubectl(), "--kubeconfig",
                api.adminKubeconfig().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> said = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> out.lines().forEach(said::add));
        reader.setDaemon(true);
        reader.start();
        return new Background(p, said);
    }

    @Test
    void kubectlPortForwardOnDockerReachesAPortOfThePodAndItsLoopbackAndSaysWhenNothingListens() throws Exception {
        int local = NodeApiFixture.freePort();
        int loopback = NodeApiFixture.freePort();
        int closed = NodeApiFixture.freePort();
        try (Background forward = background("port-forward", "-n", ns, "http-" + node, local + ":8080",
                loopback + ":8081", closed + ":9999")) {
            List<String> said = forward.said;
            await().atMost(Duration.ofSeconds(60)).until(() -> said.stream().anyMatch(l -> l.startsWith(
                    "Forwarding from 127.0.0.1:" + closed)));
            HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + local
                    + "/index.html")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<byte[]> big = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + local
                    + "/big")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            // a server bound to the pod's own loopback: reached from inside the pod's network namespace, as the
            // kubelet's port-forward reaches it
            HttpResponse<String> inside = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + loopback
                    + "/lo.html")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closed + "/"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);

            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).isEqualTo("hello from the pod\n");
            assertThat(big.body()).hasSize(300000);
            assertThat(inside.statusCode()).isEqualTo(200);
            assertThat(inside.body()).isEqualTo("only on the pod loopback\n");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(said).anySatisfy(l ->
                    assertThat(l).contains("error forwarding port 9999 to pod http-" + node + ", uid ")
                            .contains("Connection refused")));
        }
    }

    @Test
    void theLogsCommandOfTheJarReadsAStaticPodsLogFromDockerDirectly() throws Exception {
        await().atMost(Duration.ofSeconds(90)).until(() -> restarts("crash-" + node) >= 1);

        JarCommand tail = JarCommand.run("logs", "web", "--tail", "1", "--hostname-override", node);
        JarCommand previous = JarCommand.run("logs", "crash-" + node, "app", "--previous", "--hostname-override",
                node, "--runtime", "docker");
        JarCommand unknown = JarCommand.run("logs", "nope", "--hostname-override", node);

        assertThat(tail.exitCode()).as(tail.stderr()).isZero();
        assertThat(tail.stdout()).matches("line \\d+\n");
        assertThat(previous.exitCode()).as(previous.stderr()).isZero();
        assertThat(previous.stdout()).matches("crashing instance [0-9a-f-]{36}\n");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("no static pod \"nope\" on node " + node + "; its static pods: " + ns
                + "/crash-" + node + ", " + ns + "/http-" + node + ", " + ns + "/web-" + node);
    }

    @Test
    void aCrashedContainerWithFallbackToLogsOnErrorHasTheEndOfItsLogAsItsTerminationMessage() {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            var last = admin.pods().inNamespace(ns).withName("crash-" + node).get().getStatus()
                    .getContainerStatuses().get(0).getLastState().getTerminated();
            assertThat(last).isNotNull();
            assertThat(last.getExitCode()).isEqualTo(3);
            assertThat(last.getMessage()).matches("crashing instance [0-9a-f-]{36}\n");
        });
    }

    private int restarts(String pod) {
        var p = admin.pods().inNamespace(ns).withName(pod).get();
        return p == null || p.getStatus().getContainerStatuses().isEmpty() ? 0
                : p.getStatus().getContainerStatuses().get(0).getRestartCount();
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
        assertThat(String.join("\n", fixture.agent().lines())).doesNotContain(token.substring(0, 40));
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
        int deadPort = NodeApiFixture.freePort();
        Path otherRoot = Files.createDirectories(fixture.tmp.resolve("root-dead"));
        int otherPort = NodeApiFixture.freePort();
        // a node of its own: an agent removes the containers of its node name that no manifest of its wants
        String other = node + "-dead";
        AgentProcess second = fixture.agent(other, Files.createDirectories(fixture.tmp.resolve("empty")),
                otherRoot, api.nodeKubeconfig(other, "https://127.0.0.1:" + deadPort), otherPort);
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
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + fixture.port + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client(keys, fixture.root).send(b.build(), HttpResponse.BodyHandlers.ofString());
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

    private Cmd kubectl(String... args) {
        return fixture.kubectl(args);
    }
}
