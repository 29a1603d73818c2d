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
 * The agent as a user runs it, against a real runtime, each test with a node name of its own. The same tests run
 * on Docker ({@link AgentDockerIT}) and on containerd ({@link AgentContainerdIT}).
 */
abstract class AgentBehaviourTests {
    static final String SLEEPER = "trap 'exit 0' TERM; while true; do sleep 3600 & wait $!; done";

    private final RuntimeObserver docker = observer();
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
        await().atMost(Duration.ofSeconds(30)).alias(podName + "/" + container + " running")
                .until(() -> docker.running(node, podName, container).size() == 1);
        return docker.running(node, podName, container).get(0);
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
    void containersOfAPodShareTheSandboxNetwork() throws Exception {
        startAgent();
        String example = Files.readString(ItEnvironment.EXAMPLES.resolve("two-containers.yaml"))
                .replaceAll("image: busybox:[^\\s]+", "image: " + ItEnvironment.BUSYBOX);
        write("two-containers.yaml", example);

        Seen fetcher = awaitRunning("web-pair", "fetcher");

        await().atMost(Duration.ofSeconds(20)).until(() -> logs(fetcher.id()).contains("hello from web"));
    }

    @Test
    void aKilledContainerIsRestartedAtOnceThenWithBackOff() throws Exception {
        startAgent();
        write("crash.yaml", pod("crash", SLEEPER));
        Seen first = awaitRunning("crash", "app");

        docker.kill(first.id());
        await().atMost(Duration.ofSeconds(5)).until(() -> restarted(first, "crash"));
        Seen second = docker.running(node, "crash-" + node, "app").get(0);
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

    @Test
    void anEditedManifestReplacesThePodStoppingTheOldOneFirst() throws Exception {
        startAgent();
        write("edit.yaml", pod("edit", SLEEPER));
        Seen before = awaitRunning("edit", "app");

        write("edit.yaml", pod("edit", "echo v2; " + SLEEPER));

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<Seen> now = docker.running(node, "edit-" + node, "app");
            return now.size() == 1 && !now.get(0).id().equals(before.id());
        });
        Seen after = docker.running(node, "edit-" + node, "app").get(0);
        assertThat(after.labels().get("io.kubernetes.pod.uid"))
                .isNotEqualTo(before.labels().get("io.kubernetes.pod.uid"));
        assertThat(docker.all(node)).extracting(c -> c.labels().get("io.kubernetes.pod.uid"))
                .containsOnly(after.labels().get("io.kubernetes.pod.uid"));
        List<String> log = agent.lines();
        int stopped = indexOf(log, "Stopped static pod containers");
        int started = lastIndexOf(log, "Started container of static pod");
        assertThat(stopped).as("old pod stopped before the new one started").isBetween(0, started);
    }

    @Test
    void aCommentOnlyEditChangesNothing() throws Exception {
        startAgent();
        write("same.yaml", pod("same", SLEEPER));
        Seen before = awaitRunning("same", "app");

        write("same.yaml", "# a comment\n" + pod("same", SLEEPER) + "\n\n");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> docker.all(node).stream().map(Seen::id).collect(Collectors.toSet())
                        .contains(before.id()) && docker.all(node).size() == 2);
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

    @Test
    void containersOfAManifestRemovedWhileTheAgentWasDownAreRemovedAfterTheFirstScan() throws Exception {
        startAgent();
        write("orphan.yaml", pod("orphan", SLEEPER));
        write("stays.yaml", pod("stays", SLEEPER));
        awaitRunning("orphan", "app");
        Seen stays = awaitRunning("stays", "app");
        agent.kill9();

        Files.delete(manifests.resolve("orphan.yaml"));
        startAgent();

        await().atMost(Duration.ofSeconds(20)).until(() -> docker.all(node).stream()
                .noneMatch(c -> ("orphan-" + node).equals(c.labels().get("io.kubernetes.pod.name"))));
        assertThat(docker.running(node, "stays-" + node, "app")).extracting(Seen::id)
                .containsExactly(stays.id());
    }

    @Test
    void aManifestThatTurnsInvalidKeepsItsLastGoodVersionRunning() throws Exception {
        startAgent();
        write("web.yaml", pod("web", SLEEPER));
        Seen running = awaitRunning("web", "app");

        write("web.yaml", pod("web", SLEEPER).replace("  containers:", "  containers\n  - oops: ["));

        agent.awaitLog(Duration.ofSeconds(10), "Invalid static pod manifest; keeping the last good version",
                "web.yaml");
        assertThat(agent.log()).containsPattern("web\\.yaml:\\d+");
        // longer than the re-list period (2 s): the kubelet would have killed it by now
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
                .until(() -> docker.running(node, "web-" + node, "app").stream()
                        .anyMatch(c -> c.id().equals(running.id())));
    }

    @Test
    void aManifestWithErrorsIsReportedWithFileLineAndFieldAndRunsNothing() throws Exception {
        startAgent();
        write("bad.yaml", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: bad
                spec:
                  restartPolicy: Sometimes
                  containers:
                  - name: app
                """);
        write("good.yaml", pod("good", SLEEPER));

        awaitRunning("good", "app");
        agent.awaitLog(Duration.ofSeconds(10), "Invalid static pod manifest", "bad.yaml");
        assertThat(agent.log()).contains("bad.yaml:6: spec.restartPolicy").contains("spec.containers[0].image");
        assertThat(docker.all(node)).noneMatch(c -> c.labels().get("io.kubernetes.pod.name").startsWith("bad-"));
    }

    @Test
    void ofTwoFilesDefiningOnePodTheFirstInSortedOrderWinsAndTheOtherIsNamed() throws Exception {
        startAgent();
        write("a.yaml", pod("dup", "echo from-a; " + SLEEPER));
        write("b.yaml", pod("dup", "echo from-b; " + SLEEPER));

        Seen app = awaitRunning("dup", "app");
        agent.awaitLog(Duration.ofSeconds(10), "Duplicate static pod name", "b.yaml");
        await().atMost(Duration.ofSeconds(10)).until(() -> logs(app.id()).contains("from-a"));
        assertThat(app.labels()).containsEntry("io.staticpod.agent.file", manifests.resolve("a.yaml").toString());
    }

    @Test
    void dotfilesAndEditorLeftoversAreIgnored() throws Exception {
        startAgent();
        write("real.yaml", pod("real", SLEEPER));
        for (String name : List.of(".hidden.yaml", "real.yaml~", "real.yaml.swp", "4913", "real.yaml.bak",
                "real.yaml.dpkg-old")) {
            Files.writeString(manifests.resolve(name), pod("leftover" + Math.abs(name.hashCode() % 1000), SLEEPER));
        }

        awaitRunning("real", "app");
        agent.awaitLog(Duration.ofSeconds(10), "Skipping editor or package-manager leftover", "real.yaml~");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> docker.all(node).size() == 2);
        assertThat(agent.log()).doesNotContain(".hidden.yaml");
    }

    @Test
    void twentyManifestsDroppedAtOnceAllRun() throws Exception {
        startAgent();
        for (int i = 0; i < 20; i++) {
            write("p" + i + ".yaml", pod("p" + i, SLEEPER));
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> docker.running(node).size() == 40);
        assertThat(docker.all(node)).hasSize(40);
    }

    @Test
    void stoppingTheAgentLeavesItsPodsRunning() throws Exception {
        startAgent();
        write("stay.yaml", pod("stay", SLEEPER));
        awaitRunning("stay", "app");
        Set<String> before = ids();

        agent.stop();

        assertThat(agent.log()).contains("Stopping static-pod-agent; static pods keep running");
        assertThat(docker.running(node).stream().map(Seen::id).collect(Collectors.toSet())).isEqualTo(before);
    }

    private Set<String> ids() {
        return docker.all(node).stream().map(Seen::id).collect(Collectors.toSet());
    }

    private String logs(String id) {
        return docker.logs(id);
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(List<String> lines, String part) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }
}
