package io.staticpod.it;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.staticpod.it.RuntimeObserver.Seen;
import io.staticpod.it.apiserver.ApiServerExtension;
import io.staticpod.it.apiserver.ApiServerFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The kubelet's node-conformance tests for mirror pods (test/e2e_node/mirror_pod_test.go), in Java, against a real
 * kube-apiserver with Node authorization and NodeRestriction, the agent running as a real node. An API server that
 * fails or is down: {@link ApiServerFaultsIT}.
 */
@ExtendWith(ApiServerExtension.class)
class MirrorPodsApiServerIT {
    static final String TRAP = "trap 'exit 0' TERM; while true; do sleep 3600 & wait $!; done";

    private final ApiServerFixture api;
    private final KubernetesClient admin;
    private final DockerObserver docker = new DockerObserver();
    private final String node = "mirror-" + UUID.randomUUID().toString().substring(0, 8);
    private final String ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
    @TempDir
    Path tmp;
    Path manifests;
    AgentProcess agent;
    Scrape scrape;

    MirrorPodsApiServerIT(ApiServerFixture api) {
        this.api = api;
        this.admin = api.adminClient();
    }

    @BeforeEach
    void setUp() throws IOException {
        ItEnvironment.requireDocker();
        manifests = Files.createDirectories(tmp.resolve("manifests"));
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        int port = OperateAgentIT.freePort();
        scrape = new Scrape(port);
        agent = AgentProcess.start(manifests, node, Files.createDirectories(tmp.resolve("root")),
                "--kubeconfig", api.nodeKubeconfig(node).toString(), "--healthz-port", Integer.toString(port));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (agent != null) {
            agent.close();
        }
        docker.removeAll(node);
    }

    private void write(String file, String image, String script, int grace) throws IOException {
        write(file, "static-web", image, script, grace);
    }

    private void write(String file, String name, String image, String script, int grace) throws IOException {
        String yaml = """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: %s}
                spec:
                  terminationGracePeriodSeconds: %d
                  containers:
                  - name: web
                    image: %s
                    command: ["sh", "-c", "%s"]
                """.formatted(name, ns, grace, image, script);
        Path t = manifests.resolve("." + file + ".tmp");
        Files.writeString(t, yaml, StandardCharsets.UTF_8);
        Files.move(t, manifests.resolve(file), StandardCopyOption.ATOMIC_MOVE);
    }

    private String mirrorName() {
        return "static-web-" + node;
    }

    private Pod mirror() {
        return admin.pods().inNamespace(ns).withName(mirrorName()).get();
    }

