package io.staticpod.it;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.staticpod.it.RuntimeObserver.Seen;
import io.staticpod.it.apiserver.ApiServerExtension;
import io.staticpod.it.apiserver.ApiServerFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The container runtime stopped for 20 s ({@code systemctl stop docker}, {@code systemctl stop containerd}) and
 * started again, under a running agent that publishes to a real API server. The runtime is a private instance
 * ({@link PrivateRuntime}), so the shared ones keep serving the other tests. While it is down: {@code /healthz}
 * fails naming the runtime, the Node's Ready condition turns False naming it, the log says so once, and the agent
 * keeps running with its pods and mirrors. When it returns: the pods run again (on Docker, whose containers die
 * with the daemon, as restarted containers with restartCount 1, as the kubelet reports them; on containerd, whose
 * tasks outlive it under their shims, the very same containers), and the node is Ready again.
 */
@ExtendWith(ApiServerExtension.class)
abstract class RuntimeRestartTests {
    static final Duration OUTAGE = Duration.ofSeconds(20);
    static final List<String> CONTAINERS = List.of("POD", "a", "b");

    private final ApiServerFixture api;
    private final KubernetesClient admin;
    private final String node = "rt-" + UUID.randomUUID().toString().substring(0, 8);
    private final String ns = "rt-" + UUID.randomUUID().toString().substring(0, 8);
    private final String mirrorName = "web-" + node;
    @TempDir
    Path tmp;
    PrivateRuntime runtime;
    AgentProcess agent;
    Scrape scrape;

    RuntimeRestartTests(ApiServerFixture api) {
        this.api = api;
        this.admin = api.adminClient();
    }

    abstract RuntimeObserver shared();

    abstract PrivateRuntime newRuntime() throws Exception;

    /** The restartCount of each app container once the runtime is back. */
    abstract int restartCountAfter();

    @BeforeEach
    void setUp() throws Exception {
        shared().require(); // the agent jar, and the images to copy in
        runtime = newRuntime();
        runtime.start();
        runtime.loadImages();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (agent != null) {
                agent.close();
            }
        } finally {
            if (runtime != null) {
                runtime.close();
            }
            admin.namespaces().withName(ns).delete();
            admin.nodes().withName(node).delete();
        }
    }

    @Test
    void downFor20sItIsReportedThenThePodsRunAgainAndTheNodeIsReady() throws Exception {
        Path manifests = Files.createDirectories(tmp.resolve("manifests"));
        Files.writeString(manifests.resolve("web.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: %s}
                spec:
                  terminationGracePeriodSeconds: 2
                  containers:
                  - {name: a, image: %s, command: ["sh", "-c", "%s"]}
                  - {name: b, image: %s, command: ["sh", "-c", "%s"]}
                """.formatted(ns, ItEnvironment.BUSYBOX, AgentKillTests.TRAP, ItEnvironment.BUSYBOX,
                AgentKillTests.TRAP), StandardCharsets.UTF_8);
        int port = OperateAgentIT.freePort();
        scrape = new Scrape(port);
        List<String> args = new ArrayList<>(runtime.agentArgs());
        args.addAll(List.of("--kubeconfig", api.nodeKubeconfig(node).toString(), "--healthz-port",
                Integer.toString(port)));
        agent = AgentProcess.start(runtime.agentEnv(), manifests, node, Files.createDirectories(tmp.resolve("root")),
                args.toArray(String[]::new));
        long pid = agent.pid();

        Map<String, String> before = awaitPodRunning(0, "the first start");
        awaitReady("True", "the first start");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().alias("/healthz ok")
                .until(() -> scrape.get("/healthz").statusCode() == 200);

        runtime.stop();
        Instant down = Instant.now();
        String name = runtime.name();
        await().atMost(OUTAGE).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .alias("/healthz fails naming the runtime").untilAsserted(() -> {
                    HttpResponse<String> health = scrape.get("/healthz");
                    assertThat(health.statusCode()).isEqualTo(500);
                    assertThat(health.body()).contains("[-]runtime failed: the container runtime is down since",
                            name + " does not answer");
                });
        NodeCondition notReady = awaitReady("False", "the runtime is down");
        assertThat(notReady.getMessage()).startsWith("container runtime is down: " + name + " does not answer");
        assertThat(agent.log()).contains("Container runtime does not answer", "runtime=" + name);
        Duration left = OUTAGE.minus(Duration.between(down, Instant.now()));
        if (!left.isNegative() && !left.isZero()) {
            await().during(left).atMost(left.plusSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().alias("the agent runs on, its mirror stays, /healthz keeps failing")
                    .until(() -> agent.alive() && mirror() != null && scrape.get("/healthz").statusCode() == 500);
        }

        runtime.start();
        Map<String, String> after = awaitPodRunning(restartCountAfter(), "the runtime is back");
        awaitReady("True", "the runtime is back");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().alias("/healthz ok again")
                .until(() -> scrape.get("/healthz").statusCode() == 200);
        agent.awaitLog(Duration.ofSeconds(10), "Container runtime answers again", "runtime=" + name);

        if (restartCountAfter() == 0) {
            assertThat(after).as("the containers that outlived the runtime's restart").isEqualTo(before);
        } else {
            assertThat(after.values()).as("new containers").doesNotContainAnyElementsOf(before.values());
        }
        assertThat(agent.alive()).isTrue();
        assertThat(agent.pid()).isEqualTo(pid);
        assertThat(agent.lines().stream().filter(l -> l.contains("Starting static-pod-agent"))).hasSize(1);
        assertThat(agent.lines().stream().filter(l -> l.contains("Container runtime does not answer")))
                .as("the outage is logged once").hasSize(1);
    }

    private Pod mirror() {
        return admin.pods().inNamespace(ns).withName(mirrorName).get();
    }

    /**
     * Waits until the pod runs, one instance of each container, and its mirror shows it running with these restart
     * counts; returns the container ids by container name.
     */
    private Map<String, String> awaitPodRunning(int restartCount, String when) {
        Map<String, String> ids = new TreeMap<>();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .alias(when + ": the pod runs, and its mirror says so").untilAsserted(() -> {
                    List<Seen> running = runtime.all(node).stream().filter(Seen::running).toList();
                    assertThat(running).extracting(c -> c.label("io.kubernetes.container.name"))
                            .containsExactlyInAnyOrderElementsOf(CONTAINERS);
                    Pod mirror = mirror();
                    assertThat(mirror.getStatus().getPhase()).as("mirror status %s; the agent's /pods: %s",
                            mirror.getStatus(), scrape.get("/pods").body()).isEqualTo("Running");
                    assertThat(mirror.getStatus().getContainerStatuses()).hasSize(2).allSatisfy((ContainerStatus s) -> {
                        assertThat(s.getReady()).isTrue();
                        assertThat(s.getRestartCount()).isEqualTo(restartCount);
                    });
                    ids.clear();
                    running.forEach(c -> ids.put(c.label("io.kubernetes.container.name"), c.id()));
                });
        return ids;
    }

    private NodeCondition awaitReady(String status, String when) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .alias(when + ": the Node's Ready condition is " + status)
                .until(() -> {
                    Node n = admin.nodes().withName(node).get();
                    return n.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
                            .findFirst().orElseThrow();
                }, c -> status.equals(c.getStatus()));
    }
}
