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
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the agent must do on every runtime, as a user runs it, each test with a node name of its own: a dropped
 * manifest runs, a killed container is restarted with back-off, a removed manifest's pod goes, a restarted agent adopts
 * its containers. The CLI adapters run only these ({@link AgentContainerdIT} on {@code ctr}, {@link DockerCliSmokeIT}
 * on {@code docker-cli}); the API adapters run the whole of {@link AgentBehaviourTests}.
 */
abstract class AgentSmokeTests {
    static final String SLEEPER = "trap 'exit 0' TERM; while true; do sleep 3600 & wait $!; done";

    final RuntimeObserver docker = observer();
    final String node = "it-" + UUID.randomUUID().toString().substring(0, 8);
    @TempDir
    Path tmp;
    Path manifests;
    Path root;
    AgentProcess agent;

    /** The runtime under test. */
    abstract RuntimeObserver observer();

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

    static String pod(String name, String script, String... specLines) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                spec:
                  terminationGracePeriodSeconds: 5
                %s
                  containers:
                  - name: app
                    image: %s
                    command: ["sh", "-c", "%s"]
                """.formatted(name, specLines.length == 0 ? "" : "  " + String.join("\n  ", specLines),
                ItEnvironment.BUSYBOX, script.replace("\"", "\\\""));
    }

    /** Writes a file the way careful tools do: a hidden temporary file, then an atomic rename. */
    void write(String file, String content) throws IOException {
        Path tmpFile = manifests.resolve("." + file + ".tmp");
        Files.writeString(tmpFile, content, StandardCharsets.UTF_8);
        Files.move(tmpFile, manifests.resolve(file), StandardCopyOption.ATOMIC_MOVE);
    }

    AgentProcess startAgent() throws IOException {
        agent = AgentProcess.start(manifests, node, root, docker.agentArgs().toArray(String[]::new));
        return agent;
    }

    Seen awaitRunning(String pod, String container) {
        String podName = pod + "-" + node;
        java.util.concurrent.atomic.AtomicReference<Seen> seen = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).alias(podName + "/" + container + " running")
                .until(() -> one(docker.running(node, podName, container), seen));
        return seen.get(); // what the condition saw: asking again could find it exited meanwhile
    }

    /** Whether {@code found} is exactly one container, which is then kept in {@code seen}. */
    private static boolean one(List<Seen> found, java.util.concurrent.atomic.AtomicReference<Seen> seen) {
        if (found.size() != 1) {
            return false;
        }
        seen.set(found.get(0));
        return true;
    }

    @Test
    void aDroppedManifestRunsWithTheKubeletsNamesAndLabelsAndItsHostPathVolume() throws Exception {
        Path out = tmp.resolve("out");
        startAgent();
        write("hello.yaml", pod("hello", "echo Hello, Kubernetes! > /out/hello.txt; " + SLEEPER,
                "volumes:", "- name: out", "  hostPath: {path: " + out + ", type: DirectoryOrCreate}")
                .replace("    command:", "    volumeMounts: [{name: out, mountPath: /out}]\n    command:"));

        Seen app = awaitRunning("hello", "app");

        String uid = app.labels().get("io.kubernetes.pod.uid");
        if (docker instanceof DockerObserver) { // Docker names, as dockershim's
            assertThat(app.name()).isEqualTo("k8s_app_hello-" + node + "_default_" + uid + "_0");
        }
        assertThat(app.labels()).containsEntry("io.kubernetes.pod.namespace", "default")
                .containsEntry("io.kubernetes.container.name", "app");
        assertThat(docker.running(node, "hello-" + node, "POD")).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(out.resolve("hello.txt")));
        assertThat(Files.readString(out.resolve("hello.txt"))).isEqualTo("Hello, Kubernetes!\n");
        agent.awaitLog(Duration.ofSeconds(5), "Started container of static pod", "pod=default/hello-" + node);
    }

    @Test
    void aKilledContainerIsRestartedAtOnceThenWithBackOff() throws Exception {
        startAgent();
        write("crash.yaml", pod("crash", SLEEPER));
        Seen first = awaitRunning("crash", "app");

        docker.kill(first.id());
        Seen second = awaitRestarted(first, "crash", Duration.ofSeconds(5));
        assertThat(second.restartCount()).isEqualTo(1);

        Instant killed = Instant.now();
        docker.kill(second.id());
        agent.awaitLog(Duration.ofSeconds(5), "Back-off restarting failed container of static pod", "backOff=10s");
        await().atMost(Duration.ofSeconds(25)).until(() -> restarted(second, "crash"));
        assertThat(Duration.between(killed, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(9));
        assertThat(docker.running(node, "crash-" + node, "app").get(0).restartCount()).isEqualTo(2);
        assertThat(agent.log()).contains("Container of static pod exited", "exitCode=137");
    }

    private boolean restarted(Seen old, String pod) {
        List<Seen> now = docker.running(node, pod + "-" + node, "app");
        return now.size() == 1 && !now.get(0).id().equals(old.id());
    }

    private Seen awaitRestarted(Seen old, String pod, Duration atMost) {
        java.util.concurrent.atomic.AtomicReference<Seen> seen = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(atMost).until(() -> {
            List<Seen> now = docker.running(node, pod + "-" + node, "app");
            return !now.isEmpty() && !now.get(0).id().equals(old.id()) && one(now, seen);
        });
        return seen.get();
    }

    @Test
    void aRemovedManifestStopsAndRemovesThePod() throws Exception {
        startAgent();
        write("gone.yaml", pod("gone", SLEEPER));
        awaitRunning("gone", "app");

        Files.delete(manifests.resolve("gone.yaml"));

        await().atMost(Duration.ofSeconds(20)).until(() -> docker.all(node).isEmpty());
        agent.awaitLog(Duration.ofSeconds(5), "Removing static pod", "pod=default/gone-" + node);
    }

    @Test
    void anAgentKilledAndRestartedAdoptsItsContainersWithoutRestartingThem() throws Exception {
        startAgent();
        write("keep.yaml", pod("keep", SLEEPER));
        awaitRunning("keep", "app");
        Set<String> before = ids();

        agent.kill9();
        assertThat(ids()).isEqualTo(before);
        startAgent();
        agent.awaitLog(Duration.ofSeconds(20), "Adding static pod", "pod=default/keep-" + node);

        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> ids().equals(before));
        assertThat(docker.running(node)).hasSize(2);
    }

    Set<String> ids() {
        return docker.all(node).stream().map(Seen::id).collect(Collectors.toSet());
    }
}