    private Pod awaitRunningMirror(String notUid) {
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Pod p = mirror();
            return p != null && !p.getMetadata().getUid().equals(notUid) && p.getMetadata().getDeletionTimestamp() == null
                    && "Running".equals(p.getStatus().getPhase());
        });
        return mirror();
    }

    @Test
    void aStaticPodGetsARunningMirrorWithTheHashAndOneControllerReferenceToItsNode() throws Exception {
        write("static-web.yaml", ItEnvironment.BUSYBOX, TRAP, 2);

        Pod mirror = awaitRunningMirror("");

        var annotations = mirror.getMetadata().getAnnotations();
        assertThat(annotations.get("kubernetes.io/config.mirror")).isEqualTo(annotations.get("kubernetes.io/config.hash"));
        assertThat(annotations.get("kubernetes.io/config.source")).isNotEqualTo("api").isEqualTo("file");
        Node n = admin.nodes().withName(node).get();
        assertThat(mirror.getMetadata().getOwnerReferences()).singleElement().satisfies((OwnerReference ref) -> {
            assertThat(ref.getApiVersion()).isEqualTo("v1");
            assertThat(ref.getKind()).isEqualTo("Node");
            assertThat(ref.getName()).isEqualTo(node);
            assertThat(ref.getUid()).isEqualTo(n.getMetadata().getUid());
            assertThat(ref.getController()).isTrue();
        });
        assertThat(mirror.getSpec().getNodeName()).isEqualTo(node);
        assertThat(mirror.getStatus().getContainerStatuses()).singleElement()
                .satisfies(s -> assertThat(s.getReady()).isTrue());
        assertThat(n.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Ready");
            assertThat(c.getStatus()).isEqualTo("True");
        });
        String wide = kubectl("get", "po", "-n", ns, "-o", "wide");
        assertThat(wide).containsPattern(mirrorName() + "\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+\\S+\\s+" + node);

        // the kubelet's events, as `kubectl describe pod` shows them; a repeat is counted up (PATCH by the node)
        docker.kill(docker.running(node, mirrorName(), "web").get(0).id());
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.v1().events().inNamespace(ns).list().getItems()
                .stream().anyMatch(e -> "Started".equals(e.getReason()) && e.getCount() != null && e.getCount() >= 2
                        && mirrorName().equals(e.getInvolvedObject().getName())));
        assertThat(admin.v1().events().inNamespace(ns).list().getItems()).extracting(e -> e.getReason())
                .contains("Pulled", "Created", "Started");
        assertThat(agent.log()).doesNotContain("cannot get resource \"events\"");
    }

    @Test
    void changingTheManifestsImageRecreatesTheMirror() throws Exception {
        String other = ItEnvironment.BUSYBOX.replaceAll(":[^:/]+$", "") + ":mirror-test";
        new ProcessBuilder("docker", "tag", ItEnvironment.BUSYBOX, other).inheritIO().start().waitFor();
        write("static-web.yaml", ItEnvironment.BUSYBOX, TRAP, 2);
        Pod before = awaitRunningMirror("");

        write("static-web.yaml", other, TRAP, 2);

        Pod after = awaitRunningMirror(before.getMetadata().getUid());
        assertThat(after.getSpec().getContainers().get(0).getImage()).isEqualTo(other);
    }

    @Test
    void aMirrorDeletedGracefullyOrForcedComesBackRunning() throws Exception {
        write("static-web.yaml", ItEnvironment.BUSYBOX, TRAP, 2);
        Pod first = awaitRunningMirror("");
        String containerId = docker.running(node, mirrorName(), "web").get(0).id();

        admin.pods().inNamespace(ns).withName(mirrorName()).delete();
        Pod second = awaitRunningMirror(first.getMetadata().getUid());

        admin.pods().inNamespace(ns).withName(mirrorName()).withGracePeriod(0).delete();
        awaitRunningMirror(second.getMetadata().getUid());

        assertThat(docker.running(node, mirrorName(), "web")).extracting(Seen::id).containsExactly(containerId);
        agent.awaitLog(Duration.ofSeconds(5), "mirror pod", "static-web-" + node);
    }

    @Test
    void aRemovedManifestKeepsItsMirrorRunningForTheGracePeriodThenRemovesIt() throws Exception {
        // the container ignores SIGTERM, so it is stopped only by SIGKILL after the 10 s grace period
        write("static-web.yaml", ItEnvironment.BUSYBOX, "trap '' TERM; while true; do sleep 1; done", 10);
        awaitRunningMirror("");

        Instant removed = Instant.now();
        Files.delete(manifests.resolve("static-web.yaml"));

        await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10)).until(() -> mirror() != null);
        await().atMost(Duration.ofSeconds(30)).until(() -> mirror() == null);
        assertThat(Duration.between(removed, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void aConditionAnotherWriterSetOnTheNodeStaysWhenTheAgentWritesItsStatus() {
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() ->
                readyHeartbeat() != null);
        // as a network plugin or cloud route controller sets it, by the API server's own strategic merge
        admin.nodes().withName(node).subresource("status").patch(PatchContext.of(PatchType.STRATEGIC_MERGE), """
                {"status": {"conditions": [{"type": "NetworkUnavailable", "status": "False",
                  "reason": "RouteCreated", "message": "set by the test"}]}}""");
        String before = readyHeartbeat();

        // the agent's next status write (every 10 s) is a strategic merge too: conditions merge by type
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).alias("the agent's next status")
                .until(() -> !before.equals(readyHeartbeat()));
        Node n = admin.nodes().withName(node).get();
        assertThat(n.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus())
                .contains("NetworkUnavailable=False", "Ready=True");
    }

    /** The Ready condition's lastHeartbeatTime, or null before the agent wrote it. */
    private String readyHeartbeat() {
        Node n = admin.nodes().withName(node).get();
        if (n == null || n.getStatus() == null || n.getStatus().getConditions() == null) {
            return null;
        }
        return n.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready"))
                .map(c -> c.getLastHeartbeatTime()).findFirst().orElse(null);
    }

    @Test
    void everyRequestToTheApiServerShowsInTheAgentsMetrics() throws Exception {
        write("static-web.yaml", ItEnvironment.BUSYBOX, TRAP, 2);
        awaitRunningMirror("");
        String count = "static_pod_agent_mirror_api_request_duration_seconds_count";
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String[] request : new String[][]{{"create", "pods"}, {"patch", "pods/status"},
                    {"watch", "pods"}, {"list", "pods"}, {"patch", "leases"}, {"patch", "nodes/status"},
                    {"create", "events"}}) {
                assertThat(scrape.sum(count, Map.of("verb", request[0], "resource", request[1])))
                        .as(request[0] + " " + request[1]).isPositive();
            }
        });
        // the Node looked up before it was registered: an answer of 404, counted as an error
        assertThat(scrape.sum("static_pod_agent_mirror_api_request_errors_total",
                Map.of("verb", "get", "resource", "nodes", "code", "404"))).isEqualTo(1);
    }

    private String kubectl(String... args) throws IOException, InterruptedException {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("kubectl", "--kubeconfig",
                api.adminKubeconfig().toString()));
        cmd.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
