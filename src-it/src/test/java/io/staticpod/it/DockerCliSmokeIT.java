package io.staticpod.it;

import io.staticpod.it.RuntimeObserver.Seen;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent on {@code --runtime docker-cli} (the {@code docker} command line) against the real Docker engine: a smoke
 * set of the behaviour tests (start, restart with back-off, removal), and a node switching between the two Docker
 * adapters keeps its pods: the same containers, nothing restarted.
 */
class DockerCliSmokeIT {
    static final String SLEEPER = AgentBehaviourTests.SLEEPER;

    private final DockerObserver docker = new DockerObserver();
    private final String node = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    @TempDir
    Path tmp;
    Path manifests;
    Path root;
    AgentProcess agent;

    @BeforeEach
    void setUp() throws IOException {
        docker.require();
        manifests = Files.createDirectories(tmp.resolve("manifests"));
        root = Files.createDirectories(tmp.resolve("root"));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (agent != null) {
            agent.close();
        }
        docker.removeAll(node);
    }

    private AgentProcess start(String runtime, String... more) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("--runtime", runtime));
        args.addAll(List.of(more));
        agent = AgentProcess.start(manifests, node, root, args.toArray(String[]::new));
        return agent;
    }

    private void write(String file, String content) throws IOException {
        Path t = manifests.resolve("." + file + ".tmp");
        Files.writeString(t, content, StandardCharsets.UTF_8);
        Files.move(t, manifests.resolve(file), StandardCopyOption.ATOMIC_MOVE);
    }

    private Seen awaitRunning(String pod, String container) {
        String podName = pod + "-" + node;
        await().atMost(Duration.ofSeconds(30)).alias(podName + "/" + container + " running")
                .until(() -> docker.running(node, podName, container).size() == 1);
        return docker.running(node, podName, container).get(0);
    }

    private Set<String> ids() {
        return docker.all(node).stream().map(Seen::id).collect(Collectors.toSet());
    }

    @Test
    void aDroppedManifestRunsWithTheKubeletsNamesAndLabels() throws Exception {
        start("docker-cli");
        write("hello.yaml", AgentBehaviourTests.pod("hello", SLEEPER));

        Seen app = awaitRunning("hello", "app");

        String uid = app.label("io.kubernetes.pod.uid");
        assertThat(app.name()).isEqualTo("k8s_app_hello-" + node + "_default_" + uid + "_0");
        assertThat(app.restartCount()).isZero();
        assertThat(docker.running(node, "hello-" + node, "POD")).hasSize(1);
        agent.awaitLog(Duration.ofSeconds(5), "Started container of static pod", "pod=default/hello-" + node);
    }

    @Test
    void aKilledContainerIsRestartedAtOnceThenWithBackOff() throws Exception {
        start("docker-cli");
        write("crash.yaml", AgentBehaviourTests.pod("crash", SLEEPER));
        Seen first = awaitRunning("crash", "app");

        docker.kill(first.id());
        await().atMost(Duration.ofSeconds(10)).until(() -> restarted(first, "crash"));
        Seen second = docker.running(node, "crash-" + node, "app").get(0);
        assertThat(second.restartCount()).isEqualTo(1);

        docker.kill(second.id());
        agent.awaitLog(Duration.ofSeconds(10), "Back-off restarting failed container of static pod", "backOff=10s");
        await().atMost(Duration.ofSeconds(30)).until(() -> restarted(second, "crash"));
        assertThat(docker.running(node, "crash-" + node, "app").get(0).restartCount()).isEqualTo(2);
    }

    private boolean restarted(Seen old, String pod) {
        List<Seen> now = docker.running(node, pod + "-" + node, "app");
        return now.size() == 1 && !now.get(0).id().equals(old.id());
    }

    @Test
    void aRemovedManifestStopsAndRemovesThePod() throws Exception {
        start("docker-cli");
        write("gone.yaml", AgentBehaviourTests.pod("gone", SLEEPER));
        awaitRunning("gone", "app");

        Files.delete(manifests.resolve("gone.yaml"));

        await().atMost(Duration.ofSeconds(30)).until(() -> docker.all(node).isEmpty());
    }

    @Test
    void aNodeSwitchingFromTheDockerCliToTheEngineApiAdoptsItsPodsWithoutRestartingThem() throws Exception {
        start("docker-cli");
        write("keep.yaml", AgentBehaviourTests.pod("keep", SLEEPER));
        write("net.yaml", AgentBehaviourTests.pod("net", SLEEPER, "hostNetwork: true"));
        awaitRunning("keep", "app");
        awaitRunning("net", "app");
        agent.stop();
        Set<String> before = ids();
        assertThat(before).hasSize(4);

        int port = OperateAgentIT.freePort();
        start("docker", "--healthz-port", Integer.toString(port));
        Scrape scrape = new Scrape(port);

        // both pods synced and reported Running by the new agent: whatever it was going to do, it has done
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().alias("both pods Running on the API adapter")
                .until(() -> {
                    String pods = scrape.get("/pods").body();
                    return pods.split("\"phase\" : \"Running\"", -1).length == 3
                            && pods.contains("keep-" + node) && pods.contains("net-" + node);
                });
        assertThat(ids()).isEqualTo(before);
        assertThat(docker.running(node)).hasSize(4);
        assertThat(agent.log()).doesNotContain("Started container of static pod", "Created sandbox of static pod",
                "Killing");
    }
}
